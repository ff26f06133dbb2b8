"""The resident's side of administrative services: apply, the receipt, the status check by number and code,
the cabinet's list and a case's page (timeline, documents, decision, rating, withdrawal, resubmission), and
the ЦНАП operator's paper application. Each view parses input, calls one action, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hromada.apps.services import receipt as receipt_document
from hromada.apps.services.actions import applicant as applicant_actions
from hromada.apps.services.actions import intake
from hromada.apps.services.forms import (
    FILE_TYPES,
    ApplicationForm,
    PaperApplicantForm,
    RateForm,
    ResubmitForm,
    StatusCheckForm,
    WithdrawForm,
    labels_of,
)
from hromada.apps.services.models import CaseStatus, Office, Service, ServiceCase
from hromada.apps.services.workflow import WORKFLOW
from hromada.core import private_files, ratelimit
from hromada.core.api.errors import DomainError
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import HromadaRequest, SignedInRequest
from hromada.core.permissions import per_request, permission_required

PAGE_SIZE = 20
MAX_FORM_FILES = 20
MAX_FILE_BYTES = 20 * 1024 * 1024
STATUS_CHECK_GROUP = "services.status_check.address"


def normalise_number(number: str) -> str:
    return (number or "").replace("\x00", "").strip().upper()[:32]


@per_request
def visible_case(request: HromadaRequest, number: str, **_kwargs: Any) -> ServiceCase:
    """The case `number` of the community; 404 when there is none (the permission says who may see it)."""
    return get_object_or_404(ServiceCase.objects.select_related("service", "version", "office", "applicant"),
                             number=normalise_number(number))


def _service(code: str) -> Service:
    return get_object_or_404(Service.objects.exclude(version=0), code=code[:40])


def _error_status(error: DomainError) -> int:
    return int(error.status_code)


@body_limit(files_limit(MAX_FORM_FILES, MAX_FILE_BYTES))
@login_required
def apply(request: SignedInRequest, code: str) -> HttpResponse:
    """The service's application form (GET); the application (POST) → its receipt."""
    service = _service(code)
    refusal: DomainError | None = None
    try:
        intake.check_open(service, online=True)
        intake.check_identity(service, request.user)
    except DomainError as error:
        refusal = error
    form = ApplicationForm(list(service.form), user=request.user)
    status = 200
    if refusal is not None:
        status = _error_status(refusal)
    elif request.method == "POST":
        try:
            case = intake.submit_application(service=service, user=request.user, data=request.POST,
                                             files=request.FILES)
        except intake.ApplicationInvalid as error:
            form, status = error.form, 400
        except DomainError as error:
            refusal, status = error, _error_status(error)
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect("services:receipt", case.number)
    return render(request, "services/apply.html", {
        "service": service, "form": form, "refusal": refusal,
        "documents": list(service.documents)}, status=status)


@permission_required("services.view_case", fn=visible_case)
def receipt(request: SignedInRequest, number: str) -> HttpResponse:
    case = visible_case(request, number)
    return render(request, "services/receipt.html", receipt_document.context(case))


