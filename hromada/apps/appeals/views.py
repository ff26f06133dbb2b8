"""Resident and public pages of appeals. Each view parses input, calls one action, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hromada.apps.appeals import actions, limits, media, selectors, workflow
from hromada.apps.appeals import receipt as receipt_document
from hromada.apps.appeals.forms import MAP_MEDIA, AppealForm, DetailsForm, RateForm, ReasonForm, map_options
from hromada.apps.appeals.models import Appeal, AppealStatus, Category, Channel
from hromada.apps.appeals.rows import PUBLIC_COLUMNS, public_rows
from hromada.apps.communities import geocoding
from hromada.apps.communities.models import District
from hromada.core import charts, memo, private_files, public_pages
from hromada.core.api.errors import DomainError
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import HromadaRequest, SignedInRequest
from hromada.core.inputs import bounded_int
from hromada.core.permissions import per_request, permission_required

PAGE_SIZE = 25


COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: COUNT(*) over a 2,000,000-row list took half a second, and
    the page's cost must not grow with the data. Lists longer than the cap end at its last page;
    filters, the CSV/XLSX export, the API and Open311 reach the rest."""

    @cached_property
    def count(self) -> int:
        return self.object_list[:COUNT_CAP].count()  # type: ignore[union-attr,attr-defined]


def _page(request: HromadaRequest, qs, size: int = PAGE_SIZE):
    return CappedPaginator(qs, size).get_page(request.GET.get("page"))


# The action's name of a field where the form calls it otherwise.
FORM_FIELDS = {"author_name": "full_name", "author_address": "address", "author_email": "email",
               "author_phone": "phone"}


def _add_error(form, error: DomainError) -> None:
    field = FORM_FIELDS.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.detail))


@per_request
def own_appeal(request: HromadaRequest, pk: int, **_kwargs: Any) -> Appeal:
    """The appeal `pk` if the person may see it; 404 otherwise."""
    return selectors.visible_appeal(pk, request.user, request.community)


PUBLIC_STATUSES = [("open", gettext_lazy("Open")), (AppealStatus.ANSWERED, AppealStatus.ANSWERED.label),
                   (AppealStatus.CLOSED, AppealStatus.CLOSED.label)]


def _public_filters(request: HromadaRequest) -> dict[str, Any]:
    """The category and status filters shared by the problem map, its data and its text list."""
    category = bounded_int(request.GET.get("category", ""), minimum=1)
    status = request.GET.get("status", "")
    if status not in dict(PUBLIC_STATUSES):
        status = ""
    return {"category": category, "status": status}


def _public_context(request: HromadaRequest) -> dict[str, Any]:
    filters = _public_filters(request)
    query = urlencode({k: v for k, v in filters.items() if v})
    return {**filters, "query": f"?{query}" if query else "", "extra": query, "statuses": PUBLIC_STATUSES,
            "categories": Category.objects.filter(is_public=True, is_active=True)}


PUBLIC_PAGE_SECONDS = 10


def _public_page(request: HromadaRequest, template: str, context: Callable[[], dict[str, Any]]) -> HttpResponse:
    """`template` drawn with `context()`; for an anonymous visitor, a drawing at most PUBLIC_PAGE_SECONDS old
    (`hromada.core.public_pages`; see docs/appeals.md): the page is public and de-identified."""
    return public_pages.cached_render(request, template, context, namespace="appeals", seconds=PUBLIC_PAGE_SECONDS)


def public_list(request: HromadaRequest) -> HttpResponse:
    """The problem map's text alternative: public problems, de-identified, newest first (cached for anonymous
    visitors: `_public_page`)."""

    def context() -> dict[str, Any]:
        filters = _public_context(request)
        page = _page(request, selectors.public_appeals(category=filters["category"], status=filters["status"],
                                                       columns=PUBLIC_COLUMNS))
        return {**filters, "page": page, "rows": public_rows(page.object_list, _public_appeal_prefix())}

    return _public_page(request, "appeals/public_list.html", context)


