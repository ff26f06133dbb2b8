"""Intake: an application submitted online by a resident, or a paper one registered at a ЦНАП desk.

Both check everything first (the service open to applications, who applies, the form with its documents),
then write in one durable transaction: the number, the case under the card's current version with its term,
its first event, the documents (in private storage) and the applicant's notice. On any error nothing stays
written: the transaction rolls back and the documents already stored are deleted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import IdentityLevel as AccountLevel
from hromada.apps.communities.models import Community
from hromada.apps.services.cards import current_version
from hromada.apps.services.forms import ApplicationForm, CleanFile
from hromada.apps.services.models import (
    CaseAttachment,
    CaseChannel,
    CaseCounter,
    IdentityLevel,
    Office,
    Service,
    ServiceCase,
    ServiceCaseEvent,
    TermKind,
)
from hromada.apps.services.notices import tell_applicant
from hromada.apps.services.workflow import UNSUBMITTED, WORKFLOW
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import add_calendar_days, community_add_working_days, end_of_day, kyiv_date
from hromada.core.cases.actions import require
from hromada.core.numbering import next_serial
from hromada.core.text import strip_controls

T = TypeVar("T")
NUMBER_KIND = "services"
NUMBER_LETTER = "S"  # "services"; Latin, so the number is typed the same on any keyboard (decision 78)


class ApplicationInvalid(DomainError):
    """The form's answers or documents are refused; `form` carries every error by field (400)."""

    def __init__(self, form: ApplicationForm) -> None:
        field, message = form.first_error()
        super().__init__(message or _("Check the application."), code="invalid_application", field=field)
        self.form = form

    def envelope(self) -> dict[str, Any]:
        return {"errors": [{"code": "invalid_application", "message": str(error), "field": name}
                           for name, errors in self.form.errors.items() for error in errors]}


@dataclass
class PaperApplicant:
    """Who handed a paper application in (the operator types it)."""

    name: str
    email: str = ""
    phone: str = ""


def number_prefix(community: Community) -> str:
    letters = "".join(ch for ch in community.slug.upper() if "A" <= ch <= "Z")
    return (letters[:2] or "CN").ljust(2, "X")


def allocate_number(community: Community, at: datetime) -> str:
    """The next case number `<PREFIX>-S-<YEAR>-<000123>` of the community. Call inside a transaction."""
    year = kyiv_date(at).year
    serial = next_serial(CaseCounter, community, year, kind=NUMBER_KIND)
    return f"{number_prefix(community)}-{NUMBER_LETTER}-{year}-{serial:06d}"


def new_status_code() -> str:
    """Eight random digits: with the number, what the status check asks."""
    return f"{secrets.randbelow(10**8):08d}"


def due_date_of(service: Service, community: Community, start: datetime) -> date | None:
    """The term of a case opened at `start` under the card's term; None when the card sets none."""
    if service.term_days is None:
        return None
    if service.term_kind == TermKind.CALENDAR:
        return add_calendar_days(start, service.term_days)
    return community_add_working_days(community, start, service.term_days)


def check_open(service: Service, *, online: bool) -> None:
    if not service.accepts_applications:
        raise DomainError(_("Applications for “%(service)s” are not accepted now: the service is %(status)s.") % {
            "service": service.name, "status": service.get_status_display().lower()},
            code="service_not_accepting", status_code=409)
    if online and not service.applies_online:
        raise DomainError(_("“%(service)s” cannot be applied for online. See its card for where to apply.") % {
            "service": service.name}, code="not_online", status_code=409)


def check_identity(service: Service, user: Any) -> None:
    if service.identity_level == IdentityLevel.VERIFIED and getattr(user, "identity_level", 0) < AccountLevel.VERIFIED:
        raise DomainError(_("This service needs a verified identity. Verify your identity with the identity "
                            "provider, or in person at a ЦНАП desk, and apply again."),
                          code="identity_not_verified", status_code=403)


def validate_answers(service: Service, data: Mapping[str, Any], files: Mapping[str, Any], *, user: Any = None,
                     operator: bool = False) -> ApplicationForm:
    """The service's form bound to `data` and `files`, valid; ApplicationInvalid (400) otherwise."""
    form = ApplicationForm(list(service.form), data=data, files=files, user=user, operator=operator)
    if not form.is_valid():
        raise ApplicationInvalid(form)
    return form


