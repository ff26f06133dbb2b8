"""Public statistics of administrative services: cases per service per month, the average processing time
(submitted → decided), the share decided in term, and the ratings; the same figures feed the open datasets.

Only counts, averages and shares leave this module: never a name, a contact, the application's data or a
rating's comment. Months are Kyiv months (a case submitted at 23:30 on 31 January UTC is February's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django import forms
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.services.models import CaseStatus, Service, ServiceCase
from hromada.core import charts
from hromada.core.calendar import KYIV, kyiv_date
from hromada.core.http import HromadaRequest

DECIDED = (CaseStatus.GRANTED, CaseStatus.REFUSED, CaseStatus.RESULT_READY, CaseStatus.ISSUED)
DEFAULT_MONTHS = 12
MAX_MONTHS = 60


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _days(value: Any) -> Decimal | None:
    """A duration as days with one decimal (None for no value)."""
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / 86400).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _in_period(cases: QuerySet[ServiceCase], first: date, last: date) -> QuerySet[ServiceCase]:
    """Cases submitted in the Kyiv months from `first` to `last` (both included)."""
    start = datetime(first.year, first.month, 1, tzinfo=KYIV)
    after = add_months(last, 1)
    end = datetime(after.year, after.month, 1, tzinfo=KYIV)
    return cases.filter(submitted_at__gte=start, submitted_at__lt=end)


def monthly_counts(cases: QuerySet[ServiceCase]) -> list[dict[str, Any]]:
    """Per Kyiv month and service: submitted, decided (granted, refused), decided in term. Rows ordered by
    month and service code."""
    decided = Q(decided_at__isnull=False)
    rows = (cases.order_by().annotate(month=TruncMonth("submitted_at", tzinfo=KYIV))
            .values("month", "service__code", "service__name_uk")
            .annotate(submitted=Count("pk"), decided=Count("pk", filter=decided),
                      granted=Count("pk", filter=decided & Q(refusal_ground="")),
                      refused=Count("pk", filter=decided & ~Q(refusal_ground="")),
                      in_term=Count("pk", filter=decided & Q(due_at__isnull=False, decided_at__lte=F("due_at"))),
                      avg_time=Avg(ExpressionWrapper(F("decided_at") - F("submitted_at"),
                                                     output_field=DurationField()), filter=decided)))
    result = []
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        result.append({"month": month_start(month), "service": row["service__code"],
                       "service_name": row["service__name_uk"], "submitted": row["submitted"],
                       "decided": row["decided"], "granted": row["granted"], "refused": row["refused"],
                       "in_term": row["in_term"], "avg_days": _days(row["avg_time"]),
                       "in_term_share": _share(row["in_term"], row["decided"])})
    return sorted(result, key=lambda r: (r["month"], r["service"]))


@dataclass
class ServiceFigures:
    code: str
    name: str
    submitted: int = 0
    decided: int = 0
    in_term: int = 0
    avg_days: Decimal | None = None
    ratings: int = 0
    rating: Decimal | None = None
    stars: list[int] = field(default_factory=lambda: [0] * 5)

    @property
    def in_term_share(self) -> Decimal | None:
        return _share(self.in_term, self.decided)


def per_service(cases: QuerySet[ServiceCase]) -> list[ServiceFigures]:
    """The period's figures per service: counts, the average processing time, the share in term, ratings."""
    decided = Q(decided_at__isnull=False)
    rows = (cases.order_by().values("service__code", "service__name_uk")
            .annotate(submitted=Count("pk"), decided=Count("pk", filter=decided),
                      in_term=Count("pk", filter=decided & Q(due_at__isnull=False, decided_at__lte=F("due_at"))),
                      avg_time=Avg(ExpressionWrapper(F("decided_at") - F("submitted_at"),
                                                     output_field=DurationField()), filter=decided),
                      ratings=Count("pk", filter=Q(rating__isnull=False)), avg_rating=Avg("rating"),
                      **{f"s{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)}))
    figures = []
    for values in rows:
        row: dict[str, Any] = dict(values)
        rating = row["avg_rating"]
        figures.append(ServiceFigures(
            code=row["service__code"], name=row["service__name_uk"], submitted=row["submitted"],
            decided=row["decided"], in_term=row["in_term"], avg_days=_days(row["avg_time"]),
            ratings=row["ratings"],
            rating=None if rating is None else Decimal(str(rating)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            stars=[row[f"s{n}"] for n in range(1, 6)]))
    return sorted(figures, key=lambda f: (-f.submitted, f.name))


def totals(cases: QuerySet[ServiceCase]) -> dict[str, Any]:
    """The period's figures over all its cases (the average time over every decided case, not per service)."""
    decided = Q(decided_at__isnull=False)
    row = cases.order_by().aggregate(
        submitted=Count("pk"), decided=Count("pk", filter=decided),
        in_term=Count("pk", filter=decided & Q(due_at__isnull=False, decided_at__lte=F("due_at"))),
        avg_time=Avg(ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField()),
                     filter=decided),
        ratings=Count("pk", filter=Q(rating__isnull=False)), avg_rating=Avg("rating"))
    rating = row["avg_rating"]
    return {"submitted": row["submitted"], "decided": row["decided"],
            "in_term_share": _share(row["in_term"], row["decided"]), "avg_days": _days(row["avg_time"]),
            "ratings": row["ratings"],
            "rating": None if rating is None else Decimal(str(rating)).quantize(Decimal("0.1"),
                                                                                rounding=ROUND_HALF_UP)}


# --- the public page -------------------------------------------------------------------------------

class StatisticsFilters(forms.Form):
    start = forms.DateField(label=gettext_lazy("From (month)"), required=False, input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    end = forms.DateField(label=gettext_lazy("To (month)"), required=False, input_formats=["%Y-%m"],
                          widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("All services")),
                                          *Service.objects.order_by("name_uk").values_list("code", "name_uk")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["start"], data["end"] = period(data.get("start"), data.get("end"))
        return data


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The months asked for (by default the last DEFAULT_MONTHS up to this one); ValidationError if wrong."""
    end = month_start(end or kyiv_date(timezone.now()))
    start = month_start(start or add_months(end, 1 - DEFAULT_MONTHS))
    if start > end:
        raise forms.ValidationError(_("The first month must not be after the last."), code="order")
    if len(months_between(start, end)) > MAX_MONTHS:
        raise forms.ValidationError(_("Choose at most %(count)s months.") % {"count": MAX_MONTHS},
                                    code="too_long")
    return start, end


def _charts(months: list[date], monthly: list[dict[str, Any]], figures: list[ServiceFigures]) -> list[charts.Chart]:
    submitted = dict.fromkeys(months, 0)
    decided = dict.fromkeys(months, 0)
    for row in monthly:
        if row["month"] in submitted:
            submitted[row["month"]] += row["submitted"]
            decided[row["month"]] += row["decided"]
    names = [f.name for f in figures]
    with_time = [f for f in figures if f.avg_days is not None]
    rated = [f for f in figures if f.rating is not None]
    return [
        charts.time_series(
            chart_id="services-per-month", title=_("Applications per month"),
            description=_("Applications submitted and decided in each month."), periods=months, unit="month",
            series=[charts.Series(_("Submitted"), [submitted[m] for m in months]),
                    charts.Series(_("Decided"), [decided[m] for m in months])],
            period_label=_("Month"), value_label=_("Applications")),
        charts.bar_chart(
            chart_id="services-per-service", title=_("Applications per service"),
            description=_("Applications submitted in the period, by service."), categories=names,
            series=[charts.Series(_("Applications"), [f.submitted for f in figures])],
            category_label=_("Service"), value_label=_("Applications")),
        charts.bar_chart(
            chart_id="services-time", title=_("Average processing time, days"),
            description=_("Days from the submission to the decision, on average, by service."),
            categories=[f.name for f in with_time],
            series=[charts.Series(_("Days"), [float(f.avg_days or 0) for f in with_time])],
            category_label=_("Service"), value_label=_("Days")),
        charts.bar_chart(
            chart_id="services-in-term", title=_("Share decided in term, %"),
            description=_("Of the decided applications, the share decided by the term, by service."),
            categories=[f.name for f in with_time],
            series=[charts.Series(_("Decided in term, %"), [float(f.in_term_share or 0) for f in with_time])],
            category_label=_("Service"), value_label=_("Per cent")),
        charts.bar_chart(
            chart_id="services-ratings", title=_("Average rating (1–5)"),
            description=_("The applicants' average rating of the service after the result was issued."),
            categories=[f.name for f in rated],
            series=[charts.Series(_("Average rating"), [float(f.rating or 0) for f in rated])],
            category_label=_("Service"), value_label=_("Rating")),
    ]


def statistics(request: HromadaRequest) -> HttpResponse:
    form = StatisticsFilters(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "services/statistics.html", {"form": form}, status=400)
    if request.GET:
        data = form.cleaned_data
    else:
        start, end = period(None, None)
        data = {"start": start, "end": end, "service": ""}
    cases = _in_period(ServiceCase.objects.all(), data["start"], data["end"])
    if data.get("service"):
        cases = cases.filter(service__code=data["service"])
    months = months_between(data["start"], data["end"])
    monthly = monthly_counts(cases)
    figures = per_service(cases)
    return render(request, "services/statistics.html", {
        "form": form, "charts": _charts(months, monthly, figures), "totals": totals(cases),
        "figures": figures, "start": data["start"], "end": data["end"]})

