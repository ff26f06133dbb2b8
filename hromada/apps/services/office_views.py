"""The back office of administrative services: what awaits each role, the ЦНАП's and the provider's queues,
the controller's view of terms, and a case's page with the steps the person may take now."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, cast
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.accounts.roles import staff_roles
from hromada.apps.communities.models import Department
from hromada.apps.services import queues
from hromada.apps.services.actions import processing
from hromada.apps.services.models import CASE_STATUS_COLOURS, CaseStatus, Office, Service, ServiceCase
from hromada.apps.services.workflow import WORKFLOW
from hromada.core import exports
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.http import SignedInRequest
from hromada.core.permissions import per_request, permission_required
from hromada.core.ui import Figure

PAGE_SIZE = 50
EXPORT_COLUMNS = ["number", "service_code", "service", "status", "office", "department", "submitted_at",
                  "due_date", "overdue"]


# --- forms of the steps ------------------------------------------------------------------------------

class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=processing.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(NoteForm):
    documents = forms.MultipleChoiceField(label=gettext_lazy("Documents of the card that are missing"),
                                          required=False, widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(label=gettext_lazy("Other missing documents, one a line"), required=False,
                            max_length=processing.MISSING_ITEM_MAX * 10, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, card: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = [str(d.get("title", "")) for d in card.get("documents") or [] if d.get("title")]
        choices = [(t, f"{n}. {t}") for n, t in enumerate(titles, start=1)]
        cast(forms.ChoiceField, self.fields["documents"]).choices = choices
        self.order_fields(["documents", "other", "note"])

    def missing(self) -> list[str]:
        data = self.cleaned_data
        return [*data.get("documents", []), *(line for line in data.get("other", "").splitlines() if line.strip())]


class RefuseForm(NoteForm):
    ground = forms.ChoiceField(label=gettext_lazy("Ground for refusal (from the service's card)"))

    def __init__(self, *args: Any, card: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grounds = [str(g) for g in card.get("refusal_grounds") or []]
        cast(forms.ChoiceField, self.fields["ground"]).choices = [("", _("— choose —")), *((g, g) for g in grounds)]
        self.order_fields(["ground", "note"])


STEP_FORMS: dict[str, type[NoteForm]] = {"return": ReturnForm, "refuse": RefuseForm}


def _form(step: str, case: ServiceCase, data: Any = None) -> NoteForm:
    form_class = STEP_FORMS.get(step, NoteForm)
    kwargs: dict[str, Any] = {"prefix": step}
    if form_class is not NoteForm:
        kwargs["card"] = case.card
    return form_class(data, **kwargs)


def _run(step: str, case: ServiceCase, form: NoteForm, user: Any) -> None:
    note = form.cleaned_data.get("note", "")
    runs: dict[str, Callable[[], Any]] = {
        "accept": lambda: processing.case_accept(case=case, by=user, note=note),
        "return": lambda: processing.case_return(case=case, missing=form.missing(), by=user,  # type: ignore[attr-defined]
                                                 note=note),
        "send": lambda: processing.case_send(case=case, by=user, note=note),
        "grant": lambda: processing.case_grant(case=case, by=user, note=note),
        "refuse": lambda: processing.case_refuse(case=case, ground=form.cleaned_data.get("ground", ""), by=user,
                                                 note=note),
        "ready": lambda: processing.case_mark_ready(case=case, by=user, note=note),
        "issue": lambda: processing.case_issue(case=case, by=user, note=note),
    }
    runs[step]()


STEPS = ("accept", "return", "send", "grant", "refuse", "ready", "issue")


# --- what awaits each role -------------------------------------------------------------------------

def _executor_departments(request: SignedInRequest) -> list[int]:
    roles = staff_roles(request.user, request.community)
    if roles.every_role:
        return list(Department.objects.values_list("pk", flat=True))
    return sorted(roles.departments)


def office_figures(request: Any) -> list[Figure]:
    """What awaits the person in services, by their roles (the back-office home's counters and tiles)."""
    user, community, now = request.user, request.community, timezone.now()
    # What the page shows by the person's roles (the queues themselves declare their permissions).
    shows_cnap = user.has_perm("services.view_cnap_queue", community)
    shows_provider = user.has_perm("services.view_provider_queue", community)
    shows_control = user.has_perm("services.view_control", community)
    figures: list[Figure] = []
    if shows_cnap:
        waiting = queues.filtered(queues.ServiceCase.objects.all(), statuses=(CaseStatus.SUBMITTED,)).count()
        ready = queues.filtered(queues.ServiceCase.objects.all(), statuses=(CaseStatus.RESULT_READY,)).count()
        url = reverse("services:cnap_queue")
        figures += [Figure(waiting, _("applications waiting to be accepted"), url,
                           status="warn" if waiting else "", status_text=_("to accept") if waiting else ""),
                    Figure(ready, _("results waiting to be issued"), url)]
    if shows_provider:
        departments = _executor_departments(request)
        to_decide = queues.ServiceCase.objects.filter(department_id__in=departments,
                                                      status=CaseStatus.IN_WORK).count()
        figures.append(Figure(to_decide, _("cases to decide in your department"), reverse("services:provider_queue")))
    if shows_control:
        overdue = queues.under_control(now).filter(due_at__lt=now).count()
        figures.append(Figure(overdue, _("cases past their term"), reverse("services:control"),
                              status="bad" if overdue else "", status_text=_("overdue") if overdue else ""))
    return figures


@permission_required("services.use_office")
def office_home(request: SignedInRequest) -> HttpResponse:
    user, community = request.user, request.community
    return render(request, "services/office/home.html", {
        "figures": office_figures(request),
        "can_cnap": user.has_perm("services.view_cnap_queue", community),
        "can_provide": user.has_perm("services.view_provider_queue", community),
        "can_control": user.has_perm("services.view_control", community),
        "can_register": user.has_perm("services.register_case", community),
        "can_manage": user.has_perm("services.manage_register", community)})


# --- queues ----------------------------------------------------------------------------------------

# The row of a queue; the status is the `tag` component's markup (templates/cotton/tag.html).
_ROW = ('<tr><th scope="row"><a href="{}{}/">{}</a></th><td lang="uk">{}</td><td lang="uk">{}</td>'
        '<td><strong class="tag tag--{}">{}</strong></td><td>{}{}</td></tr>')


def _rows(rows: Any) -> list[SafeString]:
    """The <tr>s of a page of cases (`queues.LIST_COLUMNS` tuples), built in Python from plain column values:
    through the template language the rows were most of a queue page's time."""
    now = timezone.now()
    today = kyiv_date(now)
    prefix = reverse("services:office_case", args=["0"])[:-2]
    labels = {value: str(label) for value, label in CaseStatus.choices}
    overdue_tag = format_html(' <strong class="tag tag--red">{}</strong>', _("overdue"))
    near_tag = format_html(' <strong class="tag tag--orange">{}</strong>', _("near the term"))
    days: dict[date, str] = {}
    out = []
    for _pk, number, status, due, due_at, _submitted, applicant, _code, service, _office, _department in rows:
        undecided = status in queues.UNDECIDED_STATUSES
        overdue = undecided and due_at is not None and due_at < now
        left = queues.days_left(due, today)
        near = undecided and not overdue and left is not None and left <= queues.NEAR_WORKING_DAYS
        if due is not None and due not in days:
            days[due] = date_format(due, "SHORT_DATE_FORMAT")
        out.append(format_html(
            _ROW, prefix, quote(number), number, service, applicant, CASE_STATUS_COLOURS.get(status, "grey"),
            labels.get(status, status), days[due] if due is not None else "—",
            overdue_tag if overdue else (near_tag if near else "")))
    return out


class _CountedPaginator(Paginator):
    """A paginator told its count (counted on the bare filtered cases, without the joins of the rows)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known


class FastSelect(forms.Select):
    """A select drawn in Python: the option template, once per option, was most of a queue page's time
    (a community has hundreds of services). The same markup as Django's select."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])  # noqa: S308
            for _group, group_options, _index in widget["optgroups"] for option in group_options))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class QueueFilters(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, widget=FastSelect)
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False, widget=FastSelect)
    overdue = forms.BooleanField(label=gettext_lazy("Only overdue"), required=False)

    def __init__(self, *args: Any, statuses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CaseStatus.choices)
        status_choices = [("", _("All open")), *((s, labels[s]) for s in statuses)]
        cast(forms.ChoiceField, self.fields["status"]).choices = status_choices
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("All services")),
                                          *Service.objects.order_by("name_uk").values_list("code", "name_uk")]

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"status": data.get("status") or "", "service": data.get("service") or "",
                "overdue": bool(data.get("overdue"))}


