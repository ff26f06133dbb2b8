"""The back office's reads of service cases: the ЦНАП's queue per office, the provider's per department, and
the controller's view of terms. Every list is ordered nearest term first and served by an index of the
case table (`services_office_queue_idx`, `services_dept_queue_idx`, `services_case_due_idx`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from hromada.apps.services.models import UNDECIDED_STATUSES, CaseStatus, Office, ServiceCase
from hromada.core.calendar import add_working_days, end_of_day, kyiv_date

# What waits at the ЦНАП's desk, and what waits with the provider.
CNAP_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.RESULT_READY, CaseStatus.RETURNED)
PROVIDER_STATUSES = (CaseStatus.IN_WORK, CaseStatus.GRANTED, CaseStatus.REFUSED)
NEAR_WORKING_DAYS = 2  # a case due within this many working days is "near the term"
NO_OFFICE = "none"  # the ЦНАП queue of online applications that named no office

LIST_COLUMNS = ("pk", "number", "status", "due_date", "due_at", "submitted_at", "applicant_name",
                "service__code", "service__name_uk", "office__name_uk", "department__name_uk")


def ordered(cases: QuerySet[ServiceCase]) -> QuerySet[ServiceCase]:
    """Nearest term first (a case with no term last), then the oldest."""
    return cases.order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk")


def near_limit(now: datetime | None = None) -> datetime:
    """The end of the last day still "near the term": today plus NEAR_WORKING_DAYS working days."""
    return end_of_day(add_working_days(kyiv_date(now or timezone.now()), NEAR_WORKING_DAYS))


def filtered(cases: QuerySet[ServiceCase], *, status: str = "", service: str = "", overdue: bool = False,
             statuses: tuple[str, ...] = ()) -> QuerySet[ServiceCase]:
    if status and status in statuses:
        cases = cases.filter(status=status)
    else:
        cases = cases.filter(status__in=statuses)
    if service:
        cases = cases.filter(service__code=service)
    if overdue:
        cases = cases.filter(status__in=UNDECIDED_STATUSES, due_at__lt=timezone.now())
    return cases


def cnap_queue(office: Office | None, **filters: Any) -> QuerySet[ServiceCase]:
    """The open cases at the desk of `office` (None: the applications that named no office)."""
    cases = ServiceCase.objects.filter(office=office) if office else ServiceCase.objects.filter(office__isnull=True)
    return ordered(filtered(cases, statuses=CNAP_STATUSES, **filters))


def provider_queue(department_ids: list[int], **filters: Any) -> QuerySet[ServiceCase]:
    """The cases with the provider's department(s): to decide, and decided but not yet ready."""
    return ordered(filtered(ServiceCase.objects.filter(department_id__in=department_ids),
                            statuses=PROVIDER_STATUSES, **filters))


def under_control(now: datetime | None = None) -> QuerySet[ServiceCase]:
    """Undecided cases overdue or due within NEAR_WORKING_DAYS working days."""
    return ServiceCase.objects.filter(status__in=UNDECIDED_STATUSES, due_at__isnull=False,
                                      due_at__lte=near_limit(now))


@dataclass
class Group:
    key: str  # the service's code or the department's id ("" for none)
    name: str
    overdue: int = 0
    near: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.near


@dataclass
class Control:
    """The controlled cases counted per (service, department): one index-only scan, whatever the view."""

    counts: Sequence[tuple[int, int | None, int, int]]  # service id, department id, overdue, near
    services: dict[int, tuple[str, str]]  # id: (code, name)
    departments: dict[int, str]

    def groups(self, by: str) -> list[Group]:
        """Per service (`by="service"`) or per provider's department: most overdue first."""
        found: dict[str, Group] = {}
        for service_id, department_id, overdue, near in self.counts:
            if by == "service":
                code, name = self.services.get(service_id, ("", ""))
                group = found.setdefault(code, Group(key=code, name=name))
            else:
                key = "" if department_id is None else str(department_id)
                group = found.setdefault(key, Group(key=key, name=self.departments.get(department_id or 0, "")))
            group.overdue += overdue
            group.near += near
        return sorted(found.values(), key=lambda g: (-g.overdue, -g.near, g.name))

    def count(self, *, kind: str = "", service: str = "", department: str = "") -> int:
        """How many cases `control_cases` with the same filters lists (without counting them again)."""
        total = 0
        for service_id, department_id, overdue, near in self.counts:
            if service and self.services.get(service_id, ("", ""))[0] != service:
                continue
            if department == NO_OFFICE and department_id is not None:
                continue
            if department.isdigit() and department_id != int(department):
                continue
            if department and department != NO_OFFICE and not department.isdigit():
                continue
            total += overdue if kind == "overdue" else near if kind == "near" else overdue + near
        return total


def control(now: datetime | None = None) -> Control:
    from hromada.apps.communities.models import Department
    from hromada.apps.services.models import Service

    now = now or timezone.now()
    counts = [(row["service_id"], row["department_id"], row["overdue"], row["near"]) for row in
              under_control(now).order_by().values("service_id", "department_id")
              .annotate(overdue=Count("pk", filter=Q(due_at__lt=now)), near=Count("pk", filter=Q(due_at__gte=now)))]
    services = {pk: (code, name) for pk, code, name in
                Service.objects.filter(pk__in={c[0] for c in counts}).values_list("pk", "code", "name_uk")}
    departments = dict(Department.objects.filter(pk__in={c[1] for c in counts if c[1]}).values_list("pk", "name_uk"))
    return Control(counts, services, departments)


def control_groups(by: str, now: datetime | None = None) -> list[Group]:
    """The controlled cases counted per service (`by="service"`) or per provider's department
    (`by="department"`): overdue and near the term, most overdue first."""
    return control(now).groups(by)


def control_cases(*, kind: str = "", service: str = "", department: str = "",
                  now: datetime | None = None) -> QuerySet[ServiceCase]:
    """The drill-down behind a figure of the control page."""
    now = now or timezone.now()
    cases = under_control(now)
    if kind == "overdue":
        cases = cases.filter(due_at__lt=now)
    elif kind == "near":
        cases = cases.filter(due_at__gte=now)
    if service:
        cases = cases.filter(service__code=service)
    if department == NO_OFFICE:
        cases = cases.filter(department__isnull=True)
    elif department.isdigit():
        cases = cases.filter(department_id=int(department))
    return ordered(cases)


def days_left(due: date | None, today: date) -> int | None:
    return None if due is None else (due - today).days
