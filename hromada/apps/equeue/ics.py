"""Bookings as iCalendar (RFC 5545, with the `icalendar` package): one booking's event (`METHOD:REQUEST`, or
`METHOD:CANCEL` with the same UID and a higher SEQUENCE once it is cancelled or moved), and a resident's private
feed of their bookings at a URL carrying a secret token.

Times are written in UTC (`DTSTART:…Z`), which every calendar application reads without a VTIMEZONE.
The feed's token is an HMAC of the person's id (django.core.signing's salted HMAC with the site's secret):
nothing is stored, and it cannot be guessed from the id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event, vCalAddress, vText

from hromada.apps.equeue.models import ACTIVE_BOOKING_STATUSES, Booking

PRODID = "-//Hromada//E-queue//UK"
FEED_SALT = "hromada.equeue.calendar-feed"


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _event(booking: Booking, *, cancelled: bool) -> Event:
    slot = booking.slot
    resource = booking.resource
    event = Event()
    event.add("uid", f"{booking.uid}@hromada")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    event.add("sequence", booking.sequence)
    summary = resource.name_uk if not booking.service else f"{booking.service.name_uk} — {resource.name_uk}"
    event.add("summary", summary)
    location = resource.address or (resource.office.address if resource.office is not None else "")
    if location:
        event.add("location", location)
    event.add("description", f"{booking.code}")
    organizer = vCalAddress(f"mailto:noreply@{booking.community.slug}.hromada")
    organizer.params["cn"] = vText(booking.community.name_uk)
    event.add("organizer", organizer)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def booking_calendar(booking: Booking) -> bytes:
    """The booking's calendar file: a REQUEST while it stands, a CANCEL once cancelled or moved."""
    cancelled = booking.status not in (*ACTIVE_BOOKING_STATUSES, "served", "no_show")
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(_event(booking, cancelled=cancelled))
    return cal.to_ical()


def feed_calendar(bookings: Iterable[Booking], name: str) -> bytes:
    """A resident's feed (no METHOD: a published calendar); cancelled bookings appear as cancelled events."""
    cal = _calendar(None)
    cal.add("x-wr-calname", name)
    for booking in bookings:
        cal.add_component(_event(booking, cancelled=booking.status not in (*ACTIVE_BOOKING_STATUSES, "served",
                                                                           "no_show")))
    return cal.to_ical()


def feed_token(user_id: int) -> str:
    """The secret part of a person's feed URL."""
    return f"{user_id}-{salted_hmac(FEED_SALT, str(user_id), algorithm='sha256').hexdigest()[:32]}"


def user_id_of_token(token: str) -> int | None:
    """The person whose feed `token` opens, or None for a wrong token."""
    pk, _sep, _mac = token.partition("-")
    if not pk.isdigit() or len(pk) > 12:
        return None
    return int(pk) if constant_time_compare(feed_token(int(pk)), token) else None
