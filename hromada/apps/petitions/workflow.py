"""The petition state machine as data: every allowed transition, its permission and guard.

`actions.py` is the only caller of `check()`; it applies the transition inside a
transaction holding the petition's row lock and writes the event row. A transition with
no permission is done by the system (signing crosses the threshold, the period ends).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.petitions.models import Petition, PetitionPolicy
from hromada.apps.petitions.models import PetitionStatus as S
from hromada.core.api.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Guard = Callable[[Petition], "str | None"]


def _coauthors_confirmed(petition: Petition) -> str | None:
    needed = PetitionPolicy.for_community(petition.community).coauthors_required
    confirmed = petition.coauthors.filter(confirmed_at__isnull=False).count()
    if confirmed < needed:
        return _("This community needs %(needed)s confirmed co-authors before a petition is submitted; "
                 "%(confirmed)s have confirmed so far.") % {"needed": needed, "confirmed": confirmed}
    return None


def _threshold_met(petition: Petition) -> str | None:
    return None if petition.signature_count >= petition.threshold else _("The threshold is not reached.")


def _threshold_lost(petition: Petition) -> str | None:
    return None if petition.signature_count < petition.threshold else _("The threshold is still met.")


def _period_ended(petition: Petition) -> str | None:
    ends = petition.collection_ends_at
    return None if ends is not None and timezone.now() > ends else _("The collection period has not ended.")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    permission: str | None  # a rules permission checked against the petition; None: system only
    label: StrOrPromise
    guard: Guard | None = None


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", frozenset({S.DRAFT}), S.MODERATION, "petitions.submit_petition",
               gettext_lazy("Submit for moderation"), _coauthors_confirmed),
    Transition("publish", frozenset({S.MODERATION}), S.COLLECTING, "petitions.moderate_petition",
               gettext_lazy("Publish")),
    Transition("reject", frozenset({S.MODERATION}), S.REJECTED, "petitions.moderate_petition",
               gettext_lazy("Reject")),
    Transition("reach_threshold", frozenset({S.COLLECTING}), S.THRESHOLD_REACHED, None,
               gettext_lazy("Threshold reached"), _threshold_met),
    # Withdrawals or invalidated signatures took the count below the threshold again while
    # signatures are still collected; the consideration term restarts when it is met again.
    Transition("lose_threshold", frozenset({S.THRESHOLD_REACHED}), S.COLLECTING, None,
               gettext_lazy("Below the threshold again"), _threshold_lost),
    Transition("forward", frozenset({S.COLLECTING}), S.FORWARDED, None,
               gettext_lazy("Forwarded as a collective appeal"), _period_ended),
    Transition("start_consideration", frozenset({S.THRESHOLD_REACHED}), S.CONSIDERATION,
               "petitions.answer_petition", gettext_lazy("Start consideration")),
    Transition("answer", frozenset({S.CONSIDERATION}), S.ANSWERED, "petitions.answer_petition",
               gettext_lazy("Publish the official response")),
    Transition("archive", frozenset({S.ANSWERED, S.REJECTED, S.FORWARDED}), S.ARCHIVED,
               "petitions.archive_petition", gettext_lazy("Archive")),
)}


def check(name: str, petition: Petition, user=None) -> Transition:
    """The transition `name` if it may run now; DomainError (409 or 403) otherwise.

    `user` None means the system runs it; a person can only run transitions with a permission.
    """
    transition = TRANSITIONS[name]
    if petition.status not in transition.sources:
        raise DomainError(
            _("This cannot be done while the petition is “%(status)s”.") % {"status": petition.get_status_display()},
            code="bad_transition", status_code=409)
    if user is not None:
        if transition.permission is None or not user.has_perm(transition.permission, petition):
            raise DomainError(_("You do not have permission to do this."), code="forbidden", status_code=403)
    if transition.guard is not None:
        problem = transition.guard(petition)
        if problem:
            raise DomainError(problem, code="guard_failed", status_code=409)
    return transition


def available(petition: Petition, user) -> list[Transition]:
    """Transitions `user` could start now (for buttons); guards are checked when they run."""
    return [t for t in TRANSITIONS.values()
            if petition.status in t.sources and t.permission is not None and user.has_perm(t.permission, petition)]
