"""The back office of appeals: queues, triage, processing centre, dashboard, exports, keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.appeals import actions, media, selectors, workflow
from hromada.apps.appeals.dashboard import DashboardFilterForm, Filters
from hromada.apps.appeals.forms import (
    AnswerForm,
    CategoryForm,
    KeyForm,
    OperatorEntryForm,
    PaperForm,
    RoutingRuleForm,
    ScanForm,
    TransitionForm,
)
from hromada.apps.appeals.models import (
    Appeal,
    AppealAttachment,
    Category,
    Channel,
    OcrStatus,
    Open311Client,
    PaperScan,
    RoutingRule,
)
from hromada.apps.appeals.rows import office_rows
from hromada.apps.appeals.rules import executor_department_ids
from hromada.apps.appeals.suggest import suggest
from hromada.apps.appeals.views import COUNT_CAP, PAGE_SIZE, _add_error, _page
from hromada.core import charts, exports, private_files
from hromada.core.api.errors import DomainError
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import SignedInRequest
from hromada.core.permissions import per_request, permission_required

DASHBOARD_KINDS = ("open", "due_week", "overdue", "triage", "received", "answered")
EXPORT_COLUMNS = ["number", "registered_at", "type", "channel", "status", "category", "department", "district",
                  "due_date", "answered_at"]


# The labels of the fields of the forms on an appeal's page, by the field an action names in its errors.
ACT_FIELD_LABELS = {
    "reason": gettext_lazy("Reason"), "question": gettext_lazy("Ask the resident for details"),
    "answer": gettext_lazy("Answer"),
    "department": gettext_lazy("Department"), "until": gettext_lazy("New term"),
    "main": gettext_lazy("Duplicate of (number)"), "file": gettext_lazy("Attach a file"),
}


@permission_required("appeals.use_office")
def office_home(request: SignedInRequest) -> HttpResponse:
    community = request.community
    return render(request, "appeals/office/home.html", {
        "can_intake": request.user.has_perm("appeals.intake_appeal", community),
        "can_control": request.user.has_perm("appeals.view_dashboard", community),
        "can_manage": request.user.has_perm("appeals.manage_appeals", community),
        "is_executor": bool(executor_department_ids(request.user, community))})


def _list(request: SignedInRequest, context: dict[str, Any]) -> HttpResponse:
    """A back-office list of appeals (`context["page"]` of `selectors.list_columns` tuples). Each row links to
    `<prefix><pk>/`: one reverse() per page, not per row; the rows are built by `rows.office_rows`."""
    sample = reverse("appeals:office_appeal", args=[0])
    rows = office_rows(context["page"].object_list, sample[:-len("0/")])
    return render(request, "appeals/office/list.html", {**context, "rows": rows})


class _CountedPaginator(Paginator):
    """A paginator told its count: the queue's length comes from the tallies, not from counting rows. Like
    the other lists, it stops at COUNT_CAP rows (deep OFFSETs are the API's and the export's job)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known


@permission_required("appeals.view_department_queue")
def queue(request: SignedInRequest) -> HttpResponse:
    departments = executor_department_ids(request.user, request.community)
    status = request.GET.get("status", "")
    count = min(selectors.queue_count(departments, status=status), COUNT_CAP)
    page = _CountedPaginator(selectors.list_columns(selectors.executor_queue(departments, status=status)), PAGE_SIZE,
                             count=count).get_page(request.GET.get("page"))
    return _list(request, {"page": page, "title": _("My department's queue")})


@permission_required("appeals.intake_appeal")
def triage(request: SignedInRequest) -> HttpResponse:
    return _list(request, {"page": _page(request, selectors.list_columns(selectors.triage_queue())),
                                                        "title": _("Triage: appeals with no department")})


def _periods(filters: Filters) -> list[date]:
    """Every day (or first of the month) of the period, so the charts and tables keep the empty ones."""
    if filters.unit == "day":
        return [filters.date_from + timedelta(days=n) for n in range((filters.date_to - filters.date_from).days + 1)]
    months, month = [], filters.date_from.replace(day=1)
    while month <= filters.date_to:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _per_period(by_day: dict[date, int], filters: Filters) -> dict[date, int]:
    if filters.unit == "day":
        return by_day
    folded: Counter = Counter()
    for day, count in by_day.items():
        folded[day.replace(day=1)] += count
    return folded


