"""The appeal state machine as data: every allowed transition, its permission and guard.

The actions run these through the case core (`hromada.core.cases`): the check (permission, then
state, then guard; decision 49) and the change happen inside a transaction holding the appeal's
row lock, and each writes its `AppealEvent`. A transition with no permission is done by the system
(registration, routing at registration, answering a duplicate with its main appeal).

Registration is a transition too: from `UNREGISTERED`, the status of an appeal not yet written, to
"registered". `appeal_register` checks it (and the routing or "not considered" step that follows at
once) on the appeal in memory and writes the row once, already in its first resting status.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.appeals.models import REOPEN_DAYS, RETURN_DAYS, Appeal, AppealEvent
from hromada.apps.appeals.models import AppealStatus as S
from hromada.core.cases.workflow import Transition, Workflow

UNREGISTERED = ""  # an appeal being registered, before its row exists


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


WORKING = frozenset({S.ROUTED, S.IN_PROGRESS, S.EXTENDED, S.REOPENED})

WORKFLOW = Workflow((
    # Registration, by the system whoever sent the appeal (the channel's own checks came first).
    Transition("register", frozenset({UNREGISTERED}), S.REGISTERED, None, gettext_lazy("Register the appeal")),
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
    # Also the system's step at registration for an anonymous appeal.
    Transition("not_consider", frozenset({S.REGISTERED, S.ROUTED}), S.NOT_CONSIDERED, "appeals.return_appeal",
               gettext_lazy("Not subject to consideration")),
), state_message=gettext_lazy("This cannot be done while the appeal is “%(status)s”."), event_model=AppealEvent)
