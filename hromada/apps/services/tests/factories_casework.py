"""Services, offices and cases for the processing, office, control and statistics tests, written directly with
the models (a case as the intake leaves it: a number, a status code, the card version and its "submit" event)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from hromada.apps.services import cards
from hromada.apps.services.models import (
    CaseCounter,
    CaseStatus,
    Office,
    Service,
    ServiceCase,
    ServiceCaseEvent,
    ServiceVersion,
)
from hromada.core import tenancy
from hromada.core.calendar import add_working_days, end_of_day, kyiv_date
from hromada.core.numbering import next_serial

_seq = count(1)

DOCUMENTS = [{"title": "Паспорт громадянина України", "requirements": "оригінал"},
             {"title": "Довідка про реєстрацію місця проживання", "requirements": "копія"}]
GROUNDS = ["Подання неповного пакета документів", "Виявлення недостовірних відомостей"]


def make_office(community: Any, **fields: Any) -> Office:
    n = next(_seq)
    fields.setdefault("code", f"office-{n}")
    fields.setdefault("name_uk", f"ЦНАП {n}")
    fields.setdefault("address", f"вул. Соборна, {n}")
    fields.setdefault("hours", dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-17:00"))
    with tenancy.scope(community):
        return Office.objects.create(community=community, **fields)


def make_service(community: Any, *, department: Any = None, offices: tuple[Office, ...] = (), **fields: Any) -> Service:
    """A service with a published card (version 1)."""
    n = next(_seq)
    fields.setdefault("code", f"svc-{n}")
    fields.setdefault("name_uk", f"Послуга {n}")
    fields.setdefault("provider", "Виконавчий комітет")
    fields.setdefault("documents", [dict(d) for d in DOCUMENTS])
    fields.setdefault("refusal_grounds", list(GROUNDS))
    fields.setdefault("term_days", 10)
    fields.setdefault("apply_methods", ["in_person", "online"])
    fields.setdefault("audience", ["person"])
    with tenancy.scope(community):
        from django.db import transaction

        with transaction.atomic():
            service = Service.objects.create(community=community, department=department, **fields)
            if offices:
                service.offices.set(offices)
            cards.publish_version(service)
    return service


def make_case(service: Service, *, applicant: Any = None, office: Office | None = None,
              status: str = CaseStatus.SUBMITTED, submitted_at: datetime | None = None,
              due_days: int | None = None, **fields: Any) -> ServiceCase:
    """A case of `service` under its current card version, with its "submit" event; `status` other than
    submitted is written directly (for lists and statistics; the processing tests move cases by the actions)."""
    community = service.community
    submitted_at = submitted_at or timezone.now()
    with tenancy.scope(community):
        version = ServiceVersion.objects.get(service=service, number=service.version)
        serial = next_serial(CaseCounter, community, submitted_at.year, kind="services")
        if "due_date" not in fields:
            days = service.term_days if due_days is None else due_days
            due = add_working_days(submitted_at, days) if days >= 0 else kyiv_date(submitted_at) + timedelta(days=days)
            fields["due_date"] = due
            fields["due_at"] = end_of_day(due)
        if applicant is not None:
            fields.setdefault("applicant_name", applicant.full_name)
            fields.setdefault("applicant_email", applicant.email)
        fields.setdefault("applicant_name", "Заявник Паперовий")
        if status != CaseStatus.SUBMITTED and "department" not in fields and status not in (
                CaseStatus.RETURNED, CaseStatus.ACCEPTED):
            fields["department_id"] = service.department_id
        case = ServiceCase.objects.create(
            community=community, number=f"ЦН-{submitted_at.year}-{serial:06d}", status_code=secrets.token_hex(4),
            service=service, version=version, status=status, applicant=applicant, office=office,
            submitted_at=submitted_at, **fields)
        ServiceCaseEvent.record(case, "submit", actor=applicant, to_status=CaseStatus.SUBMITTED)
        ServiceCaseEvent.objects.filter(case=case).update(at=submitted_at)
    return case