def public_map(request: HromadaRequest) -> HttpResponse:
    """The problem map: markers from the GeoJSON feed (same filters), the districts, and under it the text
    version (the `map` component's): the same problems as a table, a page at a time, newest first. Cached for
    anonymous visitors as the text list is (`_public_page`)."""

    def context() -> dict[str, Any]:
        filters = _public_context(request)
        page = _page(request, selectors.public_appeals(category=filters["category"], status=filters["status"],
                                                       columns=PUBLIC_COLUMNS))
        config = map_options(geojsonUrl=reverse("appeals:geojson") + filters["query"],
                             count=_("Problems on the map: %(count)s."), more=_("Open the problem's page"))
        return {**filters, "page": page, "rows": public_rows(page.object_list, _public_appeal_prefix()),
                "map_config": config, "media": MAP_MEDIA}

    return _public_page(request, "appeals/public_map.html", context)


def _public_appeal_prefix() -> str:
    """The URL of a public problem's page without its number (numbers are slugs: letters, digits and dashes)."""
    return reverse("appeals:public_appeal", args=["0"]).removesuffix("0/")


def public_appeal(request: HromadaRequest, number: str) -> HttpResponse:
    """One published problem, by the registration number the list, the map and Open311 already show: only
    what they publish (category, district, the place rounded as on the map, status, registration date, the
    description the resident chose to show, the official's public summary). 404 for any other appeal."""
    appeal = get_object_or_404(selectors.published_appeals().select_related("category", "district"),
                               number=number[:32])
    place = None
    if appeal.latitude is not None and appeal.longitude is not None:
        place = (round(appeal.latitude, selectors.PUBLIC_PLACE_DECIMALS),
                 round(appeal.longitude, selectors.PUBLIC_PLACE_DECIMALS))
    return render(request, "appeals/public_appeal.html", {
        "appeal": appeal, "place": place, "description": selectors.public_description(appeal),
        "answer": selectors.public_answer(appeal)})


def public_geojson(request: HromadaRequest) -> JsonResponse:
    """Public problems with a location as a GeoJSON FeatureCollection (at most 1,000, newest): the description
    only where the resident chose to show it, the official's public summary of the answer, never the letter."""
    qs = selectors.public_appeals(**_public_filters(request)).filter(latitude__isnull=False)[:1000]
    pages = _public_appeal_prefix()
    features = [{
        "type": "Feature", "id": a.number,
        "geometry": {"type": "Point", "coordinates": [round(a.longitude or 0, selectors.PUBLIC_PLACE_DECIMALS),
                                                     round(a.latitude or 0, selectors.PUBLIC_PLACE_DECIMALS)]},
        "properties": {"number": a.number, "status": a.status, "status_label": a.get_status_display(),
                       "category": a.category.name if a.category else "",
                       "icon": a.category.icon if a.category else "",
                       "registered": a.registered_at.date().isoformat(),
                       "url": f"{pages}{a.number}/",
                       "description": selectors.public_description(a), "answer": selectors.public_answer(a)},
    } for a in qs]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def districts_geojson(request: HromadaRequest) -> JsonResponse:
    """The community's districts as a GeoJSON FeatureCollection, drawn on the maps."""
    features = [{"type": "Feature", "id": d.pk, "geometry": d.boundary, "properties": {"name": d.name, "code": d.code}}
                for d in District.objects.all()]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    patch_cache_control(response, public=True, max_age=300)
    return response


ADDRESS_SUGGESTIONS = 10


def address_suggestions(request: HromadaRequest) -> JsonResponse:
    """Autocomplete for the problem's address: at most ten register addresses starting like `q`.

    A street prefix of three letters or more keeps the matching rows few (about 1 ms with 100,000
    addresses on PostgreSQL); shorter text gets an empty answer.
    """
    text = request.GET.get("q", "")[:100]
    results = [{"label": str(a), "latitude": a.latitude, "longitude": a.longitude}
               for a in geocoding.suggest(text, limit=ADDRESS_SUGGESTIONS)]
    response = JsonResponse({"results": results})
    patch_cache_control(response, public=True, max_age=300)
    return response


