"""The hall: the ticket kiosk, check-in, the call display and its stream, waiting times, a resident's ticket,
the operator's panel and the controller's statistics.

Kiosks (decision in docs/decisions.md): anyone may take a walk-in ticket at the hall's kiosk page without
signing in, counted per address (a kiosk is one address: 120 tickets an hour by default); an operator at
reception is not counted. Check-in of a booking at the kiosk needs its QR (the booking's secret uid) or its
number with the last four digits of the booker's phone; a signed-in person or an operator needs only the number.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hromada.apps.equeue import hall_events, hall_statistics, hall_stream
from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.hall_forms import CheckInForm, RedirectForm, ServedForm
from hromada.apps.equeue.models import Ticket, WindowAssignment
from hromada.apps.services.models import Office, Service, Window
from hromada.core import charts, ratelimit
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.http import HromadaRequest, SignedInRequest
from hromada.core.inputs import INT_MAX, bounded_int
from hromada.core.permissions import per_request, permission_required
from hromada.core.streaming import ScopedStreamingResponse

KIOSK_TICKETS_PER_HOUR = 120


@per_request
def office_of(request: HromadaRequest, office: str, **_kwargs: Any) -> Office:
    found = Office.objects.filter(code=office, is_active=True).first()
    if found is None:
        raise Http404
    return found


def _offered_services(office: Office) -> list[Service]:
    windows = Window.objects.filter(office=office, is_active=True).prefetch_related("services")
    services: dict[int, Service] = {}
    for window in windows:
        named = list(window.services.all())
        if not named:  # a window serving every service: the ones the office offers
            named = list(Service.objects.filter(offices=office))
        for service in named:
            services[service.pk] = service
    return sorted(services.values(), key=lambda s: s.name)


@require_http_methods(["GET", "POST"])
def ticket_page(request: HromadaRequest, office: str) -> HttpResponse:
    place = office_of(request, office)
    services = _offered_services(place)
    context: dict[str, Any] = {"office": place, "services": services}
    if request.method == "POST":
        service = None
        if request.POST.get("service"):
            pk = bounded_int(request.POST.get("service"), minimum=1)
            service = next((s for s in services if s.pk == pk), None)
            if service is None:
                context["error"] = _("Choose a service from the list.")
                return render(request, "equeue/hall/ticket_page.html", context, status=400)
        try:
            if not request.user.has_perm("equeue.issue_ticket", request.community):
                ratelimit.check([(f"equeue.kiosk.{place.pk}", ratelimit.client_address(request.META),
                                  ratelimit.per_hour(KIOSK_TICKETS_PER_HOUR))])
            ticket = tickets.issue_ticket(office=place, service=service)
        except DomainError as exc:
            context["error"] = str(exc.detail)
            return render(request, "equeue/hall/ticket_page.html", context, status=exc.status_code)
        return redirect("equeue:ticket", pk=ticket.pk)
    return render(request, "equeue/hall/ticket_page.html", context)


@require_http_methods(["GET", "POST"])
def check_in(request: HromadaRequest, office: str) -> HttpResponse:
    place = office_of(request, office)
    signed_in = request.user.is_authenticated
    form = CheckInForm(request.POST or None, needs_phone=not signed_in)
    context: dict[str, Any] = {"office": place, "form": form, "uid": request.GET.get("booking", "")}
    if request.method != "POST":
        return render(request, "equeue/hall/check_in.html", context)
    try:
        uid = request.POST.get("uid", "").strip()
        if uid:
            booking = tickets.find_booking(uid=_uuid(uid))
            result = tickets.check_in(booking=booking, office=place, proven=True)
        elif form.is_valid():
            data = form.cleaned_data
            ratelimit.check([(f"equeue.check_in.{place.pk}", ratelimit.client_address(request.META),
                              ratelimit.per_hour(KIOSK_TICKETS_PER_HOUR))])
            if data["phone"]:
                booking = tickets.find_booking(code=data["code"], phone_digits=data["phone"])
                result = tickets.check_in(booking=booking, office=place, proven=True)
            else:
                booking = tickets.find_booking_for(user=request.user, code=data["code"])
                result = tickets.check_in(booking=booking, office=place, by=request.user)
        else:
            return render(request, "equeue/hall/check_in.html", context, status=400)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return render(request, "equeue/hall/check_in.html", context, status=exc.status_code)
    if result.late:
        messages.warning(request, _("You came after your time, so you are in the line as a walk-in, from now."))
    else:
        messages.success(request, _("You are checked in. Watch the screen for your number."))
    return redirect("equeue:ticket", pk=result.ticket.pk)


def _uuid(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise DomainError(_("No booking matches this number and phone."), code="booking_not_found",
                          status_code=404) from None


@require_GET
def display(request: HromadaRequest, office: str) -> HttpResponse:
    place = office_of(request, office)
    return render(request, "equeue/hall/display.html", {"office": place, "state": hall_events.display_state(place)})


@never_cache
@require_GET
def display_state(request: HromadaRequest, office: str) -> JsonResponse:
    """The display's state as JSON: the fallback of a browser without a stream, polled every few seconds."""
    place = office_of(request, office)
    return JsonResponse(hall_events.display_state(place), json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def display_events(request: HromadaRequest, office: str) -> StreamingHttpResponse:
    """The office's calls as server-sent events; see hromada.apps.equeue.hall_stream."""
    place = office_of(request, office)
    resumed = request.headers.get("Last-Event-ID") or request.GET.get("after")
    last_id = bounded_int(resumed, minimum=0) if resumed else None
    state = None
    if last_id is None:
        state = hall_events.display_state(place)
        last_id = state["last_id"]
    head = hall_stream.opening(state)
    response: StreamingHttpResponse
    if isinstance(request, ASGIRequest):
        # The stream waits in the event loop; the database connection of this request's thread would stay
        # open (and count against max_connections) until the stream ends, so it is given back now.
        connections.close_all()
        response = StreamingHttpResponse(hall_stream.async_stream(
            community_id=place.community_id, office_id=place.pk, last_id=last_id, head=head),
            content_type="text/event-stream")
    else:
        response = ScopedStreamingResponse(hall_stream.sync_stream(
            community_id=place.community_id, office_id=place.pk, last_id=last_id, head=head),
            content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # a buffering proxy would hold the calls back
    return response


@require_GET
def waiting_time(request: HromadaRequest, office: str) -> HttpResponse:
    place = office_of(request, office)
    figures = {"office": place.code, "waiting": tickets.waiting_count(place),
               "wait_minutes": tickets.expected_wait_minutes(place)}
    if request.GET.get("format") == "json":
        return JsonResponse(figures)
    return render(request, "equeue/hall/waiting_time.html", {**figures, "office": place})


@require_GET
def ticket_detail(request: HromadaRequest, pk: int) -> HttpResponse:
    """A resident's ticket: its number, place in the line and the expected wait (no personal data)."""
    query = Ticket.objects.select_related("office", "window", "service")
    ticket = query.filter(pk=pk).first() if pk <= INT_MAX else None
    if ticket is None:
        raise Http404
    ahead = tickets.position(ticket)
    wait = tickets.expected_wait_minutes(ticket.office, ahead=ahead) if ahead is not None else None
    return render(request, "equeue/hall/ticket.html", {"ticket": ticket, "ahead": ahead, "wait": wait,
                                                       "office": ticket.office})


def _my_windows(user: Any, community: Any) -> list[Window]:
    from hromada.apps.accounts.roles import staff_roles

    query = Window.objects.filter(is_active=True).select_related("office").order_by("office__name_uk", "number")
    if not staff_roles(user, community).every_role:
        query = query.filter(pk__in=WindowAssignment.objects.filter(user=user).values("window_id"))
    return list(query)


@permission_required("equeue.use_panel")
def panel(request: SignedInRequest) -> HttpResponse:
    rows = []
    for window in _my_windows(request.user, request.community):
        current = tickets.current_ticket(window)
        rows.append({"window": window, "current": current, "line": list(tickets.line_for(window)[:10]),
                     "waiting": tickets.line_for(window).count(),
                     "served_form": ServedForm(window=window, prefix=f"w{window.pk}"),
                     "redirect_form": RedirectForm(window=window, prefix=f"w{window.pk}")})
    return render(request, "equeue/hall/panel.html", {"rows": rows})


PANEL_STEPS = ("call-next", "recall", "served", "redirect", "absent")


@require_POST
@permission_required("equeue.use_panel")
def panel_step(request: SignedInRequest, window: int, step: str) -> HttpResponse:
    place = Window.objects.select_related("office").filter(pk=window).first() if window <= INT_MAX else None
    if place is None or step not in PANEL_STEPS:
        raise Http404
    if not tickets.works_at(request.user, place):
        raise PermissionDenied(_("You are not assigned to this window."))
    try:
        message = _step(request, place, step)
    except DomainError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(str(exc.detail)) from exc
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, message)
    return redirect("equeue:panel")


def _step(request: SignedInRequest, window: Window, step: str) -> str:
    user = request.user
    if step == "call-next":
        called = tickets.call_next(window=window, by=user)
        return (_("Called %(number)s to window %(window)s.") % {"number": called.number, "window": window.number}
                if called else _("Nobody is waiting for this window."))
    current = tickets.current_ticket(window)
    if current is None:
        raise DomainError(_("No ticket is called to this window."), code="no_ticket", status_code=409)
    if step == "recall":
        tickets.recall(ticket=current, window=window, by=user)
        return _("Called %(number)s again.") % {"number": current.number}
    if step == "absent":
        tickets.absent(ticket=current, window=window, by=user)
        return _("%(number)s did not come up.") % {"number": current.number}
    if step == "served":
        form = ServedForm(request.POST, window=window, prefix=f"w{window.pk}")
        if not form.is_valid():
            raise DomainError(_("Choose a service from the list."), code="invalid", field="service")
        tickets.served(ticket=current, window=window, by=user, service=form.cleaned_data["service"])
        return _("%(number)s is served.") % {"number": current.number}
    redirect_form = RedirectForm(request.POST, window=window, prefix=f"w{window.pk}")
    if not redirect_form.is_valid():
        raise DomainError(_("Choose another open window of this office."), code="bad_window", field="to_window")
    target = redirect_form.cleaned_data["to_window"]
    tickets.redirect(ticket=current, window=window, to_window=target, by=user)
    return _("%(number)s is sent to window %(window)s.") % {"number": current.number, "window": target.number}


def _period(request: HttpRequest) -> tuple[date, date]:
    today = kyiv_date(timezone.now())
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = today - timedelta(days=6)
    try:
        last = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        last = today
    if first > last:
        first, last = last, first
    return max(first, last - timedelta(days=366)), last


@permission_required("equeue.view_statistics")
def statistics(request: SignedInRequest) -> HttpResponse:
    first, last = _period(request)
    offices = list(Office.objects.filter(is_active=True).order_by("name_uk"))
    office_id = bounded_int(request.GET.get("office"), minimum=1)
    office_ids = [office_id] if office_id else None
    sections = []
    titles = {"window": _("By window"), "service": _("By service"), "day": _("By day")}
    for grouping in hall_statistics.GROUPINGS:
        rows = hall_statistics.statistics(grouping, first=first, last=last, office_ids=office_ids)
        chart = charts.bar_chart(
            chart_id=f"queue-{grouping}", title=_("Average wait and service, minutes: %(by)s")
            % {"by": titles[grouping].lower()},
            description=_("Average minutes from the ticket to the call, and at the window."),
            categories=[row.label for row in rows],
            series=[charts.Series(_("Wait"), [row.average_wait or 0 for row in rows]),
                    charts.Series(_("Service"), [row.average_service or 0 for row in rows])],
            category_label=titles[grouping], value_label=_("minutes"))
        sections.append({"grouping": grouping, "title": titles[grouping], "rows": rows, "chart": chart})
    return render(request, "equeue/hall/statistics.html", {
        "sections": sections, "first": first, "last": last, "offices": offices, "office_id": office_id})


