"""The way of a service case as data: every allowed step, who may take it, and its guard.

submitted → accepted (or returned for missing documents, with the list; the applicant resubmits)
→ in work at the provider → decided (granted, or refused with a ground from the card) → result ready
→ issued. The applicant may withdraw a case until it is in work. The actions run these through the
case core (`hromada.core.cases`): permission, then state, then guard (decision 49), inside a
transaction holding the case's row lock, each writing its `ServiceCaseEvent`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from hromada.apps.services.models import CaseStatus as S
from hromada.apps.services.models import ServiceCaseEvent
from hromada.core.cases.workflow import Transition, Workflow

UNSUBMITTED = ""  # a case being submitted, before its row exists

WORKFLOW = Workflow((
    # Submission, by the system whoever applied (the applicant's or the operator's checks came first).
    Transition("submit", frozenset({UNSUBMITTED}), S.SUBMITTED, None, gettext_lazy("Submit the application")),
    Transition("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, "services.register_case",
               gettext_lazy("Accept the application")),
    Transition("return", frozenset({S.SUBMITTED, S.ACCEPTED}), S.RETURNED, "services.register_case",
               gettext_lazy("Return for missing documents")),
    Transition("resubmit", frozenset({S.RETURNED}), S.SUBMITTED, "services.resubmit_case",
               gettext_lazy("Submit again with the documents")),
    Transition("send", frozenset({S.ACCEPTED}), S.IN_WORK, "services.register_case",
               gettext_lazy("Send to the provider")),
    Transition("grant", frozenset({S.IN_WORK}), S.GRANTED, "services.decide_case", gettext_lazy("Grant")),
    Transition("refuse", frozenset({S.IN_WORK}), S.REFUSED, "services.decide_case",
               gettext_lazy("Refuse on a ground from the card")),
    Transition("ready", frozenset({S.GRANTED, S.REFUSED}), S.RESULT_READY, "services.decide_case",
               gettext_lazy("The result is ready")),
    Transition("issue", frozenset({S.RESULT_READY}), S.ISSUED, "services.register_case",
               gettext_lazy("Issue the result")),
    Transition("withdraw", frozenset({S.SUBMITTED, S.RETURNED, S.ACCEPTED}), S.WITHDRAWN, "services.withdraw_case",
               gettext_lazy("Withdraw the application")),
), state_message=gettext_lazy("This cannot be done while the case is “%(status)s”."), event_model=ServiceCaseEvent)