def _dashboard_charts(data: dict[str, Any], filters: Filters) -> dict[str, charts.Chart]:
    periods = _periods(filters)
    received, answered = _per_period(data["received_by_day"], filters), _per_period(data["answers_by_day"], filters)
    unit_label = _("Day") if filters.unit == "day" else _("Month")
    flow = charts.time_series(
        chart_id="appeals-flow", title=_("Appeals received and answered"),
        description=_("Bars: appeals received and appeals answered in each day or month of the period."),
        periods=periods, series=[charts.Series(_("Received"), [received.get(p, 0) for p in periods]),
                                 charts.Series(_("Answered"), [answered.get(p, 0) for p in periods])],
        period_label=unit_label, value_label=_("Appeals"), unit=filters.unit,
        empty_text=_("No appeals were received or answered in this period."))

    def breakdown(rows: list[dict[str, Any]], chart_id: str, title: str, label: str) -> charts.Chart:
        shown = rows[:BREAKDOWN_ROWS]
        return charts.bar_chart(
            chart_id=chart_id, title=title,
            description=_("Bars: open appeals now, overdue appeals now and appeals received in the period."),
            categories=[r["name"] or _("None") for r in shown],
            series=[charts.Series(_("Open"), [r["open"] for r in shown]),
                    charts.Series(_("Overdue"), [r["overdue"] for r in shown]),
                    charts.Series(_("Received"), [r["received"] for r in shown])],
            category_label=label, value_label=_("Appeals"), empty_text=_("No appeals match these filters."))

    return {"flow": flow,
            "departments": breakdown(data["by_department"], "appeals-departments", _("By department"),
                                     _("Department")),
            "categories": breakdown(data["by_category"], "appeals-categories", _("By category"), _("Category"))}


BREAKDOWN_ROWS = 15  # the charts show the largest; the tables below them list every row


def _breakdown_rows(rows: list[dict[str, Any]], form: DashboardFilterForm, list_url: str,
                    field: str) -> list[dict[str, Any]]:
    """The rows of a breakdown table, each figure with the link to its list (the same filters, narrowed)."""
    result = []
    for row in rows:
        pk = row[field]
        narrowed = {field.removesuffix("_id"): str(pk)} if pk else {}
        result.append({**row, "links": {kind: f"{list_url}?{form.query(kind=kind, **narrowed)}"
                                        for kind in ("open", "overdue", "received", "answered")}})
    return result


@permission_required("appeals.view_dashboard")
def dashboard(request: SignedInRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET)
    list_url = reverse("appeals:office_list")
    context: dict[str, Any] = {"form": form, "list_url": list_url}
    if form.is_bound and not form.is_valid():
        return render(request, "appeals/office/dashboard.html", context, status=400)
    form.is_valid()
    filters = form.filters()
    data = selectors.dashboard(request.community, filters)
    links = {kind: f"{list_url}?{form.query(kind=kind)}" for kind in DASHBOARD_KINDS}
    shown = _dashboard_charts(data, filters)
    return render(request, "appeals/office/dashboard.html", {
        **context, "data": data, "filters": filters, "links": links, "charts": shown,
        "flow_rows": _flow_rows(data, filters, form, list_url),
        "exports": {kind: form.query(kind=kind) for kind in ("open", "received")},
        "breakdowns": [
            (_("By department (table)"), shown["departments"],
             _breakdown_rows(data["by_department"], form, list_url, "department_id"), _("Department")),
            (_("By category (table)"), shown["categories"],
             _breakdown_rows(data["by_category"], form, list_url, "category_id"), _("Category"))]})


