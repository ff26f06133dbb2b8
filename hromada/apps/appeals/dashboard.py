"""The control dashboard's filters (a GET form whose state is the URL) and the back-office home's figures.

The same filters apply to the tiles, the charts, the tables, the drill-down list and its CSV/XLSX export.
The figures of the work now (open, due this week, overdue, in triage) count the appeals open today; the
period chooses which registrations and answers the flow figures (received, answered, average time to
answer) and the charts count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.appeals.models import AppealType, Category, Channel
from hromada.apps.communities.models import Department
from hromada.core.calendar import kyiv_date
from hromada.core.ui import Figure

PERIODS = (("7", gettext_lazy("Last 7 days")), ("30", gettext_lazy("Last 30 days")),
           ("90", gettext_lazy("Last 90 days")), ("365", gettext_lazy("Last 12 months")),
           ("custom", gettext_lazy("Dates below")))
DEFAULT_PERIOD = "30"
MAX_PERIOD_DAYS = 3 * 366  # a chart of more than three years says little; the export covers the rest
DAILY_UP_TO_DAYS = 62  # longer periods are charted by month
KINDS = ("open", "due_week", "overdue", "triage", "received", "answered")
FILTER_FIELDS = ("period", "date_from", "date_to", "department", "category", "channel", "type")


@dataclass(frozen=True)
class Filters:
    """What a dashboard, drill-down list or export shows. `department`/`category` are ids (None: all)."""

    date_from: date
    date_to: date
    department: int | None = None
    category: int | None = None
    channel: str = ""
    type: str = ""
    department_name: str = ""
    category_name: str = ""

    @property
    def by_tallies(self) -> bool:
        """The tallies are kept per department × category; channel and type need the appeal rows."""
        return not (self.channel or self.type)

    @property
    def unit(self) -> str:
        return "day" if (self.date_to - self.date_from).days < DAILY_UP_TO_DAYS else "month"

    def appeal_filter(self) -> dict[str, Any]:
        """The ORM filter of department, category, channel and type (not the period)."""
        found: dict[str, Any] = {}
        if self.department:
            found["department_id"] = self.department
        if self.category:
            found["category_id"] = self.category
        if self.channel:
            found["channel"] = self.channel
        if self.type:
            found["type"] = self.type
        return found


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; also read by the drill-down list and the exports (with `kind`)."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                help_text=gettext_lazy("With “Dates below”: the first day, for example 2026-11-01."))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text=gettext_lazy("The last day, included."))
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=Department.objects.none(),
                                        required=False, empty_label=gettext_lazy("All departments"))
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=Category.objects.none(),
                                      required=False, empty_label=gettext_lazy("All categories"))
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("All channels")), *Channel.choices])
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                             choices=[("", gettext_lazy("All types")), *AppealType.choices])

    def __init__(self, data: QueryDict | None = None, *, with_kind: bool = False) -> None:
        given = data is not None and any(data.get(name) for name in (*FILTER_FIELDS, "kind"))
        super().__init__(data if given else None, initial={"period": DEFAULT_PERIOD})
        department, category = self.fields["department"], self.fields["category"]
        assert isinstance(department, forms.ModelChoiceField) and isinstance(category, forms.ModelChoiceField)
        department.queryset = Department.objects.order_by("name_uk")
        category.queryset = Category.objects.order_by("name_uk")
        if with_kind:  # the drill-down list: which figure it lists
            self.fields["kind"] = forms.ChoiceField(label=gettext_lazy("List"), required=False,
                                                    choices=[(k, k) for k in KINDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = kyiv_date(timezone.now())
        period = data.get("period") or ("custom" if data.get("date_from") or data.get("date_to") else DEFAULT_PERIOD)
        data["period"] = period
        if period != "custom":
            data["date_to"] = today
            data["date_from"] = today - timedelta(days=int(period) - 1)
            return data
        first, last = data.get("date_from"), data.get("date_to")
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if first is None:
            self.add_error("date_from", _("Enter the first day of the period."))
        if last is None:
            self.add_error("date_to", _("Enter the last day of the period."))
        if first is None or last is None:
            return data
        if first > last:
            self.add_error("date_to", _("The last day must be the same as or after the first day."))
        elif last > today:
            self.add_error("date_to", _("The last day cannot be in the future."))
        elif (last - first).days >= MAX_PERIOD_DAYS:
            self.add_error("date_from", _("Choose a period of at most three years."))
        return data

    def filters(self) -> Filters:
        """Call after is_valid(); the defaults when nothing was asked for."""
        if not self.is_bound:
            today = kyiv_date(timezone.now())
            return Filters(date_from=today - timedelta(days=int(DEFAULT_PERIOD) - 1), date_to=today)
        data = self.cleaned_data
        department, category = data.get("department"), data.get("category")
        return Filters(date_from=data["date_from"], date_to=data["date_to"],
                       department=department.pk if department else None,
                       category=category.pk if category else None,
                       channel=data.get("channel") or "", type=data.get("type") or "",
                       department_name=department.name if department else "",
                       category_name=category.name if category else "")

    def drill_kind(self) -> str:
        return (self.cleaned_data.get("kind") if self.is_bound else "") or "open"

    def query(self, **changes: str) -> str:
        """The URL query of these filters (only what was given), with `changes` applied; for the links from
        each figure to its list, and the export."""
        params = QueryDict(mutable=True)
        if self.is_bound:
            for name in FILTER_FIELDS:
                value = self.data.get(name)
                if value:
                    params[name] = value
        for name, value in changes.items():
            if value:
                params[name] = value
            else:
                params.pop(name, None)
        return params.urlencode()


def office_figures(request: HttpRequest) -> list[Figure]:
    """What awaits the official in appeals, by role, from the tallies (no scan of the appeals)."""
    from hromada.apps.appeals import selectors
    from hromada.apps.appeals.rules import executor_department_ids

    community = getattr(request, "community", None)
    if community is None:
        return []
    user = request.user
    figures: list[Figure] = []
    if user.has_perm("appeals.intake_appeal", community):
        figures.append(Figure(selectors.triage_count(), gettext_lazy("appeals in triage"),
                              reverse("appeals:office_triage")))
    departments = executor_department_ids(user, community)
    if departments:
        figures.append(Figure(selectors.queue_count(departments), gettext_lazy("open in my department's queue"),
                              reverse("appeals:office_queue")))
    if user.has_perm("appeals.view_dashboard", community):
        data = selectors.dashboard_now(community)
        list_url = reverse("appeals:office_list")
        figures.append(Figure(data["open"], gettext_lazy("open appeals"), f"{list_url}?kind=open"))
        figures.append(Figure(data["overdue"], gettext_lazy("overdue appeals"), f"{list_url}?kind=overdue",
                              status="bad" if data["overdue"] else "good",
                              status_text=gettext_lazy("Overdue: act now") if data["overdue"]
                              else gettext_lazy("None overdue")))
    return figures
