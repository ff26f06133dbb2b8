"""The hall's live queue: walk-in tickets, check-in of bookings, calling tickets to windows.

One line per office and day: a walk-in's ticket is placed by its arrival, a checked-in booking by its booked
time (`Ticket.priority_at`), so online bookings and walk-ins meet in the one queue the call display shows.
Each function is one durable transaction; a call writes a `CallEvent` row and is published to the displays
after the commit (hromada.apps.equeue.hall_events).

Decisions (docs/decisions.md): a ticket's letter is the service's at the office (`TicketPrefix`, else "A");
numbers run per office, letter and day from `TicketCounter`, raised in the issuing transaction, so they have
no gaps; a booking checks in on its day at its office from 30 minutes before its time to 15 minutes after
(later it joins the line as a walk-in, at its arrival); a window that names no services serves all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.roles import staff_roles
from hromada.apps.equeue.hall_events import publish
from hromada.apps.equeue.hall_models import DEFAULT_PREFIX, CallEvent, CallKind, TicketPrefix
from hromada.apps.equeue.models import Booking, BookingStatus, Ticket, TicketCounter, TicketStatus, WindowAssignment
from hromada.apps.equeue.workflow import BOOKING, TICKET
from hromada.apps.services.models import Office, Service, Window
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.cases.actions import forbidden, lock

CHECK_IN_EARLY = timedelta(minutes=30)  # a booking checks in from this long before its time …
CHECK_IN_LATE = timedelta(minutes=15)  # … until this long after it; later it joins as a walk-in
DEFAULT_SERVICE_MINUTES = 10  # the expected time at a window before any ticket was served today


@dataclass(frozen=True)
class CheckIn:
    ticket: Ticket
    late: bool  # came after the window: in line by arrival, as a walk-in


def ticket_prefix(office: Office, service: Service | None) -> str:
    if service is None:
        return DEFAULT_PREFIX
    prefix = TicketPrefix.objects.filter(office=office, service=service).values_list("prefix", flat=True).first()
    return prefix or DEFAULT_PREFIX


def _next_serial(office: Office, day: Any, prefix: str) -> int:
    """The next number of the office's letter on the day. The counter row's UPDATE holds its lock until the
    issuing transaction ends, so parallel tickets get consecutive numbers and a failed one leaves no gap."""
    counter, _created = TicketCounter.objects.get_or_create(office=office, day=day, prefix=prefix,
                                                           defaults={"community_id": office.community_id})
    TicketCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return TicketCounter.objects.values_list("last", flat=True).get(pk=counter.pk)


def _served_at(office: Office, service: Service) -> bool:
    """Whether some active window of the office serves `service` (a window naming none serves all)."""
    windows = Window.objects.filter(office=office, is_active=True)
    return windows.filter(Q(services=service) | Q(services__isnull=True)).exists()


def _check_office(office: Office) -> None:
    if not office.is_active:
        raise DomainError(_("This office does not take visitors now."), code="office_closed", status_code=409)


def _new_ticket(*, office: Office, service: Service | None, priority_at: datetime, now: datetime,
                booking: Booking | None = None) -> Ticket:
    day = kyiv_date(now)
    prefix = ticket_prefix(office, service)
    TICKET.check(Ticket(status=""), "issue")
    return Ticket.objects.create(community_id=office.community_id, office=office, day=day, prefix=prefix,
                                 serial=_next_serial(office, day, prefix), service=service, booking=booking,
                                 priority_at=priority_at, issued_at=now)


def issue_ticket(*, office: Office, service: Service | None = None, now: datetime | None = None) -> Ticket:
    """A walk-in's ticket at `office` for `service` (None: whatever the first free window gives). Who may
    ask (a kiosk, a receptionist) is the caller's check."""
    now = now or timezone.now()
    _check_office(office)
    if service is not None and not _served_at(office, service):
        raise DomainError(_("This service is not provided at this office."), code="service_not_here",
                          field="service")
    with transaction.atomic(durable=True):
        return _new_ticket(office=office, service=service, priority_at=now, now=now)


def find_booking(*, code: str = "", phone_digits: str = "", uid: Any = None) -> Booking:
    """The booking a kiosk is shown: its QR (the booking's secret uid), or its number with the last four
    digits of the booker's phone. Both wrong and unknown get the same answer (no probing of numbers)."""
    not_found = DomainError(_("No booking matches this number and phone."), code="booking_not_found",
                            status_code=404)
    query = Booking.objects.select_related("resource", "resource__office", "person", "service")
    if uid is not None:
        booking = query.filter(uid=uid).first()
        if booking is None:
            raise not_found
        return booking
    digits = "".join(ch for ch in phone_digits if ch.isdigit())
    booking = query.filter(code=code.strip().upper()).first() if code.strip() else None
    phone = "".join(ch for ch in (booking.person.phone if booking else "") if ch.isdigit())
    if booking is None or len(digits) != 4 or len(phone) < 4 or not phone.endswith(digits):
        raise not_found
    return booking