def _flow_rows(data: dict[str, Any], filters: Filters, form: DashboardFilterForm,
               list_url: str) -> list[dict[str, Any]]:
    """The rows of the received-and-answered table, newest first; each figure links to the appeals
    received or answered on that day (or in that month, within the period)."""
    received, answered = _per_period(data["received_by_day"], filters), _per_period(data["answers_by_day"], filters)
    rows = []
    for period in reversed(_periods(filters)):
        if filters.unit == "day":
            first = last = period
            label = date_format(period, "j E Y")
        else:
            first = max(period, filters.date_from)
            last = min((period + timedelta(days=32)).replace(day=1) - timedelta(days=1), filters.date_to)
            label = date_format(period, "F Y")
        days = {"period": "custom", "date_from": first.isoformat(), "date_to": last.isoformat()}
        rows.append({"label": label, "received": received.get(period, 0), "answered": answered.get(period, 0),
                     "received_url": f"{list_url}?{form.query(kind='received', **days)}",
                     "answered_url": f"{list_url}?{form.query(kind='answered', **days)}"})
    return rows


DRILL_TITLES = {
    "open": gettext_lazy("Open appeals"), "due_week": gettext_lazy("Appeals due this week"),
    "overdue": gettext_lazy("Overdue appeals"), "triage": gettext_lazy("Appeals in triage"),
    "received": gettext_lazy("Appeals received in the period"),
    "answered": gettext_lazy("Appeals answered in the period"),
}


def _drill(request: SignedInRequest) -> tuple[DashboardFilterForm, QuerySet[Appeal] | None]:
    """The drill-down's form and appeals (None when a filter is not valid: the caller answers 400)."""
    form = DashboardFilterForm(request.GET, with_kind=True)
    if form.is_bound and not form.is_valid():
        return form, None
    form.is_valid()
    return form, selectors.drilldown(form.drill_kind(), filters=form.filters())


@permission_required("appeals.view_dashboard")
def drilldown(request: SignedInRequest) -> HttpResponse:
    form, appeals = _drill(request)
    if appeals is None:
        return render(request, "appeals/office/dashboard.html",
                      {"form": form, "list_url": reverse("appeals:office_list")}, status=400)
    return _list(request, {"page": _page(request, selectors.list_columns(appeals)),
                           "title": DRILL_TITLES[form.drill_kind()], "export": form.query(kind=form.drill_kind())})


def _rows(qs) -> Iterator[list[str]]:
    for appeal in qs.iterator(chunk_size=2000):
        yield [appeal.number, appeal.registered_at.isoformat(), appeal.type, appeal.channel, appeal.status,
               appeal.category.name if appeal.category else "", appeal.department.name if appeal.department else "",
               appeal.district.name if appeal.district else "", appeal.due_date.isoformat(),
               appeal.answered_at.isoformat() if appeal.answered_at else ""]


def _bad_filters(form: DashboardFilterForm) -> HttpResponse:
    """An export asked with filters that are not valid: the errors as plain text, in the user's language."""
    lines = [_("The filters are not valid:")]
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        lines.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


@permission_required("appeals.view_dashboard")
def export_csv(request: SignedInRequest) -> HttpResponseBase:
    """The drill-down list as CSV, streamed row by row (never all in memory)."""
    form, appeals = _drill(request)
    if appeals is None:
        return _bad_filters(form)
    return exports.csv_response(EXPORT_COLUMNS, _rows(appeals),
                                filename=f"appeals-{date.today().isoformat()}.csv")  # noqa: DTZ011


@permission_required("appeals.view_dashboard")
def export_xlsx(request: SignedInRequest) -> HttpResponseBase:
    """The drill-down list as XLSX (written to a temporary file in write-only mode, streamed from it)."""
    form, appeals = _drill(request)
    if appeals is None:
        return _bad_filters(form)
    return exports.xlsx_response(EXPORT_COLUMNS, _rows(appeals), sheet="appeals",
                                 filename=f"appeals-{date.today().isoformat()}.xlsx")  # noqa: DTZ011


