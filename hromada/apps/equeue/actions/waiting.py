"""The waiting list of a resource for a day: join it; a freed place is offered to the first person waiting
and held for them (the slot's `booked` counts it) for `OFFER_MINUTES`; they accept within it, or the offer
passes to the next person (a periodic task), or, with nobody left, the place is freed.

Entries are taken in order with `SELECT … FOR UPDATE SKIP LOCKED`, so two freed places never go to the same
person and a cancellation racing an expiry neither loses nor doubles a place.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.equeue.actions.booking import (
    BOOKED_BODY,
    BOOKED_SUBJECT,
    already_booked,
    new_code,
    tell_person,
    when_text,
)
from hromada.apps.equeue.models import (
    Booking,
    Child,
    Resource,
    Slot,
    WaitingEntry,
    WaitingStatus,
)
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.cases.actions import forbidden, require
from hromada.core.notifications.services import notify

OFFER_MINUTES = 30


def join(*, resource: Resource, day: date, person: Any, by: Any, service: Any = None, child: Child | None = None,
         now: datetime | None = None) -> WaitingEntry:
    """Put `person` (or their child) on the waiting list of `resource` for `day`."""
    now = now or timezone.now()
    require(by, "equeue.book", resource.community)
    if by.pk != person.pk:
        require(by, "equeue.book_for_others", resource.community)
    if child is not None and child.parent_id != person.pk:
        raise forbidden(_("This child is not recorded under your account."))
    today = kyiv_date(now)
    if day < today:
        raise DomainError(_("This day has already passed."), code="day_past", field="day", status_code=409)
    if day > today + timedelta(days=resource.horizon_days):
        raise DomainError(_("This day is beyond the booking horizon of %(days)s days.") % {
            "days": resource.horizon_days}, code="beyond_horizon", field="day", status_code=409)
    try:
        with transaction.atomic(durable=True):
            return WaitingEntry.objects.create(community_id=resource.community_id, resource=resource, day=day,
                                               person=person, child=child, service=service, created_at=now)
    except IntegrityError:
        raise DomainError(_("You are already on the waiting list for that day."), code="already_waiting",
                          status_code=409) from None


def _next_waiting(resource_id: int, day: date) -> WaitingEntry | None:
    return (WaitingEntry.objects.select_for_update(skip_locked=True)
            .filter(resource_id=resource_id, day=day, status=WaitingStatus.WAITING)
            .order_by("created_at", "id").first())


def _offer(entry: WaitingEntry, slot: Slot, now: datetime) -> None:
    entry.status = WaitingStatus.OFFERED
    entry.offered_slot = slot
    entry.offered_until = now + timedelta(minutes=OFFER_MINUTES)
    entry.save(update_fields=["status", "offered_slot", "offered_until"])
    person = entry.person
    from django.utils import translation

    with translation.override(person.preferred_language or "uk"):
        text = _("A place is free: %(resource)s, %(when)s. It is held for you until %(until)s; accept it in "
                 "your bookings.") % {"resource": slot.resource.name, "when": when_text(slot.starts_at),
                                      "until": when_text(entry.offered_until)}
        for channel in ("email", "sms"):
            notify(recipient=person, channel=channel, kind="equeue.offer", subject=_("A place is free"), body=text,
                   community=slot.resource.community, idempotency_key=f"equeue-offer-{entry.pk}-{slot.pk}-{channel}")


def offer_freed_place(*, slot_id: int, now: datetime) -> WaitingEntry | None:
    """Inside the transaction that freed a place of slot `slot_id`: hold it for the first person waiting for
    that resource and day (the slot's `booked` is raised again for them). None when nobody waits or the place
    was taken meanwhile."""
    slot = Slot.objects.select_related("resource__community").get(pk=slot_id)
    entry = _next_waiting(slot.resource_id, kyiv_date(slot.starts_at))
    if entry is None:
        return None
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        return None  # taken by a booking in between
    _offer(entry, slot, now)
    return entry


def accept(*, entry: WaitingEntry, by: Any, now: datetime | None = None) -> Booking:
    """Accept the offered place within the time limit: it becomes a booking."""
    now = now or timezone.now()
    if entry.person_id != by.pk:
        raise forbidden()
    try:
        with transaction.atomic(durable=True):
            entry = WaitingEntry.objects.select_for_update().select_related("offered_slot", "resource").get(
                pk=entry.pk)
            if entry.status != WaitingStatus.OFFERED or entry.offered_slot is None:
                raise DomainError(_("There is no place offered to you here."), code="no_offer", status_code=409)
            if entry.offered_until is None or entry.offered_until <= now:
                raise DomainError(_("The time to accept this place has run out."), code="offer_expired",
                                  status_code=409)
            slot = entry.offered_slot
            booking = Booking.objects.create(
                community_id=entry.community_id, code=new_code(), slot=slot, resource=entry.resource,
                service=entry.service, person_id=entry.person_id, child=entry.child, day=kyiv_date(slot.starts_at),
                created_at=now, created_by=by)  # the place is already held in `booked`
            entry.status = WaitingStatus.ACCEPTED
            entry.booking = booking
            entry.save(update_fields=["status", "booking"])
            tell_person(booking, kind="equeue.booked", key=f"equeue-booked-{booking.uid}",
                        subject=BOOKED_SUBJECT, body=BOOKED_BODY)
    except IntegrityError as exc:
        if "one_a_day" in str(exc):
            raise already_booked() from None
        raise
    return booking


def leave(*, entry: WaitingEntry, by: Any, now: datetime | None = None) -> WaitingEntry:
    """Leave the list; a place held for the person passes on."""
    now = now or timezone.now()
    if entry.person_id != by.pk:
        raise forbidden()
    with transaction.atomic(durable=True):
        entry = WaitingEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in (WaitingStatus.WAITING, WaitingStatus.OFFERED):
            raise DomainError(_("You are not on this waiting list."), code="not_waiting", status_code=409)
        held = entry.offered_slot_id if entry.status == WaitingStatus.OFFERED else None
        entry.status = WaitingStatus.CANCELLED
        entry.save(update_fields=["status"])
        if held is not None:
            _pass_on(held, now)
    return entry


def _pass_on(slot_id: int, now: datetime) -> None:
    """A held place whose offer ended: offer it to the next person, or free it."""
    slot = Slot.objects.select_related("resource__community").get(pk=slot_id)
    nxt = _next_waiting(slot.resource_id, kyiv_date(slot.starts_at)) if slot.starts_at > now else None
    if nxt is not None:
        _offer(nxt, slot, now)  # the place stays held
    else:
        Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def expire_offers(now: datetime | None = None) -> int:
    """End the offers whose time ran out, passing each held place on. Returns how many ended."""
    now = now or timezone.now()
    ended = 0
    while True:
        with transaction.atomic():
            entry = (WaitingEntry.objects.select_for_update(skip_locked=True)
                     .filter(status=WaitingStatus.OFFERED, offered_until__lte=now).order_by("offered_until").first())
            if entry is None:
                return ended
            entry.status = WaitingStatus.EXPIRED
            entry.save(update_fields=["status"])
            if entry.offered_slot_id is not None:
                _pass_on(entry.offered_slot_id, now)
            ended += 1