STATISTICS_SECONDS = 60
_STATISTICS = memo.TimedMemory("appeals.statistics_page", limit=1_000)


def statistics(request: HromadaRequest) -> HttpResponse:
    """Public statistics: totals and four charts with their tables, from the tallies. The figures, the charts
    and their drawing are the same for every visitor, so each process keeps them STATISTICS_SECONDS per
    community and language (docs/decisions.md): a new appeal shows within a minute."""
    return render(request, "appeals/statistics.html", _STATISTICS.remember(
        request.community.pk, get_language(), _statistics_context, STATISTICS_SECONDS))


def _statistics_context() -> dict[str, Any]:
    stats = selectors.statistics()
    english = (get_language() or "uk").startswith("en")
    by_category = [(row["category__name_en"] if english and row["category__name_en"] else row["category__name_uk"],
                    row["n"]) for row in stats["by_category"]]
    months = selectors.received_and_answered_by_month()

    def categories(chart_id: str, title: str, label: str, rows: list[tuple[str, int]]) -> charts.Chart:
        return charts.bar_chart(
            chart_id=chart_id, title=title, category_label=label, value_label=_("Appeals"),
            description=_("%(count)s groups; the largest has %(top)s appeals.") % {
                "count": len(rows), "top": charts.label_number(max((n for _name, n in rows), default=0))},
            categories=[name for name, _n in rows], series=[charts.Series(_("Appeals"), [n for _name, n in rows])])

    received, answered = sum(m[1] for m in months), sum(m[2] for m in months)
    drawn = [
        charts.time_series(
            chart_id="appeals-by-month", title=_("Received and answered by month"),
            description=_("The last %(months)s months: %(received)s appeals received, %(answered)s answered.") % {
                "months": len(months), "received": charts.label_number(received),
                "answered": charts.label_number(answered)},
            periods=[m[0] for m in months], unit="month", period_label=_("Month"), value_label=_("Appeals"),
            series=[charts.Series(_("Received"), [m[1] for m in months]),
                    charts.Series(_("Answered"), [m[2] for m in months])]),
        categories("appeals-by-status", _("By status"), _("Status"),
                   [(str(label), n) for label, n in stats["by_status"]]),
        categories("appeals-by-category", _("Public problems by category"), _("Category"), by_category),
        categories("appeals-by-department", _("By department"), _("Department"), stats["by_department"]),
    ]
    # The charts' markup depends on nothing but the charts and the language (their ids are fixed): drawn once.
    return {"stats": stats, "charts": drawn,
            "charts_html": render_to_string("appeals/_statistics_charts.html", {"charts": drawn})}