def find_booking_for(*, user: Any, code: str) -> Booking:
    """The booking `code` for a signed-in person who may check it in (their own, or any for an operator)."""
    booking = (Booking.objects.select_related("resource", "resource__office", "person", "service")
               .filter(code=code.strip().upper()).first())
    if booking is None or not user.has_perm("equeue.check_in", booking):
        raise DomainError(_("No booking of yours has this number."), code="booking_not_found", status_code=404)
    return booking


def check_in(*, booking: Booking, office: Office, by: Any = None, proven: bool = False,
             now: datetime | None = None) -> CheckIn:
    """Put `booking` into `office`'s line. `proven`: the caller was shown the booking's QR or its number with
    the phone's last digits (a kiosk); otherwise `by` must be the booking's person or an operator."""
    now = now or timezone.now()
    if not proven and (by is None or not by.has_perm("equeue.check_in", booking)):
        raise forbidden(_("Only the person who booked, or an operator, can check this booking in."))
    resource_office = booking.resource.office_id
    if resource_office != office.pk:
        raise DomainError(_("This booking is for another office."), code="wrong_office", status_code=409)
    _check_office(office)
    if booking.day != kyiv_date(now):
        raise DomainError(_("This booking is for %(day)s; check in on that day.")
                          % {"day": booking.day.strftime("%d.%m.%Y")}, code="wrong_day", status_code=409)
    with transaction.atomic(durable=True):
        locked = lock(booking)
        BOOKING.check(locked, "check_in")  # the state (checked in already, cancelled, …); permission above
        starts = locked.slot.starts_at
        if now < starts - CHECK_IN_EARLY:
            opens = timezone.localtime(starts - CHECK_IN_EARLY).strftime("%H:%M")
            raise DomainError(_("It is too early to check in: come back from %(time)s.") % {"time": opens},
                              code="too_early", status_code=409)
        late = now > starts + CHECK_IN_LATE
        ticket = _new_ticket(office=office, service=locked.service, priority_at=now if late else starts,
                             now=now, booking=locked)
        locked.status = BookingStatus.CHECKED_IN
        locked.save(update_fields=["status"])
        booking.status = locked.status
    return CheckIn(ticket=ticket, late=late)


def works_at(user: Any, window: Window) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if staff_roles(user, window.community_id).every_role:
        return True
    return WindowAssignment.objects.filter(window=window, user_id=user.pk).exists()


def _require_window(user: Any, window: Window) -> None:
    if not works_at(user, window):
        raise forbidden(_("You are not assigned to this window."))


def current_ticket(window: Window, day: Any = None) -> Ticket | None:
    """The ticket called to the window and not yet finished."""
    return (Ticket.objects.filter(window=window, status=TicketStatus.CALLED, day=day or kyiv_date(timezone.now()))
            .order_by("-called_at").first())


def line_for(window: Window, day: Any = None) -> Any:
    """The tickets this window may call, in the order it calls them."""
    day = day or kyiv_date(timezone.now())
    waiting = Q(status=TicketStatus.WAITING)
    services = list(window.services.values_list("pk", flat=True))
    if services:
        waiting &= Q(service__isnull=True) | Q(service__in=services)
    return (Ticket.objects.filter(office_id=window.office_id, day=day)
            .filter(waiting | Q(status=TicketStatus.REDIRECTED, window=window))
            .order_by("priority_at", "id"))


def _on_commit_publish(event: CallEvent) -> None:
    transaction.on_commit(lambda: publish(event))


def call_next(*, window: Window, by: Any, now: datetime | None = None) -> Ticket | None:
    """Call the next ticket of the window's line (None: nobody waits). Two windows calling at once never
    get the same ticket: the row is taken with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite writes
    one at a time anyway)."""
    now = now or timezone.now()
    _require_window(by, window)
    if not window.is_active:
        raise DomainError(_("This window is closed."), code="window_closed", status_code=409)
    with transaction.atomic(durable=True):
        if current_ticket(window, kyiv_date(now)) is not None:
            raise DomainError(_("Finish the current ticket first: served, sent to another window or did not "
                                "come up."), code="ticket_open", status_code=409)
        line = line_for(window, kyiv_date(now))
        if connection.features.has_select_for_update_skip_locked:
            line = line.select_for_update(skip_locked=True, of=("self",))
        ticket = line.first()
        if ticket is None:
            return None
        ticket.window = window  # the permission asks about the window the ticket is called to
        TICKET.check(ticket, "call", by)
        ticket.status = TicketStatus.CALLED
        ticket.called_at = ticket.called_at or now  # the first call ends the wait (statistics)
        ticket.calls = F("calls") + 1
        ticket.called_by = by
        ticket.save(update_fields=["window", "status", "called_at", "calls", "called_by"])
        ticket.refresh_from_db(fields=["calls"])
        event = CallEvent.objects.create(community_id=ticket.community_id, office_id=ticket.office_id,
                                         ticket=ticket, window=window, kind=CallKind.CALL, at=now)
        _on_commit_publish(event)
    return ticket


