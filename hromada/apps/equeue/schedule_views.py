"""The back office of bookings: resources with their weekly hours and exceptions (community admins), a day of
a resource's slots and bookings where an operator records no-shows, and the e-queue's office home."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hromada.apps.equeue import schedules
from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.models import Booking, Resource, ScheduleException, ScheduleRule, Slot
from hromada.apps.equeue.schedules import Span
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import KYIV, kyiv_date
from hromada.core.http import HromadaRequest
from hromada.core.permissions import permission_required

WEEKDAY_FIELDS = [f"day{n}" for n in range(7)]
SPAN_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$")


def _parse_spans(weekday: int, text: str) -> list[Span]:
    spans = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = SPAN_RE.match(part)
        if not match:
            raise forms.ValidationError(_("Write the hours as 09:00-13:00, several separated by commas."))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise forms.ValidationError(_("Write the hours as 09:00-13:00, several separated by commas."))
        spans.append(Span(weekday, time(h1, m1), time(h2, m2)))
    return spans


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "name_uk", "name_en", "office", "window", "clinic", "speciality", "address", "slot_minutes",
                  "capacity", "horizon_days", "opens_at", "cutoff_hours", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
        rules = list(self.instance.rules.all()) if self.instance.pk else []
        for n, field in enumerate(WEEKDAY_FIELDS):
            initial = ", ".join(f"{r.starts:%H:%M}-{r.ends:%H:%M}" for r in rules if r.weekday == n)
            self.fields[field] = forms.CharField(label=names[n], required=False, max_length=200, initial=initial,
                                                 help_text=_("e.g. 09:00-13:00, 14:00-17:00; empty: closed"))

    def spans(self) -> list[Span]:
        out: list[Span] = []
        for n, field in enumerate(WEEKDAY_FIELDS):
            try:
                out += _parse_spans(n, self.cleaned_data.get(field) or "")
            except forms.ValidationError as exc:
                self.add_error(field, exc)
        return out


class ExceptionForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=gettext_lazy("From"), required=False)
    ends = forms.TimeField(label=gettext_lazy("Until"), required=False,
                           help_text=gettext_lazy("Leave both empty: closed all day."))
    note = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if (starts is None) != (ends is None) or (starts and ends and ends <= starts):
            raise forms.ValidationError(_("Give both times, the second after the first, or neither (closed)."))
        return data


@permission_required("equeue.use_office")
@require_GET
def office_home(request: HromadaRequest) -> HttpResponse:
    user = request.user
    community = request.community
    return render(request, "equeue/office/home.html", {
        "can_manage": user.has_perm("equeue.manage_resources", community),
        "can_panel": user.has_perm("equeue.use_panel", community),
        "can_statistics": user.has_perm("equeue.view_statistics", community),
        "resources": Resource.objects.filter(is_active=True).order_by("kind", "name_uk"),
    })


def _save(request: HromadaRequest, form: ResourceForm) -> Resource | None:
    if not form.is_valid():
        return None
    spans = form.spans()
    if form.errors:
        return None
    try:
        ordered = schedules.validate_rules(spans)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return None
    with transaction.atomic(durable=True):
        resource = form.save(commit=False)
        resource.community = request.community
        resource.save()
        schedules.set_rules(resource, ordered)
        audit_record(actor=request.user, action="equeue.resource_saved", community=request.community,
                     target=resource, data={"rules": len(ordered)})
    return resource


@permission_required("equeue.manage_resources")
@require_http_methods(["GET", "POST"])
def resources(request: HromadaRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None)
    if request.method == "POST":
        resource = _save(request, form)
        if resource is not None:
            messages.success(request, _("The resource is saved."))
            return redirect("equeue:resource_edit", pk=resource.pk)
    rows = Resource.objects.select_related("office").order_by("kind", "name_uk")
    return render(request, "equeue/office/resources.html", {"rows": rows, "form": form},
                  status=400 if form.errors else 200)


@permission_required("equeue.manage_resources")
@require_http_methods(["GET", "POST"])
def resource_edit(request: HromadaRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    form = ResourceForm(instance=resource)
    exception_form = ExceptionForm()
    if request.method == "POST" and request.POST.get("action") == "exception":
        exception_form = ExceptionForm(request.POST)
        if exception_form.is_valid():
            data = exception_form.cleaned_data
            with transaction.atomic(durable=True):
                ScheduleException.objects.update_or_create(
                    resource=resource, day=data["day"], defaults={
                        "community": request.community, "starts": data["starts"], "ends": data["ends"],
                        "note": data["note"]})
            messages.success(request, _("The exception is saved. Slots already made for that day stay as they are."))
            return redirect("equeue:resource_edit", pk=resource.pk)
    elif request.method == "POST" and request.POST.get("action") == "slots":
        made = schedules.make_slots(resource, schedules.horizon_days(resource))
        messages.success(request, _("Slots are made up to the end of the horizon (%(count)s in all).") % {
            "count": made})
        return redirect("equeue:resource_edit", pk=resource.pk)
    elif request.method == "POST":
        form = ResourceForm(request.POST, instance=resource)
        if _save(request, form) is not None:
            messages.success(request, _("The resource is saved."))
            return redirect("equeue:resource_edit", pk=resource.pk)
    exceptions = ScheduleException.objects.filter(resource=resource, day__gte=kyiv_date(timezone.now()))
    bad = bool(form.errors or exception_form.errors)
    return render(request, "equeue/office/resource_edit.html", {
        "resource": resource, "form": form, "exception_form": exception_form, "exceptions": exceptions,
        "rules": ScheduleRule.objects.filter(resource=resource)}, status=400 if bad else 200)


def _resource_for_operator(request: HromadaRequest, pk: int) -> Resource:
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None:
        raise Http404
    return resource


@permission_required("equeue.use_panel")
@require_http_methods(["GET", "POST"])
def resource_day(request: HromadaRequest, pk: int) -> HttpResponse:
    resource = _resource_for_operator(request, pk)
    try:
        day = date.fromisoformat(request.GET.get("day", "")[:10])
    except ValueError:
        day = kyiv_date(timezone.now())
    error = ""
    status = 200
    if request.method == "POST":
        booking = Booking.objects.filter(pk=request.POST.get("booking") or 0, resource=resource).first() if (
            (request.POST.get("booking") or "").isdigit()) else None
        try:
            if booking is None:
                raise DomainError(_("There is no such booking."), code="not_found", status_code=404)
            actions.record_no_show(booking=booking, by=request.user)
        except DomainError as exc:
            error, status = str(exc.detail), exc.status_code
        else:
            messages.success(request, _("Recorded: %(code)s did not come.") % {"code": booking.code})
            return redirect(f"{request.path}?day={day.isoformat()}")
    begin = datetime.combine(day, time(0), tzinfo=KYIV)
    slots = Slot.objects.filter(resource=resource, starts_at__gte=begin, starts_at__lt=begin + timedelta(days=1))
    bookings = (Booking.objects.filter(resource=resource, day=day).select_related("slot", "person", "service", "child")
                .order_by("slot__starts_at", "id"))
    return render(request, "equeue/office/day.html", {
        "resource": resource, "day": day, "slots": slots, "bookings": bookings, "error": error,
        "now": timezone.now()}, status=status)
