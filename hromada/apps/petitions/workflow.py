"""The petition state machine as data: every allowed transition, its permission and guard.

The actions are the only callers: they apply a transition with `hromada.core.cases.apply_transition`
inside a transaction holding the petition's row lock, which checks it (permission, then state, then
guard: decision 49) and writes the `PetitionEvent`. A transition with no permission is done by the
system (signing crosses the threshold, the period ends).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.petitions.models import Petition, PetitionEvent, PetitionPolicy
from hromada.apps.petitions.models import PetitionStatus as S
from hromada.core.cases.workflow import Transition, Workflow


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


WORKFLOW = Workflow((
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
), state_message=gettext_lazy("This cannot be done while the petition is “%(status)s”."), event_model=PetitionEvent)