def _step(ticket: Ticket, window: Window, by: Any, name: str) -> Ticket:
    """`ticket` locked, checked for step `name` at `window` (call inside the transaction)."""
    _require_window(by, window)
    locked = lock(ticket)
    if locked.window_id != window.pk:
        raise DomainError(_("This ticket is not at your window."), code="not_this_window", status_code=409)
    TICKET.check(locked, name, by)
    return locked


def recall(*, ticket: Ticket, window: Window, by: Any, now: datetime | None = None) -> Ticket:
    """Call the window's current ticket again (the display shows and sounds it again)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = _step(ticket, window, by, "recall")
        locked.calls += 1
        locked.save(update_fields=["calls"])
        event = CallEvent.objects.create(community_id=locked.community_id, office_id=locked.office_id,
                                         ticket=locked, window=window, kind=CallKind.RECALL, at=now)
        _on_commit_publish(event)
    return locked


def served(*, ticket: Ticket, window: Window, by: Any, service: Service | None = None,
           now: datetime | None = None) -> Ticket:
    """The person was served (`service`: what was actually given; the ticket's own when None). A booking's
    ticket serves the booking too."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = _step(ticket, window, by, "serve")
        given = service or (Service.objects.filter(pk=locked.service_id).first() if locked.service_id else None)
        locked.status = TicketStatus.SERVED
        locked.finished_at = now
        locked.served_service = given
        locked.save(update_fields=["status", "finished_at", "served_service"])
        if locked.booking_id:
            booking = lock(Booking.objects.get(pk=locked.booking_id))
            if booking.status == BookingStatus.CHECKED_IN:
                BOOKING.check(booking, "serve")
                booking.status = BookingStatus.SERVED
                booking.save(update_fields=["status"])
    return locked


def redirect(*, ticket: Ticket, window: Window, to_window: Window, by: Any) -> Ticket:
    """Send the current ticket to another window of the office: it is first in that window's line (it keeps
    its place by time)."""
    if to_window.office_id != window.office_id or to_window.pk == window.pk or not to_window.is_active:
        raise DomainError(_("Choose another open window of this office."), code="bad_window", field="to_window")
    with transaction.atomic(durable=True):
        locked = _step(ticket, window, by, "redirect")
        locked.status = TicketStatus.REDIRECTED
        locked.window = to_window
        locked.save(update_fields=["status", "window"])
    return locked


def absent(*, ticket: Ticket, window: Window, by: Any, now: datetime | None = None) -> Ticket:
    """The called person did not come up: the ticket leaves the line (a no-show in the statistics)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = _step(ticket, window, by, "absent")
        locked.status = TicketStatus.ABSENT
        locked.finished_at = now
        locked.save(update_fields=["status", "finished_at"])
    return locked


def waiting_count(office: Office, day: Any = None) -> int:
    day = day or kyiv_date(timezone.now())
    return Ticket.objects.filter(office=office, day=day,
                                 status__in=[TicketStatus.WAITING, TicketStatus.REDIRECTED]).count()


def position(ticket: Ticket) -> int | None:
    """How many tickets are before this one in the office's line (None: no longer waiting)."""
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.REDIRECTED):
        return None
    before = Q(priority_at__lt=ticket.priority_at) | Q(priority_at=ticket.priority_at, id__lt=ticket.pk)
    return Ticket.objects.filter(office_id=ticket.office_id, day=ticket.day,
                                 status__in=[TicketStatus.WAITING, TicketStatus.REDIRECTED]).filter(before).count()


def expected_wait_minutes(office: Office, *, ahead: int | None = None, now: datetime | None = None) -> int:
    """The expected wait for a new ticket: the people ahead times today's average time at a window (10
    minutes before anyone was served), shared by the windows working now (called someone in the last hour,
    or assigned; at least one)."""
    now = now or timezone.now()
    day = kyiv_date(now)
    ahead = waiting_count(office, day) if ahead is None else ahead
    if ahead == 0:
        return 0
    spans = [(finished - called).total_seconds() for called, finished in Ticket.objects.filter(
        office=office, day=day, status=TicketStatus.SERVED, called_at__isnull=False, finished_at__isnull=False,
    ).values_list("called_at", "finished_at")[:500] if called and finished]
    minutes = sum(spans) / len(spans) / 60 if spans else DEFAULT_SERVICE_MINUTES
    working = (CallEvent.objects.filter(office=office, at__gte=now - timedelta(hours=1))
               .values("window").distinct().count())
    if not working:
        working = WindowAssignment.objects.filter(window__office=office, window__is_active=True).values(
            "window").distinct().count()
    return math.ceil(ahead * max(minutes, 1) / max(working, 1))