def _register_from_form(request: SignedInRequest, form, channel: str, scan: PaperScan | None = None):
    data = form.cleaned_data
    community = request.community
    fields = {"type": data["type"], "category": data["category"], "latitude": data["latitude"],
                  "longitude": data["longitude"], "location_text": data["location_text"],
                  "photos": request.FILES.getlist("photos"), "description_public": data["description_public"],
                  "use_photo_location": data["use_photo_location"]}
    if scan is not None:
        return actions.paper_register(scan=scan, by=request.user, text=data["text"], author=actions.Author(
            name=data["full_name"], address=data["address"], email=data.get("email") or "",
            phone=data.get("phone") or ""), **fields)
    resident = actions.resident_find_or_create(community=community, email=data.get("email") or "",
                                               phone=data.get("phone") or "", full_name=data["full_name"],
                                               address=data["address"], by=request.user)
    return actions.appeal_register(community=community, text=data["text"], channel=channel, by=request.user,
                                   author=actions.Author(user=resident, address=data["address"]), **fields)


@body_limit(files_limit(media.MAX_PHOTOS, media.MAX_PHOTO_BYTES))
@permission_required("appeals.intake_appeal")
def operator_entry(request: SignedInRequest) -> HttpResponse:
    """Call centre / CNAP desk: an appeal entered on the resident's behalf."""
    form = OperatorEntryForm(request.POST or None, request.FILES or None)
    suggestions = []
    if request.method == "POST" and form.is_valid():
        try:
            appeal = _register_from_form(request, form, Channel.OPERATOR)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Appeal %(number)s registered.") % {"number": appeal.number})
            return redirect("appeals:office_appeal", appeal.pk)
    if request.POST.get("text"):
        suggestions = suggest(request.community.pk, request.POST["text"])
    return render(request, "appeals/office/entry.html", {"form": form, "suggestions": suggestions,
                                                         "title": _("Enter an appeal on a resident's behalf")},
                  status=400 if form.errors else 200)


@body_limit(files_limit(1, media.MAX_SCAN_BYTES))
@permission_required("appeals.intake_appeal")
def scan_upload(request: SignedInRequest) -> HttpResponse:
    """Processing centre: upload a scanned letter; it is OCR'd in Ukrainian for the operator to correct."""
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scan = actions.paper_scan_upload(community=request.community, upload=form.cleaned_data["file"],
                                             by=request.user)
        except DomainError as error:
            _add_error(form, error)
        else:
            return redirect("appeals:office_scan", scan.pk)
    pending = PaperScan.objects.filter(appeal__isnull=True).order_by("-uploaded_at")[:50]
    return render(request, "appeals/office/scans.html", {"form": form, "pending": pending},
                  status=400 if form.errors else 200)


SCAN_REFRESH_SECONDS = 3


@body_limit(files_limit(media.MAX_PHOTOS, media.MAX_PHOTO_BYTES))
@permission_required("appeals.intake_appeal")
def scan_register(request: SignedInRequest, pk: int) -> HttpResponse:
    scan = get_object_or_404(PaperScan, pk=pk)
    scan.community = request.community
    waiting = scan.ocr_status in (OcrStatus.QUEUED, OcrStatus.RUNNING)
    if waiting and request.method == "GET" and not request.GET.get("manual"):
        return render(request, "appeals/office/scan_progress.html", {
            "scan": scan, "title": _("Register a paper letter"), "refresh_seconds": SCAN_REFRESH_SECONDS,
            "current": min(scan.ocr_pages_done + 1, scan.pages)})
    if scan.ocr_status == OcrStatus.FAILED and request.method == "GET":
        messages.warning(request, _(scan.ocr_error or actions.OCR_UNREADABLE))
    form = PaperForm(request.POST or None, request.FILES or None, initial={"text": scan.ocr_text})
    if request.method == "POST" and form.is_valid():
        try:
            appeal = _register_from_form(request, form, Channel.PAPER, scan=scan)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Appeal %(number)s registered.") % {"number": appeal.number})
            return redirect("appeals:office_appeal", appeal.pk)
    suggestions = suggest(request.community.pk, scan.ocr_text) if scan.ocr_text else []
    return render(request, "appeals/office/entry.html", {"form": form, "scan": scan, "suggestions": suggestions,
                                                         "title": _("Register a paper letter")},
                  status=400 if form.errors else 200)