def _page(request: SignedInRequest, cases: QuerySet[ServiceCase], count: int | None = None) -> Page:
    known = cases.count() if count is None else count
    page = _CountedPaginator(cases.values_list(*queues.LIST_COLUMNS), PAGE_SIZE,
                             count=known).get_page(request.GET.get("page"))
    page.object_list = _rows(page.object_list)
    return page


def _queue(request: SignedInRequest, template_context: dict[str, Any], cases: QuerySet[ServiceCase],
           filters: QueueFilters, status: int = 200) -> HttpResponse:
    return render(request, "services/office/queue.html",
                  {**template_context, "filters": filters, "page": _page(request, cases)}, status=status)


@permission_required("services.view_cnap_queue")
def cnap_queue(request: SignedInRequest) -> HttpResponse:
    offices = list(Office.objects.filter(is_active=True).order_by("name_uk", "pk"))
    chosen = request.GET.get("office", "")
    office: Office | None
    if chosen == queues.NO_OFFICE:
        office = None
    else:
        office = next((o for o in offices if o.code == chosen), offices[0] if offices else None)
        if chosen and office is not None and office.code != chosen:
            raise Http404
    filters = QueueFilters(request.GET, statuses=queues.CNAP_STATUSES)
    cases = queues.cnap_queue(office, **filters.values())
    chosen = office.code if office else queues.NO_OFFICE
    tabs = [(o.code, o.name, o.code == chosen) for o in offices]
    return _queue(request, {"title": _("ЦНАП queue"), "office_tabs": tabs, "office": office, "chosen": chosen,
                            "no_office": queues.NO_OFFICE, "no_office_current": office is None},
                  cases, filters, status=200 if filters.is_valid() else 400)


