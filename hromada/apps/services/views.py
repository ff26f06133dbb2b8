"""The public register: services found by words and by life situation, a service's card, the ЦНАП offices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.apps.services import search
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
from hromada.core import calendar
from hromada.core.http import HromadaRequest

PAGE_SIZE = 20
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
    page = Paginator(_list_columns(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    situations = LifeSituation.objects.annotate(
        count=Count("services", filter=~Q(services__status=ServiceStatus.RETIRED))).filter(count__gt=0)
    return render(request, "services/register/list.html", {
        "form": form, "query": query, "audience": audience, "page": page,
        "situations": situations if not query else [],
    })


def situation(request: HromadaRequest, code: str) -> HttpResponse:
    life_situation = get_object_or_404(LifeSituation, code=code)
    qs = _list_columns(public_services().filter(life_situations=life_situation).order_by("name_uk", "pk"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/register/situation.html", {"situation": life_situation, "page": page})


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
    offices = Office.objects.filter(is_active=True).annotate(
        count=Count("services", filter=~Q(services__status=ServiceStatus.RETIRED)))
    return render(request, "services/register/offices.html", {
        "offices": [(office, weekly_hours(office)) for office in offices]})


def office_detail(request: HromadaRequest, code: str) -> HttpResponse:
    office = get_object_or_404(Office, code=code, is_active=True)
    windows = Window.objects.filter(office=office, is_active=True).prefetch_related(
        Prefetch("services", queryset=_list_columns(public_services().order_by("name_uk"))))
    services = _list_columns(public_services().filter(offices=office).order_by("name_uk", "pk"))
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/register/office.html", {
        "office": office, "hours": weekly_hours(office), "windows": windows, "page": page,
        "special_days": special_days(office, calendar.kyiv_date(timezone.now()))})


def service_detail(request: HromadaRequest, code: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.prefetch_related(
            Prefetch("offices", queryset=Office.objects.filter(is_active=True)),
            "life_situations"),
        code=code[:40])
    return render(request, "services/register/card.html", {
        "service": service, "offices": list(service.offices.all()), "situations": list(service.life_situations.all()),
        "apply_methods": [dict(ApplyMethod.choices).get(m, m) for m in service.apply_methods],
        "audience": [dict(Audience.choices).get(a, a) for a in service.audience],
    })