@permission_required("services.view_case", fn=visible_case)
def receipt_pdf(request: SignedInRequest, number: str) -> HttpResponse:
    case = visible_case(request, number)
    response = HttpResponse(receipt_document.pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def status_message() -> str:
    return _("No application matches this number and status code. Check both on your receipt.")


def limited_message() -> str:
    return _("Too many wrong numbers or codes from your network. Wait a quarter of an hour and try again.")


def find_by_code(request: Any, number: str, code: str) -> ServiceCase:
    """The case with `number` and status `code`, for anyone holding both. A wrong pair counts against the
    client's address (RateLimited when over) and says nothing of whether the number exists (DomainError 404)."""
    address = ratelimit.client_address(request.META)
    rate = ratelimit.rate("services_status_address")
    if ratelimit.reached(STATUS_CHECK_GROUP, address, rate):
        raise ratelimit.RateLimited(limited_message())
    case = (ServiceCase.objects.select_related("service", "version").filter(number=normalise_number(number))
            .first())
    if case is None or not constant_time_compare(case.status_code, (code or "").strip()):
        if ratelimit.hit(STATUS_CHECK_GROUP, address, rate):
            raise ratelimit.RateLimited(limited_message())
        raise DomainError(status_message(), code="not_found", status_code=404)
    return case


def status_check(request: HromadaRequest) -> HttpResponse:
    """The status of an application by its number and status code, without signing in (the receipt's QR)."""
    given = "number" in request.GET or "code" in request.GET
    form = StatusCheckForm(request.GET if given else None)
    case = None
    status = 200
    if given and form.is_valid():
        try:
            case = find_by_code(request, form.cleaned_data["number"], form.cleaned_data["code"])
        except DomainError as error:
            form.add_error(None, str(error.detail))
            status = _error_status(error)
    elif given:
        status = 400
    events = timeline(case, with_actor=False) if case else []
    return render(request, "services/status.html", {
        "form": form, "case": case, "events": events,
        "due": receipt_document.due_text(case) if case else ""}, status=status)


@login_required
def my_cases(request: SignedInRequest) -> HttpResponse:
    cases = ServiceCase.objects.filter(applicant=request.user).select_related("service", "version").order_by(
        "-submitted_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/mine.html", {"page": page})


KIND_LABELS = {"rate": gettext_lazy("Rated the service"), "note": gettext_lazy("Note")}


def timeline(case: ServiceCase, *, with_actor: bool = True) -> list[Any]:
    """The case's events, oldest first, each with the words of its step (`title`)."""
    events = case.events.select_related("actor") if with_actor else case.events.all()
    rows = list(events.order_by("at", "id"))
    for event in rows:
        step = WORKFLOW.transitions.get(event.kind)
        event.title = str(step.label) if step else str(KIND_LABELS.get(event.kind, event.kind))  # type: ignore[attr-defined]
    return rows


def _answers(case: ServiceCase) -> list[tuple[str, Any]]:
    labels = labels_of(list(case.card.get("form") or []))
    return [(labels.get(name, name), value) for name, value in case.data.items()]


def _case_page(request: SignedInRequest, case: ServiceCase, *, status: int = 200,
               error: str = "") -> HttpResponse:
    user = request.user
    is_applicant = case.applicant_id == user.pk
    return render(request, "services/case.html", {
        "case": case, "card": case.card, "answers": _answers(case), "error": error,
        "events": timeline(case),
        "attachments": list(case.attachments.all()),
        "due": receipt_document.due_text(case),
        "can_rate": is_applicant and case.status == CaseStatus.ISSUED and case.rating is None,
        "can_withdraw": is_applicant and case.status in WORKFLOW["withdraw"].sources,
        "can_resubmit": user.has_perm("services.resubmit_case", case) and case.status == CaseStatus.RETURNED,
        "rate_form": RateForm(), "withdraw_form": WithdrawForm(), "resubmit_form": ResubmitForm(),
        "file_types": ", ".join(t.upper() for t in FILE_TYPES)}, status=status)


@permission_required("services.view_case", fn=visible_case)
def case_detail(request: SignedInRequest, number: str) -> HttpResponse:
    return _case_page(request, visible_case(request, number))


def _applicant_post(request: SignedInRequest, number: str, run: Any, done: str) -> HttpResponse:
    """Run the applicant's action on the case; a refusal shows the case page with the reason and its 4xx."""
    case = visible_case(request, number)
    try:
        run(case)
    except DomainError as error:
        case.refresh_from_db()
        return _case_page(request, case, status=_error_status(error), error=str(error.detail))
    messages.success(request, done)
    return redirect("services:case", case.number)


@require_POST
@permission_required("services.view_case", fn=visible_case)
def withdraw(request: SignedInRequest, number: str) -> HttpResponse:
    return _applicant_post(request, number, lambda case: applicant_actions.case_withdraw(
        case=case, by=request.user, reason=request.POST.get("reason", "")), _("The application is withdrawn."))


@require_POST
@permission_required("services.view_case", fn=visible_case)
def rate(request: SignedInRequest, number: str) -> HttpResponse:
    return _applicant_post(request, number, lambda case: applicant_actions.case_rate(
        case=case, by=request.user, rating=request.POST.get("rating"), comment=request.POST.get("comment", "")),
        _("Thank you for rating the service."))


@require_POST
@body_limit(files_limit(applicant_actions.MAX_RESUBMIT_FILES, MAX_FILE_BYTES))
@permission_required("services.view_case", fn=visible_case)
def resubmit(request: SignedInRequest, number: str) -> HttpResponse:
    return _applicant_post(request, number, lambda case: applicant_actions.case_resubmit(
        case=case, by=request.user, files=request.FILES.getlist("documents"), note=request.POST.get("note", "")),
        _("The application is submitted again with the documents."))


@permission_required("services.view_case", fn=visible_case)
def attachment(request: SignedInRequest, number: str, pk: int) -> HttpResponseBase:
    """A document of the case, for the applicant and the staff who may see the case."""
    case = visible_case(request, number)
    document = case.attachments.filter(pk=pk).first()
    if document is None:
        raise Http404
    return private_files.serve(document.file, download_name=f"{case.number}-{document.pk}")


@body_limit(files_limit(MAX_FORM_FILES, MAX_FILE_BYTES))
@permission_required("services.register_case")
def paper_application(request: SignedInRequest) -> HttpResponse:
    """The ЦНАП operator registers a paper application: first the service, then the applicant and the form."""
    services = Service.objects.filter(status="active").exclude(version=0).order_by("name_uk")
    code = request.POST.get("service") or request.GET.get("service") or ""
    service = services.filter(code=code[:40]).first() if code else None
    if service is None:
        return render(request, "services/paper_choose.html", {"services": services},
                      status=400 if code else 200)
    offices = Office.objects.filter(is_active=True)
    service_offices = offices.filter(services=service)
    offices = service_offices if service_offices.exists() else offices
    post = request.method == "POST"
    who = PaperApplicantForm(request.POST if post else None, offices=offices, prefix="applicant")
    form = ApplicationForm(list(service.form), data=request.POST if post else None,
                           files=request.FILES if post else None, operator=True)
    status = 200
    if post:
        if who.is_valid():
            try:
                case = intake.register_paper_application(
                    service=service, operator=request.user,
                    applicant=intake.PaperApplicant(name=who.cleaned_data["applicant_name"],
                                                    email=who.cleaned_data["applicant_email"],
                                                    phone=who.cleaned_data["applicant_phone"]),
                    data=request.POST, files=request.FILES, office=who.cleaned_data["office"])
            except intake.ApplicationInvalid as error:
                form, status = error.form, 400
            except DomainError as error:
                who.add_error(None, str(error.detail))
                status = _error_status(error)
            else:
                messages.success(request, _("The paper application is registered as %(number)s.") % {
                    "number": case.number})
                return redirect("services:receipt", case.number)
        else:
            form.is_valid()  # every error at once
            status = 400
    return render(request, "services/paper.html", {"service": service, "who": who, "form": form},
                  status=status)