@permission_required("services.view_provider_queue")
def provider_queue(request: SignedInRequest) -> HttpResponse:
    departments = _executor_departments(request)
    filters = QueueFilters(request.GET, statuses=queues.PROVIDER_STATUSES)
    cases = queues.provider_queue(departments, **filters.values())
    names = list(Department.objects.filter(pk__in=departments).values_list("name_uk", flat=True))
    return _queue(request, {"title": _("Provider's queue"), "departments": names}, cases, filters,
                  status=200 if filters.is_valid() else 400)


# --- control ---------------------------------------------------------------------------------------

def _export_rows(cases: QuerySet[ServiceCase]) -> Iterator[list[Any]]:
    now = timezone.now()
    labels = dict(CaseStatus.choices)
    for row in cases.values(*queues.LIST_COLUMNS).iterator(chunk_size=2000):
        yield [row["number"], row["service__code"], row["service__name_uk"], str(labels.get(row["status"], "")),
               row["office__name_uk"] or "", row["department__name_uk"] or "", row["submitted_at"],
               row["due_date"], "yes" if row["due_at"] and row["due_at"] < now else "no"]


@permission_required("services.view_control")
def control(request: SignedInRequest) -> HttpResponseBase:
    now = timezone.now()
    kind = request.GET.get("kind", "")
    if kind not in ("", "overdue", "near"):
        kind = ""
    service, department = request.GET.get("service", ""), request.GET.get("department", "")
    cases = queues.control_cases(kind=kind, service=service, department=department, now=now)
    fmt = request.GET.get("format", "")
    stamp = date.today().isoformat()  # noqa: DTZ011
    if fmt == "csv":
        return exports.csv_response(EXPORT_COLUMNS, _export_rows(cases), filename=f"services-control-{stamp}.csv")
    if fmt == "xlsx":
        return exports.xlsx_response(EXPORT_COLUMNS, _export_rows(cases), sheet="control",
                                     filename=f"services-control-{stamp}.xlsx")
    drilled = bool(kind or service or department)
    query = urlencode({k: v for k, v in (("kind", kind), ("service", service), ("department", department)) if v})
    counted = queues.control(now)
    by_service, by_department = counted.groups("service"), counted.groups("department")
    overdue = sum(g.overdue for g in by_service)
    near = sum(g.near for g in by_service)
    count = counted.count(kind=kind, service=service, department=department)
    return render(request, "services/office/control.html", {
        "by_service": by_service, "by_department": by_department, "overdue": overdue, "near": near,
        "near_days": queues.NEAR_WORKING_DAYS, "no_department": queues.NO_OFFICE,
        "drilled": drilled, "kind": kind, "page": _page(request, cases, count=count), "query": query})


