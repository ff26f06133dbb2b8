"""Demo cases of administrative services: at least one case in every status, moved there by the processing
actions so that each timeline and each notice in the outbox is the one a real case would have.

Called by the demo after the register, the offices and the people exist:

    make_demo_cases(community, services, offices, operator=..., executors=[...], applicants=[...])

Only the services with a department, refusal grounds and an executor among `executors` of that department
get cases. Running it twice adds nothing: the cases are recognised by
the applicant's e-mail and the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hromada.apps.accounts.roles import staff_roles
from hromada.apps.services import notices
from hromada.apps.services.actions import intake, processing
from hromada.apps.services.models import (
    CaseStatus,
    Office,
    Service,
    ServiceCase,
    ServiceCaseEvent,
    ServiceVersion,
)
from hromada.apps.services.workflow import WORKFLOW
from hromada.core import tenancy
from hromada.core.calendar import end_of_day
from hromada.core.cases.actions import apply_transition, copy_values, lock

# (the status the case ends in, days since it was submitted, a note for the data of the application)
PLAN: tuple[tuple[str, int], ...] = (
    (CaseStatus.SUBMITTED, 0),
    (CaseStatus.SUBMITTED, 20),  # waiting long: past its term, for the controller's view
    (CaseStatus.RETURNED, 3),
    (CaseStatus.ACCEPTED, 2),
    (CaseStatus.IN_WORK, 5),
    (CaseStatus.IN_WORK, 9),  # near the term
    (CaseStatus.GRANTED, 7),
    (CaseStatus.REFUSED, 8),
    (CaseStatus.RESULT_READY, 10),
    (CaseStatus.ISSUED, 14),
    (CaseStatus.ISSUED, 30),
    (CaseStatus.WITHDRAWN, 4),
)
# The steps that lead to each status.
PATHS: dict[str, tuple[str, ...]] = {
    CaseStatus.SUBMITTED: (), CaseStatus.RETURNED: ("return",), CaseStatus.ACCEPTED: ("accept",),
    CaseStatus.IN_WORK: ("accept", "send"), CaseStatus.GRANTED: ("accept", "send", "grant"),
    CaseStatus.REFUSED: ("accept", "send", "refuse"), CaseStatus.RESULT_READY: ("accept", "send", "grant", "ready"),
    CaseStatus.ISSUED: ("accept", "send", "grant", "ready", "issue"), CaseStatus.WITHDRAWN: ("withdraw",),
}


def _open_case(community: Any, service: Service, office: Office | None, applicant: Any, submitted: Any) -> ServiceCase:
    """A case as the intake opens it: number, status code, the card's version, the term, the "submit" event."""
    with transaction.atomic():
        version = ServiceVersion.objects.get(service=service, number=service.version)
        due = intake.due_date_of(service, community, submitted)
        case = ServiceCase.objects.create(
            community=community, number=intake.allocate_number(community, submitted),
            status_code=intake.new_status_code(),
            service=service, version=version, applicant=applicant, applicant_name=applicant.full_name,
            applicant_email=applicant.email, applicant_phone=getattr(applicant, "phone", "") or "", office=office,
            submitted_at=submitted, due_date=due, due_at=end_of_day(due) if due else None,
            data={"purpose": "Оформлення документів для родини"})
        ServiceCaseEvent.objects.create(community=community, case=case, kind="submit", actor=applicant, at=submitted,
                                        to_status=CaseStatus.SUBMITTED)
        notices.tell_applicant(case, event_id=None)
    return case


def _withdraw(case: ServiceCase, by: Any) -> None:
    with transaction.atomic():
        locked = lock(case)
        event = apply_transition(locked, WORKFLOW, "withdraw", by=by, note="Подам заяву пізніше")
        notices.tell_applicant(locked, event_id=event.pk)
    copy_values(case, locked)


def _step(case: ServiceCase, step: str, *, operator: Any, executor: Any, applicant: Any) -> None:
    card = case.card
    if step == "accept":
        processing.case_accept(case=case, by=operator)
    elif step == "return":
        titles = [d.get("title", "") for d in card.get("documents") or [] if d.get("title")]
        processing.case_return(case=case, missing=titles[:1] or ["Копія паспорта"], by=operator,
                               note="Додайте, будь ласка, відсутній документ")
    elif step == "send":
        processing.case_send(case=case, by=operator)
    elif step == "grant":
        processing.case_grant(case=case, by=executor, note="Рішення підготовлено")
    elif step == "refuse":
        processing.case_refuse(case=case, ground=str(card["refusal_grounds"][0]), by=executor,
                               note="Документи не відповідають вимогам")
    elif step == "ready":
        processing.case_mark_ready(case=case, by=executor)
    elif step == "issue":
        processing.case_issue(case=case, by=operator)
    elif step == "withdraw":
        _withdraw(case, applicant)


def make_demo_cases(community: Any, services: Sequence[Service], offices: Sequence[Office], *, operator: Any,
                    executors: Sequence[Any], applicants: Sequence[Any]) -> list[ServiceCase]:
    """Cases in every status for the demo community, each moved there by the actions; the steps' times are
    then spread over the days since the case was submitted, so terms and timelines look lived in."""
    with tenancy.scope(community):
        deciders = {}
        for service in services:
            who = next((u for u in executors if staff_roles(u, community).executes_for(service.department_id)), None)
            if who is not None and service.refusal_grounds and service.version:
                deciders[service.pk] = who
        usable = [s for s in services if s.pk in deciders]
        if not usable or not applicants:
            return []
        if ServiceCase.objects.filter(applicant__in=list(applicants)).exists():
            return []
        now = timezone.now()
        made = []
        for index, (status, age) in enumerate(PLAN):
            service = usable[index % len(usable)]
            applicant = applicants[index % len(applicants)]
            office = offices[index % len(offices)] if offices else None
            submitted = now - timedelta(days=age, hours=index)
            case = _open_case(community, service, office, applicant, submitted)
            steps = PATHS[status]
            for step in steps:
                _step(case, step, operator=operator, executor=deciders[service.pk], applicant=applicant)
            _spread(case, submitted, now)
            made.append(case)
        return made


def _spread(case: ServiceCase, submitted: Any, now: Any) -> None:
    """Place the steps' events and timestamps between the submission and now (the actions wrote them now)."""
    events = list(ServiceCaseEvent.objects.filter(case=case).order_by("at", "pk"))
    later = events[1:]
    if not later:
        return
    gap = (now - submitted) / (len(later) + 1)
    times: dict[str, Any] = {}
    for number, event in enumerate(later, start=1):
        at = submitted + gap * number
        ServiceCaseEvent.objects.filter(pk=event.pk).update(at=at)
        times[event.kind] = at
    fields: dict[str, Any] = {}
    if "accept" in times:
        fields["accepted_at"] = times["accept"]
    for kind in ("grant", "refuse"):
        if kind in times:
            fields["decided_at"] = times[kind]
    if "issue" in times:
        fields["issued_at"] = times["issue"]
    if fields:
        ServiceCase.objects.filter(pk=case.pk).update(**fields)
        for name, value in fields.items():
            setattr(case, name, value)
