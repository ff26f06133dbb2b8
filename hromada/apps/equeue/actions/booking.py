"""Booking a slot, cancelling, moving, recording a no-show; an operator's booking on a resident's behalf and
a parent's for a child.

Each action is one durable transaction. A slot's place is taken by one conditional UPDATE
(`booked < capacity`, backed by a CHECK): 0 rows means the slot is full. The booking row is inserted after it;
the partial unique index "one active booking per person (child) per service (resource) per day" refuses a
second one, and the UPDATE rolls back with it (decision 75).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.equeue import workflow
from hromada.apps.equeue.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingStatus,
    Child,
    Resource,
    Slot,
)
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import KYIV, kyiv_date
from hromada.core.cases.actions import apply_transition, forbidden, lock, require
from hromada.core.notifications.services import notify

# How many upcoming bookings a person may hold in a community at once (all resources together).
MAX_UPCOMING_BOOKINGS = 10
BOOKED_SUBJECT = gettext_noop("Booking %(code)s: %(when)s")
BOOKED_BODY = gettext_noop("You are booked: %(resource)s, %(when)s, %(address)s. Booking number %(code)s.\n"
                           "Your booking: %(link)s")
MOVED_BODY = gettext_noop("Your visit is moved: %(resource)s, %(when)s, %(address)s. New booking number "
                          "%(code)s.\n%(link)s")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def taken() -> DomainError:
    return DomainError(_("This time is already taken. Choose another free time."), code="slot_taken",
                       status_code=409)


def already_booked() -> DomainError:
    return DomainError(_("You already have a booking for this service on that day."), code="already_booked",
                       status_code=409)


def booking_link(booking: Booking, view: str = "equeue:booking") -> str:
    """Absolute link to a booking's page (or its .ics) for messages."""
    path = reverse(view, args=[booking.uid], urlconf=settings.COMMUNITY_URLCONF)
    relative = path[len(get_script_prefix()):] if path.startswith(get_script_prefix()) else path.lstrip("/")
    return booking.community.public_url.rstrip("/") + "/" + relative


def when_text(moment: datetime) -> str:
    return formats.date_format(moment.astimezone(KYIV), "DATETIME_FORMAT")


def check_slot(*, community: Any, resource: Resource, slot: Slot, now: datetime) -> None:
    """The refusals that need no lock: another community's resource, a slot not of it, past, not yet open,
    beyond the horizon."""
    if resource.community_id != community.pk or slot.community_id != community.pk:
        raise DomainError(_("This resource belongs to another community."), code="other_community",
                          status_code=404)
    if slot.resource_id != resource.pk:
        raise DomainError(_("This time is not one of this resource's."), code="bad_slot", field="slot")
    if not resource.is_active:
        raise DomainError(_("Booking with this resource is closed."), code="resource_closed", status_code=409)
    if slot.starts_at <= now:
        raise DomainError(_("This time has already passed."), code="slot_past", field="slot", status_code=409)
    if slot.opens_at > now:
        raise DomainError(_("Booking for this day opens %(when)s.") % {"when": when_text(slot.opens_at)},
                          code="not_open_yet", field="slot", status_code=409)
    if kyiv_date(slot.starts_at) > kyiv_date(now) + timedelta(days=resource.horizon_days):
        raise DomainError(_("This day is beyond the booking horizon of %(days)s days.") % {
            "days": resource.horizon_days}, code="beyond_horizon", field="slot", status_code=409)


def _check_service(resource: Resource, service: Any) -> None:
    if service is None:
        return
    window = resource.window
    if service.community_id != resource.community_id or (
            window is not None and not window.services.filter(pk=service.pk).exists()):
        raise DomainError(_("This window does not serve the chosen service."), code="bad_service", field="service")