# --- a case --------------------------------------------------------------------------------------

@per_request
def office_case_of(request: SignedInRequest, number: str, **_kwargs: Any) -> ServiceCase:
    case = (ServiceCase.objects.select_related("service", "version", "office", "department", "applicant",
                                               "registered_by").filter(number=number).first())
    if case is None:
        raise Http404
    return case


def _case_page(request: SignedInRequest, case: ServiceCase, *, failed: tuple[str, NoteForm] | None = None,
               error: str = "", status: int = 200) -> HttpResponse:
    transitions = []
    for transition in WORKFLOW.available(case, request.user):
        if transition.name not in STEPS:
            continue
        form = failed[1] if failed and failed[0] == transition.name else _form(transition.name, case)
        transitions.append((transition, form))
    card = case.card
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        known = WORKFLOW.transitions.get(event.kind)
        event.title = str(known.label) if known else event.kind  # type: ignore[attr-defined]
    return render(request, "services/office/case.html", {
        "case": case, "card": card, "transitions": transitions, "error": error,
        "events": events,
        "attachments": list(case.attachments.order_by("uploaded_at", "pk")),
        "documents": card.get("documents") or [], "data": sorted((case.data or {}).items()),
        "today": kyiv_date(timezone.now())}, status=status)


@permission_required("services.use_office")
@permission_required("services.view_case", fn=office_case_of)
def office_case(request: SignedInRequest, number: str) -> HttpResponse:
    return _case_page(request, office_case_of(request, number))


@permission_required("services.use_office")
@permission_required("services.view_case", fn=office_case_of)
def office_step(request: SignedInRequest, number: str, step: str) -> HttpResponse:
    """POST one step of the case; done: back to the case with a message; refused: the page again with the
    reason (403 for the permission, 409 for the state, 400 for the form)."""
    if request.method != "POST" or step not in STEPS:
        raise Http404
    case = office_case_of(request, number)
    form = _form(step, case, request.POST)
    if not form.is_valid():
        return _case_page(request, case, failed=(step, form), error=_("Correct the form of the step."), status=400)
    try:
        _run(step, case, form, request.user)
    except DomainError as refusal:
        if refusal.field and refusal.field in ("missing", "ground"):
            form.add_error("ground" if refusal.field == "ground" else "other", str(refusal.detail))
        case.refresh_from_db()
        return _case_page(request, case, failed=(step, form), error=str(refusal.detail),
                          status=int(refusal.status_code))
    messages.success(request, _("Done: %(step)s.") % {"step": WORKFLOW[step].label})
    # After a step that hands the case on, the person may no longer see it: back to the office's home then.
    still_visible = request.user.has_perm("services.view_case", case)
    return redirect("services:office_case", case.number) if still_visible else redirect("services:office")
