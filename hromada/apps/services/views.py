"""The public register: services found by words and by life situation, a service's card, the ЦНАП offices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.apps.services import register, search
from hromada.apps.services.models import (
    WEEKDAYS,
    ApplyMethod,
    Audience,
    LifeSituation,
    Office,
    Service,
    ServiceStatus,
    Window,
)
from hromada.core import calendar, public_pages
from hromada.core.http import HromadaRequest

PAGE_SIZE = 20
CACHE_NAMESPACE = register.PAGES  # register.apply_card bumps its generation on every change of a card
PAGE_SECONDS = 60  # other changes (a rating, an office's hours) show within a minute
QUERY_MAX = 200
UPCOMING_DAYS = 30
WEEKDAY_NAMES = {"mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
                 "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday")}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Find a service"), required=False, max_length=QUERY_MAX,
                        help_text=_("Words from its name, for example “реєстрація місця проживання”."))
    audience = forms.ChoiceField(label=_("For whom"), required=False,
                                 choices=[("", _("Everyone")), *Audience.choices])


def public_services() -> QuerySet[Service]:
    """The services a resident finds: those given now or for a while not (retired ones only by their page)."""
    return Service.objects.exclude(status=ServiceStatus.RETIRED)


def _list_columns(qs: QuerySet[Service]) -> QuerySet[Service]:
    return qs.only("code", "name_uk", "name_en", "provider", "status", "term_days", "term_kind", "fee_kind",
                   "fee_amount", "audience")


def service_list(request: HromadaRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query, audience = "", ""
    if form.is_valid():
        query, audience = form.cleaned_data["q"].strip(), form.cleaned_data["audience"]
    qs = public_services()
    if audience:
        qs = qs.filter(audience__icontains=f'"{audience}"')  # a JSON list of plain words: the quoted word
    qs = search.search(query, qs) if query else qs.order_by("name_uk", "pk")

    def context() -> dict[str, Any]:
        page = Paginator(_list_columns(qs), PAGE_SIZE).get_page(request.GET.get("page"))
        situations = LifeSituation.objects.annotate(
            count=Count("services", filter=~Q(services__status=ServiceStatus.RETIRED))).filter(count__gt=0)
        return {"form": form, "query": query, "audience": audience, "page": page,
                "situations": list(situations) if not query else []}

    return _cached(request, "services/register/list.html", context)


def _cached(request: HromadaRequest, template: str, context: Any) -> HttpResponse:
    return public_pages.cached_render(request, template, context, namespace=CACHE_NAMESPACE, seconds=PAGE_SECONDS)


def situation(request: HromadaRequest, code: str) -> HttpResponse:
    def context() -> dict[str, Any]:
        life_situation = get_object_or_404(LifeSituation, code=code[:40])
        qs = _list_columns(public_services().filter(life_situations=life_situation).order_by("name_uk", "pk"))
        return {"situation": life_situation, "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))}

    return _cached(request, "services/register/situation.html", context)


@dataclass(frozen=True)
class Day:
    day: date
    hours: str  # "" closed
    note: str


def weekly_hours(office: Office) -> list[tuple[Any, str]]:
    return [(WEEKDAY_NAMES[day], office.hours.get(day, "")) for day in WEEKDAYS]


def special_days(office: Office, today: date, days: int = UPCOMING_DAYS) -> list[Day]:
    """The next `days` days on which the office keeps other hours: its exceptions and the public holidays
    (closed unless an exception opens it)."""
    exceptions = {}
    for item in office.exceptions or []:
        try:
            exceptions[date.fromisoformat(str(item.get("date", "")))] = item
        except ValueError:
            continue
    found = []
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        if day in exceptions:
            item = exceptions[day]
            found.append(Day(day, str(item.get("hours", "")), str(item.get("note", ""))))
        elif calendar.is_public_holiday(day) and office.hours.get(WEEKDAYS[day.weekday()]):
            found.append(Day(day, "", str(_("Public holiday"))))
    return found


def office_list(request: HromadaRequest) -> HttpResponse:
    def context() -> dict[str, Any]:
        offices = Office.objects.filter(is_active=True).annotate(
            count=Count("services", filter=~Q(services__status=ServiceStatus.RETIRED)))
        return {"offices": [(office, weekly_hours(office)) for office in offices]}

    return _cached(request, "services/register/offices.html", context)


def office_detail(request: HromadaRequest, code: str) -> HttpResponse:
    def context() -> dict[str, Any]:
        office = get_object_or_404(Office, code=code[:40], is_active=True)
        windows = Window.objects.filter(office=office, is_active=True).prefetch_related(
            Prefetch("services", queryset=_list_columns(public_services().order_by("name_uk"))))
        services = _list_columns(public_services().filter(offices=office).order_by("name_uk", "pk"))
        return {"office": office, "hours": weekly_hours(office), "windows": list(windows),
                "page": Paginator(services, PAGE_SIZE).get_page(request.GET.get("page")),
                "special_days": special_days(office, calendar.kyiv_date(timezone.now()))}

    return _cached(request, "services/register/office.html", context)


def service_detail(request: HromadaRequest, code: str) -> HttpResponse:
    def context() -> dict[str, Any]:
        service = get_object_or_404(
            Service.objects.prefetch_related(Prefetch("offices", queryset=Office.objects.filter(is_active=True)),
                                             "life_situations"),
            code=code[:40])
        return {"service": service, "offices": list(service.offices.all()),
                "situations": list(service.life_situations.all()),
                "apply_methods": [dict(ApplyMethod.choices).get(m, m) for m in service.apply_methods],
                "audience": [dict(Audience.choices).get(a, a) for a in service.audience]}

    return _cached(request, "services/register/card.html", context)