def tell_person(booking: Booking, *, kind: str, subject: str, body: str, key: str) -> None:
    """An e-mail with the links to the booking and its calendar file, and an SMS (where the person has a
    phone), in the person's language; idempotent by `key`."""
    person = booking.person
    with translation.override(person.preferred_language or "uk"):
        values = {"code": booking.code, "when": when_text(booking.slot.starts_at), "resource": booking.resource.name,
                  "link": booking_link(booking), "ics": booking_link(booking, "equeue:booking_ics"),
                  "address": booking.resource.address}
        title = _(subject) % values
        text = _(body) % values
        text += "\n\n" + _("Add it to your calendar: %(ics)s") % values
        notify(recipient=person, channel="email", kind=kind, subject=title, body=text, community=booking.community,
               idempotency_key=f"{key}-email")
        if person.phone:
            notify(recipient=person, channel="sms", kind=kind, body=f"{title}. {values['link']}",
                   community=booking.community, idempotency_key=f"{key}-sms")


def book(*, resource: Resource, slot: Slot, person: Any, by: Any, service: Any = None, child: Child | None = None,
         community: Any = None, now: datetime | None = None) -> Booking:
    """Book a place in `slot` for `person` (or their `child`), acting as `by` (the person, or an operator on
    their behalf: audited). DomainError: 403 forbidden, 404 another community's, 409 taken / past / not open /
    beyond the horizon / already booked that day / over the limit."""
    community = community or resource.community
    now = now or timezone.now()
    require(by, "equeue.book", community)
    on_behalf = by.pk != person.pk
    if on_behalf:
        require(by, "equeue.book_for_others", community)
    check_slot(community=community, resource=resource, slot=slot, now=now)
    if child is not None and child.parent_id != person.pk:
        raise forbidden(_("This child is not recorded under your account."))
    _check_service(resource, service)
    booking = Booking(community_id=community.pk, code=new_code(), slot=slot, resource=resource,
                      service=service, person=person, child=child, day=kyiv_date(slot.starts_at),
                      created_at=now, created_by=by)
    booking.status = workflow.NEW
    workflow.BOOKING.check(booking, "book")
    booking.status = BookingStatus.BOOKED
    try:
        with transaction.atomic(durable=True):
            # The place first: in a surge most attempts find the slot full and end here, with one statement.
            if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
                raise taken()
            upcoming = Booking.objects.filter(person=person, status__in=ACTIVE_BOOKING_STATUSES,
                                              slot__starts_at__gt=now).count()
            if upcoming >= MAX_UPCOMING_BOOKINGS:  # refused: the raised `booked` rolls back
                raise DomainError(_("You already hold %(count)s upcoming bookings, the most one person may hold. "
                                    "Cancel one to book another.") % {"count": MAX_UPCOMING_BOOKINGS},
                                  code="over_limit", status_code=409)
            booking.save(force_insert=True)
            if on_behalf:
                audit_record(actor=by, action="equeue.book_for", community=community, target=booking,
                             on_behalf_of=person, data={"slot": slot.pk, "code": booking.code})
            tell_person(booking, kind="equeue.booked", key=f"equeue-booked-{booking.uid}",
                        subject=BOOKED_SUBJECT, body=BOOKED_BODY)
    except IntegrityError as exc:
        if "one_a_day" in str(exc):
            raise already_booked() from None
        raise
    slot.booked += 1
    return booking


def find_resident(contact: str) -> Any:
    """The resident an operator books for, by their e-mail or phone; DomainError when there is none."""
    from hromada.apps.accounts.models import User

    contact = (contact or "").strip()
    person = None
    if "@" in contact:
        person = User.objects.filter(email__iexact=contact, is_active=True).first()
    elif contact:
        digits = "".join(ch for ch in contact if ch.isdigit() or ch == "+")
        person = User.objects.filter(phone=digits, is_active=True).first() if digits else None
    if person is None:
        raise DomainError(_("No resident with this e-mail or phone is registered."), code="no_resident",
                          field="contact", status_code=404)
    return person


def _cutoff_check(booking: Booking, now: datetime) -> None:
    if booking.slot.starts_at - timedelta(hours=booking.resource.cutoff_hours) <= now:
        raise DomainError(_("A booking can be cancelled or moved until %(hours)s hours before its time.") % {
            "hours": booking.resource.cutoff_hours}, code="after_cutoff", status_code=409)


