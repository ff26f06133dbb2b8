"""The appeal state machine as data: every allowed transition, its permission and guard.

`actions.py` is the only caller of `check()`; it applies the transition inside a
transaction holding the appeal's row lock and writes the event row. A transition with no
permission is done by the system (routing at registration, closing after the answer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.appeals.models import REOPEN_DAYS, RETURN_DAYS, Appeal
from hromada.apps.appeals.models import AppealStatus as S
from hromada.core.api.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Guard = Callable[[Appeal], "str | None"]


def _within_return_term(appeal: Appeal) -> str | None:
    if timezone.now() > appeal.registered_at + timedelta(days=RETURN_DAYS):
        return _("A non-compliant appeal can be returned only within %(days)s days of registration.") % {
            "days": RETURN_DAYS}
    return None


def _within_reopen_term(appeal: Appeal) -> str | None:
    answered = appeal.answered_at or appeal.closed_at
    if answered is None or timezone.now() > answered + timedelta(days=REOPEN_DAYS):
        return _("An appeal can be reopened only within %(days)s days of the answer.") % {"days": REOPEN_DAYS}
    return None


def _has_department(appeal: Appeal) -> str | None:
    return None if appeal.department_id else _("Choose the department first.")


def _not_extended_yet(appeal: Appeal) -> str | None:
    return None if appeal.extended_at is None else _("The term of this appeal has already been extended.")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    permission: str | None  # a rules permission checked against the appeal; None: system only
    label: StrOrPromise
    guard: Guard | None = None


WORKING = frozenset({S.ROUTED, S.IN_PROGRESS, S.EXTENDED, S.REOPENED})

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    # Routing: by the routing rules at registration (system) or by an operator from triage.
    Transition("route", frozenset({S.REGISTERED}), S.ROUTED, "appeals.route_appeal",
               gettext_lazy("Send to a department"), _has_department),
    Transition("take", frozenset({S.ROUTED, S.REOPENED}), S.IN_PROGRESS, "appeals.work_appeal",
               gettext_lazy("Take into work")),
    # Forwarding to another department keeps the term; the appeal waits there as routed.
    Transition("forward", WORKING, S.ROUTED, "appeals.forward_appeal",
               gettext_lazy("Forward to another department"), _has_department),
    Transition("extend", frozenset({S.ROUTED, S.IN_PROGRESS, S.REOPENED}), S.EXTENDED, "appeals.extend_appeal",
               gettext_lazy("Extend the term"), _not_extended_yet),
    Transition("answer", WORKING, S.ANSWERED, "appeals.work_appeal", gettext_lazy("Answer")),
    Transition("close", frozenset({S.ANSWERED}), S.CLOSED, "appeals.close_appeal", gettext_lazy("Close")),
    Transition("reopen", frozenset({S.ANSWERED, S.CLOSED}), S.REOPENED, "appeals.reopen_appeal",
               gettext_lazy("Reopen"), _within_reopen_term),
    Transition("return", frozenset({S.REGISTERED, S.ROUTED}), S.RETURNED, "appeals.return_appeal",
               gettext_lazy("Return with an explanation"), _within_return_term),
    Transition("not_consider", frozenset({S.REGISTERED, S.ROUTED}), S.NOT_CONSIDERED, "appeals.return_appeal",
               gettext_lazy("Not subject to consideration")),
)}


def check(name: str, appeal: Appeal, user=None) -> Transition:
    """The transition `name` if it may run now; DomainError (409 or 403) otherwise.

    `user` None means the system runs it; a person can only run transitions with a permission.
    Permission is checked before the status, so a stranger learns nothing about the appeal.
    """
    transition = TRANSITIONS[name]
    if user is not None and (transition.permission is None or not user.has_perm(transition.permission, appeal)):
        raise DomainError(_("You do not have permission to do this."), code="forbidden", status_code=403)
    if appeal.status not in transition.sources:
        raise DomainError(
            _("This cannot be done while the appeal is “%(status)s”.") % {"status": appeal.get_status_display()},
            code="bad_transition", status_code=409)
    if transition.guard is not None:
        problem = transition.guard(appeal)
        if problem:
            raise DomainError(problem, code="guard_failed", status_code=409)
    return transition


def available(appeal: Appeal, user) -> list[Transition]:
    """Transitions `user` could start now (for buttons); guards are checked when they run."""
    return [t for t in TRANSITIONS.values()
            if appeal.status in t.sources and t.permission is not None and user.has_perm(t.permission, appeal)]
