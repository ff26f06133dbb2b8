"""What the participatory budget's actions share: the permission with its reason, the project's
row lock, numbers from input, and the notices to authors and departments."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.models import Project
from hromada.core.api.errors import DomainError
from hromada.core.cases.actions import forbidden, lock
from hromada.core.notifications.services import notify


def require(user: Any, permission: str, obj: Any) -> None:
    """The case core's ``require`` with the budget's reason: refuse (403) with the first unmet
    requirement of `permission` (``rules.refusal``: "voting opens on …", "only moderators …")."""
    reason = budget_rules.refusal(permission, user, obj)
    if reason:
        raise forbidden(reason)


def locked_project(project: Project) -> Project:
    """The project re-read under its row lock (``lock``), with what the permission checks need."""
    return lock(project, related=("cycle", "cycle__community", "category"))


def raise_validation(exc: ValidationError) -> None:
    """The model's own validation (field limits) as a DomainError naming the first field."""
    if hasattr(exc, "error_dict"):
        field_name, errors = next(iter(exc.message_dict.items()))
        raise DomainError(errors[0], code="invalid", field=field_name) from exc
    raise DomainError(exc.messages[0], code="invalid") from exc


def parse_decimal(raw: Any, *, field: str, label: str, allow_zero: bool) -> Decimal:
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DomainError(_("%(label)s: enter a number.") % {"label": label}, code="required", field=field)
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": raw},
                          code="not_a_number", field=field) from None
    if not value.is_finite():
        raise DomainError(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": raw},
                          code="not_a_number", field=field)
    if value < 0 or (value == 0 and not allow_zero):
        message = _("%(label)s must be greater than zero.") if not allow_zero else \
            _("%(label)s cannot be negative.")
        raise DomainError(message % {"label": label}, code="negative", field=field)
    return value


def parse_int(raw: Any, *, field: str, label: str) -> int:
    if isinstance(raw, bool):
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}, code="not_a_number",
                          field=field)
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}, code="not_a_number",
                          field=field) from None


def notify_authors(project: Project, body: str) -> None:
    people = [project.author, *project.co_authors.all()]
    for person in people:
        notify(recipient=person, channel="email", kind="budgeting.project", body=body,
               subject=_("Participatory budget: project №%(number)s") % {"number": project.number},
               community=project.cycle.community)


def notify_department(project: Project, body: str) -> None:
    department = project.department
    if department is None or not department.email:
        return
    notify(address=department.email, channel="email", kind="budgeting.review", body=body,
           subject=_("Participatory budget: project №%(number)s") % {"number": project.number},
           community=project.cycle.community)