def _free_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def cancel(*, booking: Booking, by: Any, now: datetime | None = None, offer: bool = True) -> Booking:
    """Cancel `booking` until the cut-off (staff at any time before it starts); the place goes back to the
    slot and is offered to the waiting list (in the same transaction)."""
    from hromada.apps.equeue.actions import waiting

    now = now or timezone.now()
    staff = by.has_perm("equeue.record_no_show", booking)
    with transaction.atomic(durable=True):
        lock(booking, related=("slot", "resource", "person"))
        workflow.BOOKING.check(booking, "cancel", by)
        if not staff:
            _cutoff_check(booking, now)
        booking.sequence += 1
        apply_transition(booking, workflow.BOOKING, "cancel", by=by, permission_checked=True, cancelled_at=now,
                         sequence=booking.sequence)
        _free_place(booking.slot_id)
        tell_person(booking, kind="equeue.cancelled", key=f"equeue-cancelled-{booking.uid}",
                    subject=gettext_noop("Booking %(code)s cancelled"),
                    body=gettext_noop("Your booking %(code)s (%(resource)s, %(when)s) is cancelled.\n%(link)s"))
        if by.pk != booking.person_id:
            audit_record(actor=by, action="equeue.cancel_for", community=booking.community, target=booking,
                         on_behalf_of=booking.person, data={"code": booking.code})
        if offer and booking.slot.starts_at > now:
            waiting.offer_freed_place(slot_id=booking.slot_id, now=now)
    return booking


def move(*, booking: Booking, slot: Slot, by: Any, now: datetime | None = None) -> Booking:
    """Move `booking` to `slot`: the new booking is made and the old one marked moved, or nothing changes."""
    from hromada.apps.equeue.actions import waiting

    now = now or timezone.now()
    resource = booking.resource
    check_slot(community=booking.community, resource=resource, slot=slot, now=now)
    staff = by.has_perm("equeue.record_no_show", booking)
    if slot.pk == booking.slot_id:
        raise DomainError(_("This is the time you already have."), code="same_slot", field="slot")
    try:
        with transaction.atomic(durable=True):
            lock(booking, related=("slot", "resource", "person"))
            workflow.BOOKING.check(booking, "move", by)
            if not staff:
                _cutoff_check(booking, now)
            # The old booking stops being active first, so the one-a-day index lets the new one in.
            apply_transition(booking, workflow.BOOKING, "move", by=by, permission_checked=True, cancelled_at=now,
                             sequence=booking.sequence + 1)
            _free_place(booking.slot_id)
            if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
                raise taken()
            new = Booking.objects.create(
                community_id=booking.community_id, code=new_code(), slot=slot, resource=resource,
                service=booking.service, person=booking.person, child=booking.child, day=kyiv_date(slot.starts_at),
                created_at=now, created_by=by)
            booking.moved_to = new
            booking.save(update_fields=["moved_to"])
            tell_person(new, kind="equeue.moved", key=f"equeue-moved-{booking.uid}",
                        subject=BOOKED_SUBJECT, body=MOVED_BODY)
            if booking.slot.starts_at > now:
                waiting.offer_freed_place(slot_id=booking.slot_id, now=now)
    except IntegrityError as exc:
        if "one_a_day" in str(exc):
            raise already_booked() from None
        raise
    return new


def record_no_show(*, booking: Booking, by: Any, now: datetime | None = None) -> Booking:
    """An operator records that the person did not come (only once the booked time has begun)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        lock(booking, related=("slot",))
        workflow.BOOKING.check(booking, "no_show", by)
        if booking.slot.starts_at > now:
            raise DomainError(_("A no-show can be recorded only once the booked time has begun."),
                              code="too_early", status_code=409)
        apply_transition(booking, workflow.BOOKING, "no_show", by=by, permission_checked=True)
    return booking


def upcoming_for(person: Any) -> Any:
    return (Booking.objects.filter(person=person, status__in=ACTIVE_BOOKING_STATUSES,
                                   slot__ends_at__gt=timezone.now())
            .select_related("slot", "resource", "service", "child").order_by("slot__starts_at"))


def past_for(person: Any) -> Any:
    now = timezone.now()
    return (Booking.objects.filter(person=person).exclude(status__in=ACTIVE_BOOKING_STATUSES,
                                                          slot__ends_at__gt=now)
            .select_related("slot", "resource", "service", "child").order_by("-slot__starts_at"))