@permission_required("appeals.intake_appeal")
def scan_file(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """A scanned letter, for the processing centre only."""
    scan = get_object_or_404(PaperScan, pk=pk)
    return private_files.serve(scan.file, download_name=f"scan-{scan.pk}")


@per_request
def office_attachment(request: SignedInRequest, pk: int, **_kwargs: Any) -> AppealAttachment:
    """A file of an appeal the person may open in the office; 404 otherwise."""
    attachment = get_object_or_404(AppealAttachment, pk=pk)
    attachment.appeal = selectors.office_appeal(attachment.appeal_id, request.user, request.community)
    return attachment


def attachment_appeal(request: SignedInRequest, pk: int, **_kwargs: Any) -> Appeal:
    return office_attachment(request, pk).appeal


@permission_required("appeals.view_appeal", fn=attachment_appeal)
def attachment_file(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """A file of an appeal, for the staff who may open the appeal in the office."""
    attachment = office_attachment(request, pk)
    return private_files.serve(attachment.file, download_name=f"file-{attachment.pk}")


@permission_required("appeals.manage_appeals")
def open311_keys(request: SignedInRequest) -> HttpResponse:
    form = KeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _client, new_key = actions.open311_key_issue(community=request.community,
                                                     name=form.cleaned_data["name"], by=request.user)
    return render(request, "appeals/office/keys.html", {"form": form, "new_key": new_key,
                                                        "clients": Open311Client.objects.order_by("name")})


@per_request
def office_appeal_of(request: SignedInRequest, pk: int, **_kwargs: Any) -> Appeal:
    """The appeal `pk` as the back office opens it (`selectors.office_appeal`); 404 otherwise."""
    return selectors.office_appeal(pk, request.user, request.community)


@permission_required("appeals.view_appeal", fn=office_appeal_of)
def office_appeal(request: SignedInRequest, pk: int) -> HttpResponse:
    appeal = office_appeal_of(request, pk)
    return render(request, "appeals/office/appeal.html", {
        "appeal": appeal, "events": list(appeal.events.select_related("actor")),
        "photos": list(appeal.photos.all()), "attachments": list(appeal.attachments.all()),
        "transitions": [(t, TransitionForm(t.name)) for t in workflow.WORKFLOW.available(appeal, request.user)],
        "details_form": TransitionForm("request_details"), "attach_form": TransitionForm("attach"),
        "duplicate_form": TransitionForm("duplicate"),
        "can_work": request.user.has_perm("appeals.work_appeal", appeal),
        "can_duplicate": request.user.has_perm("appeals.mark_duplicate", appeal),
        "answer_form": AnswerForm(),
        "suggestions": suggest(appeal.community_id, appeal.text) if appeal.status == "registered" else []})


@body_limit(files_limit(1, actions.MAX_ATTACHMENT_BYTES))
@permission_required("appeals.view_appeal", fn=office_appeal_of)
def office_act(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    """One POST endpoint per operation on an appeal; the action checks the permission and the state."""
    if request.method != "POST":
        raise Http404
    appeal = office_appeal_of(request, pk)
    post, user = request.POST, request.user
    operations = {
        "route": lambda: actions.appeal_route(appeal=appeal, department=post.get("department"), by=user,
                                              category=post.get("category"), note=post.get("reason", "")),
        "take": lambda: actions.appeal_take(appeal=appeal, by=user),
        "forward": lambda: actions.appeal_forward(appeal=appeal, department=post.get("department"),
                                                  reason=post.get("reason", ""), by=user),
        "extend": lambda: actions.appeal_extend(appeal=appeal, reason=post.get("reason", ""), by=user,
                                                until=date.fromisoformat(post["until"]) if post.get("until") else None),
        "answer": lambda: actions.appeal_answer(appeal=appeal, text=post.get("answer", ""), by=user,
                                                public_answer=post.get("public_answer", "")),
        "close": lambda: actions.appeal_close(appeal=appeal, by=user),
        "return": lambda: actions.appeal_return(appeal=appeal, reason=post.get("reason", ""), by=user),
        "not_consider": lambda: actions.appeal_not_consider(appeal=appeal, reason=post.get("reason", ""), by=user),
        "request_details": lambda: actions.appeal_request_details(appeal=appeal, question=post.get("reason", ""),
                                                                  by=user),
        "attach": lambda: actions.appeal_attach(appeal=appeal, upload=request.FILES.get("file"), by=user),
        "duplicate": lambda: actions.appeal_mark_duplicate(appeal=appeal, main=_main_appeal(post.get("main", "")),
                                                           by=user),
    }
    if action not in operations:
        raise Http404
    try:
        operations[action]()
    except DomainError as error:
        label = ACT_FIELD_LABELS.get(error.field or "")
        # The operation's form is one of several on the page: say which field the message is about.
        messages.error(request, _("%(field)s: %(message)s") % {"field": label, "message": error.detail} if label
                       else str(error.detail))
        response = redirect("appeals:office_appeal", appeal.pk)
        response.status_code = 303
        return response
    except ValueError:
        messages.error(request, _("Enter a valid date."))
        return redirect("appeals:office_appeal", appeal.pk)
    messages.success(request, _("Done."))
    if not selectors.still_visible(appeal.pk, request.user):
        # Forwarded out of the executor's department: the appeal's page is no longer theirs to see.
        messages.info(request, _("Appeal %(number)s is now with another department.") % {"number": appeal.number})
        is_executor = bool(executor_department_ids(request.user, request.community))
        return redirect("appeals:office_queue" if is_executor else "appeals:office")
    return redirect("appeals:office_appeal", appeal.pk)


def _main_appeal(number: str) -> Appeal:
    main = Appeal.objects.filter(number=number.strip()).first() if number.strip() else None
    if main is None:
        raise DomainError(_("There is no appeal with the number “%(number)s” in this community.")
                          % {"number": number.strip()[:40]}, code="unknown_appeal", field="main")
    return main


# ---------------------------------------------------------------- categories and routing rules (community admin)


@permission_required("appeals.manage_appeals")
def categories(request: SignedInRequest) -> HttpResponse:
    """The community's categories (a tree) and a form to add one."""
    community = request.community
    form = CategoryForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            actions.category_save(community=community, values=form.cleaned_data, by=request.user)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("appeals:office_categories")
    rows = list(Category.objects.select_related("parent").order_by("position", "name_uk"))
    return render(request, "appeals/office/categories.html", {"form": form, "categories": rows},
                  status=400 if form.errors else 200)


@permission_required("appeals.manage_appeals")
def category_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    community = request.community
    # The form fills its instance while validating; the action compares against a fresh copy.
    form = CategoryForm(request.POST or None, instance=get_object_or_404(Category, pk=pk), community=community)
    if request.method == "POST" and form.is_valid():
        try:
            actions.category_save(community=community, values=form.cleaned_data, by=request.user,
                                  category=get_object_or_404(Category, pk=pk))
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("appeals:office_categories")
    return render(request, "appeals/office/edit.html", {"form": form, "title": _("Edit the category"),
                                                        "subject": form.instance},
                  status=400 if form.errors else 200)


@permission_required("appeals.manage_appeals")
def routing_rules(request: SignedInRequest) -> HttpResponse:
    """Routing rules category × district → department, and a form to add one."""
    community = request.community
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.routing_rule_save(community=community, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("appeals:office_routing")
    rules_list = list(RoutingRule.objects.select_related("category", "district", "department")
                      .order_by("category__position", "category__name_uk", "district__name_uk"))
    return render(request, "appeals/office/routing.html", {"form": form, "rules": rules_list},
                  status=400 if form.errors else 200)


@permission_required("appeals.manage_appeals")
def routing_rule_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    if request.method == "POST" and request.POST.get("delete"):
        actions.routing_rule_delete(rule=rule, by=request.user)
        messages.success(request, _("Done."))
        return redirect("appeals:office_routing")
    form = RoutingRuleForm(request.POST or None, initial={
        "category": rule.category_id, "district": rule.district_id, "department": rule.department_id})
    if request.method == "POST" and form.is_valid():
        try:
            actions.routing_rule_save(community=request.community, by=request.user,
                                      rule=rule, **form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("appeals:office_routing")
    return render(request, "appeals/office/edit.html", {"form": form, "title": _("Edit the routing rule"),
                                                        "subject": rule, "can_delete": True},
                  status=400 if form.errors else 200)
