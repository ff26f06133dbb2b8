"""The resident's booking pages: what can be booked, a resource's free times, the booking form, one's
bookings with their QR code and calendar files, cancelling, moving, the waiting list. Parse, call one
action, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hromada.apps.equeue import ics, schedules
from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.actions import waiting
from hromada.apps.equeue.models import (
    Booking,
    BookingStatus,
    Child,
    Resource,
    ResourceKind,
    Slot,
    WaitingEntry,
    WaitingStatus,
)
from hromada.core.api.errors import DomainError
from hromada.core.calendar import KYIV, kyiv_date
from hromada.core.http import HromadaRequest, SignedInRequest

DAYS_PER_PAGE = 7


def _resource(pk: int) -> Resource:
    return get_object_or_404(Resource.objects.select_related("window", "office"), pk=pk, is_active=True)


def _booking(request: HromadaRequest, uid: Any) -> Booking:
    booking = (Booking.objects.filter(uid=uid).select_related("slot", "resource", "service", "child", "person")
               .first())
    if booking is None or not request.user.has_perm("equeue.view_booking", booking):
        raise Http404
    return booking


@require_GET
def start(request: HromadaRequest) -> HttpResponse:
    """What can be booked: ЦНАП windows by office, doctors by speciality, group sessions."""
    rows = list(Resource.objects.filter(is_active=True).select_related("office", "window")
                .prefetch_related("window__services").order_by("kind", "name_uk"))
    offices: dict[str, list[Resource]] = {}
    doctors: dict[str, list[Resource]] = {}
    groups = []
    for r in rows:
        if r.kind == ResourceKind.WINDOW:
            offices.setdefault(r.office.name_uk if r.office is not None else _("Other windows"), []).append(r)
        elif r.kind == ResourceKind.DOCTOR:
            doctors.setdefault(r.speciality or _("Doctors"), []).append(r)
        else:
            groups.append(r)
    return render(request, "equeue/start.html", {"offices": offices, "doctors": doctors, "groups": groups,
                                                 "empty": not rows})


def _days(request: HromadaRequest, resource: Resource) -> tuple[list[tuple[date, list[dict[str, Any]]]], Any]:
    today = kyiv_date(timezone.now())
    all_days = [today + timedelta(days=n) for n in range(resource.horizon_days + 1)]
    page = Paginator(all_days, DAYS_PER_PAGE).get_page(request.GET.get("page"))
    days = list(page.object_list)
    rows = schedules.free_slots(resource, days[0], len(days)) if days else []
    by_day: dict[date, list[dict[str, Any]]] = {d: [] for d in days}
    for row in rows:
        row["local"] = row["starts_at"].astimezone(KYIV)
        row["free"] = row["capacity"] - row["booked"]
        by_day.setdefault(row["local"].date(), []).append(row)
    return list(by_day.items()), page


class BookForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    service: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False,
                                                             label=gettext_lazy("Service"))
    child: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False,
                                                           label=gettext_lazy("For my child"),
                                                           empty_label=gettext_lazy("For myself"))
    contact = forms.CharField(required=False, max_length=200, label=gettext_lazy("Resident's e-mail or phone"),
                              help_text=gettext_lazy("Booking on a resident's behalf (operators)."))

    def __init__(self, *args: Any, resource: Resource, user: Any, operator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hromada.apps.services.models import Service

        service_field = cast(forms.ModelChoiceField, self.fields["service"])
        if resource.window is not None:
            service_field.queryset = resource.window.services.all()
            service_field.required = True
        else:
            service_field.queryset = Service.objects.none()
            del self.fields["service"]
        children = Child.objects.filter(parent=user) if user.is_authenticated else Child.objects.none()
        if children.exists():
            cast(forms.ModelChoiceField, self.fields["child"]).queryset = children
        else:
            del self.fields["child"]
        if not operator:
            del self.fields["contact"]


@require_GET
def resource(request: HromadaRequest, pk: int) -> HttpResponse:
    res = _resource(pk)
    days, page = _days(request, res)
    form = None
    if request.user.is_authenticated:
        form = BookForm(resource=res, user=request.user,
                        operator=request.user.has_perm("equeue.book_for_others", request.community))
    return render(request, "equeue/resource.html", {"resource": res, "days": days, "page": page, "form": form})


@login_required
@require_POST
def book(request: HromadaRequest, pk: int) -> HttpResponse:
    res = _resource(pk)
    operator = request.user.has_perm("equeue.book_for_others", request.community)
    form = BookForm(request.POST, resource=res, user=request.user, operator=operator)
    status = 400
    if form.is_valid():
        slot = Slot.objects.filter(pk=form.cleaned_data["slot"], resource=res).first()
        try:
            if slot is None:
                raise DomainError(_("There is no such time to book."), code="not_found", status_code=404)
            person = request.user
            if operator and form.cleaned_data.get("contact"):
                person = actions.find_resident(form.cleaned_data["contact"])
            booking = actions.book(resource=res, slot=slot, person=person, by=request.user,
                                   service=form.cleaned_data.get("service"), child=form.cleaned_data.get("child"),
                                   community=request.community)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            status = exc.status_code
        else:
            messages.success(request, _("Booked. Your booking number is %(code)s.") % {"code": booking.code})
            return redirect("equeue:booking", uid=booking.uid)
    days, page = _days(request, res)
    return render(request, "equeue/resource.html", {"resource": res, "days": days, "page": page, "form": form},
                  status=status)


@login_required
@require_GET
def my_bookings(request: SignedInRequest) -> HttpResponse:
    past = Paginator(actions.past_for(request.user), 20).get_page(request.GET.get("page"))
    offers = (WaitingEntry.objects.filter(person=request.user, status__in=(WaitingStatus.WAITING,
                                                                           WaitingStatus.OFFERED))
              .select_related("resource", "offered_slot").order_by("day"))
    feed = request.build_absolute_uri(
        _reverse("equeue:feed", token=ics.feed_token(int(request.user.pk or 0))))
    return render(request, "equeue/mine.html", {"upcoming": list(actions.upcoming_for(request.user)), "past": past,
                                                "waiting": list(offers), "feed": feed})


def _reverse(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


@login_required
@require_GET
def booking_detail(request: HromadaRequest, uid: Any) -> HttpResponse:
    booking = _booking(request, uid)
    qr = segno.make(str(booking.uid), error="m").svg_inline(scale=5, title=booking.code)
    can_change = booking.status == BookingStatus.BOOKED and request.user.has_perm("equeue.change_booking", booking)
    move_days: list[Any] = []
    if can_change:
        move_days, _page = _days(request, booking.resource)
    return render(request, "equeue/booking.html", {"booking": booking, "qr": qr, "can_change": can_change,
                                                   "move_days": move_days})


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def booking_ics(request: HromadaRequest, uid: Any) -> HttpResponse:
    booking = _booking(request, uid)
    return _calendar_response(ics.booking_calendar(booking), f"{booking.code}.ics")


@require_GET
def calendar_feed(request: HromadaRequest, token: str) -> HttpResponse:
    """A resident's bookings for calendar applications: no session, the secret token is the key."""
    user_id = ics.user_id_of_token(token)
    if user_id is None:
        raise Http404
    since = timezone.now() - timedelta(days=60)
    rows = (Booking.objects.filter(person_id=user_id, slot__starts_at__gte=since)
            .select_related("slot", "resource__office", "service", "community").order_by("slot__starts_at")[:500])
    response = HttpResponse(ics.feed_calendar(rows, str(request.community.name_uk)),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def cancel(request: HromadaRequest, uid: Any) -> HttpResponse:
    booking = _booking(request, uid)
    try:
        actions.cancel(booking=booking, by=request.user)
    except DomainError as exc:
        return _refused(request, booking, exc)
    messages.success(request, _("The booking is cancelled."))
    return redirect("equeue:booking", uid=booking.uid)


@login_required
@require_POST
def move(request: HromadaRequest, uid: Any) -> HttpResponse:
    booking = _booking(request, uid)
    try:
        slot_id = int(request.POST.get("slot", ""))
    except ValueError:
        return _refused(request, booking, DomainError(_("Choose a new time."), code="bad_slot", field="slot"))
    slot = Slot.objects.filter(pk=slot_id, resource_id=booking.resource_id).first()
    try:
        if slot is None:
            raise DomainError(_("There is no such time to book."), code="not_found", status_code=404)
        new = actions.move(booking=booking, slot=slot, by=request.user)
    except DomainError as exc:
        return _refused(request, booking, exc)
    messages.success(request, _("The booking is moved. Your new booking number is %(code)s.") % {"code": new.code})
    return redirect("equeue:booking", uid=new.uid)


def _refused(request: HromadaRequest, booking: Booking, exc: DomainError) -> HttpResponse:
    qr = segno.make(str(booking.uid), error="m").svg_inline(scale=5, title=booking.code)
    return render(request, "equeue/booking.html", {"booking": booking, "qr": qr, "error": str(exc.detail),
                                                   "can_change": False, "move_days": []},
                  status=exc.status_code)


@login_required
@require_http_methods(["POST"])
def join_waiting_list(request: HromadaRequest, pk: int) -> HttpResponse:
    res = _resource(pk)
    try:
        day = date.fromisoformat(request.POST.get("day", "")[:10])
    except ValueError:
        day = None
    try:
        if day is None:
            raise DomainError(_("Choose a day."), code="bad_day", field="day")
        waiting.join(resource=res, day=day, person=request.user, by=request.user)
    except DomainError as exc:
        days, page = _days(request, res)
        return render(request, "equeue/resource.html", {
            "resource": res, "days": days, "page": page, "wait_error": str(exc.detail),
            "form": BookForm(resource=res, user=request.user, operator=False)}, status=exc.status_code)
    messages.success(request, _("You are on the waiting list. If a place frees, we will offer it to you."))
    return redirect("equeue:mine")


@login_required
@require_POST
def accept_offer(request: SignedInRequest, pk: int) -> HttpResponse:
    entry = WaitingEntry.objects.filter(pk=pk, person=request.user).first()
    if entry is None:
        raise Http404
    try:
        booking = waiting.accept(entry=entry, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("equeue:mine")
    messages.success(request, _("Booked. Your booking number is %(code)s.") % {"code": booking.code})
    return redirect("equeue:booking", uid=booking.uid)