@body_limit(files_limit(media.MAX_PHOTOS, media.MAX_PHOTO_BYTES))
@login_required
def appeal_create(request: SignedInRequest) -> HttpResponse:
    community = request.community
    form = AppealForm(request.POST or None, request.FILES or None,
                      initial={"address": request.user.address})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            limits.check_filing(community=community, user_id=request.user.pk)
        except DomainError as error:
            _add_error(form, error)
            return render(request, "appeals/form.html", {"form": form}, status=error.status_code)
        try:
            appeal = actions.appeal_register(
                community=community, text=data["text"], type=data["type"], category=data["category"],
                channel=Channel.WEB, author=actions.Author(user=request.user, address=data["address"]),
                latitude=data["latitude"], longitude=data["longitude"], location_text=data["location_text"],
                photos=request.FILES.getlist("photos"), description_public=data["description_public"],
                use_photo_location=data["use_photo_location"])
        except DomainError as error:
            _add_error(form, error)
        else:
            return redirect("appeals:receipt", appeal.pk)
    return render(request, "appeals/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def my_appeals(request: SignedInRequest) -> HttpResponse:
    return render(request, "appeals/mine.html", {"page": _page(request, selectors.my_appeals(request.user))})


@permission_required("appeals.view_appeal", fn=own_appeal)
def appeal_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    appeal = own_appeal(request, pk)
    events = list(appeal.events.select_related("actor"))
    return render(request, "appeals/detail.html", {
        "appeal": appeal, "events": events, "photos": list(appeal.photos.all()),
        "can_rate": request.user.has_perm("appeals.rate_appeal", appeal) and appeal.rating is None
        and appeal.status in (AppealStatus.ANSWERED, AppealStatus.CLOSED),
        "can_reopen": request.user.has_perm("appeals.reopen_appeal", appeal)
        and appeal.status in workflow.WORKFLOW["reopen"].sources,
        "can_add_details": appeal.author_id == request.user.pk and appeal.is_open,
        "rate_form": RateForm(), "reason_form": ReasonForm(), "details_form": DetailsForm()})


def appeal_status(request: HromadaRequest, token) -> HttpResponse:
    """The page the QR code points to: status and term by the secret link, without personal data."""
    appeal = get_object_or_404(Appeal.objects.select_related("category", "department"), token=token)
    events = list(appeal.events.all())
    return render(request, "appeals/status.html", {"appeal": appeal, "events": events})


def appeal_photo(request: HromadaRequest, pk: int) -> HttpResponseBase:
    """A photo of an appeal (the copy without metadata): for anyone when the appeal is published and its
    author chose to show what they sent; otherwise only for those who may see the appeal (its author, the
    staff handling it). Everyone else gets the same 404 as for a photo that does not exist."""
    photo = selectors.visible_photo(pk, request.user, request.community)
    return private_files.serve(photo.image, download_name=f"{photo.appeal.number}-{photo.pk}")


@permission_required("appeals.view_appeal", fn=own_appeal)
def receipt(request: SignedInRequest, pk: int) -> HttpResponse:
    appeal = own_appeal(request, pk)
    link = actions.appeal_link(appeal)
    qr = receipt_document.qr_svg(link)
    return render(request, "appeals/receipt.html", {"appeal": appeal, "link": link, "qr": qr})


@permission_required("appeals.view_appeal", fn=own_appeal)
def receipt_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    appeal = own_appeal(request, pk)
    pdf = receipt_document.receipt_pdf(appeal, actions.appeal_link(appeal))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{appeal.number}.pdf"'
    return response


def _author_post(request: SignedInRequest, pk: int, run: Callable[[Appeal], None]) -> HttpResponse:
    """Runs the author's action on their appeal; the action checks its own permission and the state."""
    appeal = own_appeal(request, pk)
    try:
        run(appeal)
    except DomainError as error:
        messages.error(request, str(error.detail))
    return redirect("appeals:detail", appeal.pk)


@require_POST
@login_required
@permission_required("appeals.view_appeal", fn=own_appeal)
def appeal_rate(request: SignedInRequest, pk: int) -> HttpResponse:
    def run(appeal: Appeal) -> None:
        actions.appeal_rate(appeal=appeal, rating=request.POST.get("rating"), comment=request.POST.get("comment", ""),
                            by=request.user)
        messages.success(request, _("Thank you for rating the answer."))
    return _author_post(request, pk, run)


@require_POST
@login_required
@permission_required("appeals.view_appeal", fn=own_appeal)
def appeal_reopen(request: SignedInRequest, pk: int) -> HttpResponse:
    def run(appeal: Appeal) -> None:
        actions.appeal_reopen(appeal=appeal, reason=request.POST.get("reason", ""), by=request.user)
        messages.success(request, _("The appeal is reopened."))
    return _author_post(request, pk, run)


@require_POST
@login_required
@permission_required("appeals.view_appeal", fn=own_appeal)
def appeal_add_details(request: SignedInRequest, pk: int) -> HttpResponse:
    def run(appeal: Appeal) -> None:
        actions.appeal_add_details(appeal=appeal, text=request.POST.get("text", ""), by=request.user)
        messages.success(request, _("Your details are added to the appeal."))
    return _author_post(request, pk, run)