def _write(*, service: Service, form: ApplicationForm, channel: str, applicant: Any, name: str, email: str,
           phone: str, office: Office | None, by: Any, stored: list[Any]) -> ServiceCase:
    """Write the checked case; inside the caller's durable transaction."""
    community = service.community
    now = timezone.now()
    due = due_date_of(service, community, now)
    case = ServiceCase(community=community, service=service, version=current_version(service), channel=channel,
                       status=UNSUBMITTED, applicant=applicant, applicant_name=name[:200], applicant_email=email,
                       applicant_phone=phone[:32], data=form.answers(), office=office,
                       department_id=service.department_id, registered_by=by if by is not applicant else None,
                       submitted_at=now, due_date=due, due_at=end_of_day(due) if due else None)
    step = WORKFLOW.check(case, "submit")
    case.status = step.target
    case.number = allocate_number(community, now)
    case.status_code = new_status_code()
    case.save(force_insert=True)
    ServiceCaseEvent.objects.create(community=community, case=case, at=now, actor=by, kind="submit",
                                    from_status=UNSUBMITTED, to_status=case.status,
                                    data={"number": case.number, "channel": channel,
                                          "version": case.version.number})
    store_documents(case, form.documents(), by=by, stored=stored)
    tell_applicant(case, event_id=None)
    return case


def store_documents(case: ServiceCase, documents: list[CleanFile], *, by: Any, stored: list[Any]
                    ) -> list[CaseAttachment]:
    """Store checked documents of `case` in private storage, inside the caller's transaction; each stored file
    is added to `stored`, which `durable()` empties from storage if the transaction rolls back."""
    written: list[CaseAttachment] = []
    for document in documents:
        attachment = CaseAttachment(community_id=case.community_id, case=case, field=document.field,
                                    original_name=document.original_name, content_type=document.content_type,
                                    size=len(document.content), uploaded_by=by if getattr(by, "pk", None) else None)
        content = document.as_content_file()
        attachment.file.save(content.name or "document", content, save=False)
        stored.append(attachment.file)
        attachment.save(force_insert=True)
        written.append(attachment)
    return written


def durable(write: Callable[[list[Any]], T]) -> T:
    """`write(stored)` in one durable transaction; on any error the files it stored (listed in `stored`) are
    deleted before the error goes on, so nothing stays half-written."""
    stored: list[Any] = []
    try:
        with transaction.atomic(durable=True):
            return write(stored)
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def submit_application(*, service: Service, user: Any, data: Mapping[str, Any], files: Mapping[str, Any]
                       ) -> ServiceCase:
    """A resident's online application for `service`: the case with its number, status code, term and receipt.

    Refused before anything is written: 403 not signed in or below the service's identity level, 409 the
    service not open to online applications, 400 `invalid_application` (every field's error in the form)."""
    require(user, "services.apply", service, message=_("Sign in to apply."))
    check_open(service, online=True)
    check_identity(service, user)
    form = validate_answers(service, data, files, user=user)
    name = user.full_name or user.email
    return durable(lambda stored: _write(service=service, form=form, channel=CaseChannel.ONLINE, applicant=user,
                                         name=name, email=user.email, phone=user.phone, office=None, by=user,
                                         stored=stored))


def register_paper_application(*, service: Service, operator: Any, applicant: PaperApplicant,
                               data: Mapping[str, Any], files: Mapping[str, Any],
                               office: Office | None = None) -> ServiceCase:
    """A paper application handed in at a ЦНАП desk, registered by `operator` (audited), channel "desk"."""
    require(operator, "services.register_case", service,
            message=_("Only the ЦНАП administrators of this community register paper applications."))
    check_open(service, online=False)
    name = strip_controls(applicant.name or "", single_line=True).strip()
    if not name:
        raise DomainError(_("Give the applicant's full name."), code="required", field="applicant_name")
    email = (applicant.email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Enter a valid e-mail address."), code="bad_email", field="applicant_email") from None
    phone = strip_controls(applicant.phone or "", single_line=True).strip()
    if not email and not phone:
        raise DomainError(_("Give the applicant's e-mail or phone, so they hear of each step."), code="required",
                          field="applicant_email")
    if office is not None and office.community_id != service.community_id:
        raise DomainError(_("Choose an office of this community."), code="bad_office", field="office")
    form = validate_answers(service, data, files, operator=True)

    def write(stored: list[Any]) -> ServiceCase:
        case = _write(service=service, form=form, channel=CaseChannel.DESK, applicant=None, name=name, email=email,
                      phone=phone, office=office, by=operator, stored=stored)
        audit_record(actor=operator, action="services.register_paper", community=service.community, target=case,
                     data={"number": case.number, "service": service.code,
                           "office": office.code if office else ""})
        return case

    return durable(write)
