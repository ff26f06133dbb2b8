"""Races on PostgreSQL: no slot over its capacity, one booking a person a service a day, and no place lost or
doubled when a cancellation and the waiting list's offers run at once, however many requests arrive together."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.test import Client

from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.actions import waiting
from hromada.apps.equeue.models import Booking, BookingStatus, Slot, WaitingEntry, WaitingStatus
from hromada.apps.equeue.tests.booking_world import slot_at, tomorrow_at
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.testing import factories
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE

API = "/c/kyiv/api/v1/queue/bookings/"


def test_thirty_requests_for_three_places_book_exactly_three(bworld):
    w = bworld
    with tenancy.scope(w.community):
        slot = slot_at(w.group, tomorrow_at(10), capacity=3)
    people = [factories.make_user(community=w.community) for _ in range(30)]

    def attempt(person):
        def call() -> int:
            client = Client()
            client.force_login(person)
            return client.post(API, {"slot": slot.pk}, content_type="application/json").status_code
        return call

    outcomes = Counter(run_together([attempt(p) for p in people]))
    assert outcomes == Counter({201: 3, 409: 27}), outcomes
    with tenancy.scope(w.community):
        slot.refresh_from_db()
        assert slot.booked == 3 == Booking.objects.filter(slot=slot, status=BookingStatus.BOOKED).count()


def test_one_person_ten_requests_for_one_service_on_one_day_make_one_booking(bworld):
    w = bworld
    with tenancy.scope(w.community):
        slots = [slot_at(w.window_resource, tomorrow_at(9) + timedelta(minutes=15 * n)) for n in range(10)]

    def attempt(slot):
        def call() -> str:
            with tenancy.scope(w.community):
                fresh = Slot.objects.select_related("resource").get(pk=slot.pk)
                try:
                    actions.book(resource=fresh.resource, slot=fresh, person=w.resident, by=w.resident,
                                 service=w.passport)
                except DomainError as exc:
                    return exc.code
                return "booked"
        return call

    outcomes = Counter(run_together([attempt(s) for s in slots]))
    assert outcomes == Counter({"booked": 1, "already_booked": 9}), outcomes
    with tenancy.scope(w.community):
        assert Booking.objects.filter(person=w.resident).count() == 1
        assert sum(Slot.objects.filter(resource=w.window_resource).values_list("booked", flat=True)) == 1


def test_cancellations_and_offers_at_once_lose_or_double_no_place(bworld):
    w = bworld
    holders = [factories.make_user(community=w.community) for _ in range(6)]
    waiters = [factories.make_user(community=w.community) for _ in range(4)]
    with tenancy.scope(w.community):
        slot = slot_at(w.group, tomorrow_at(10), capacity=6)
        bookings = [actions.book(resource=w.group, slot=slot, person=p, by=p) for p in holders]
        for p in waiters:
            waiting.join(resource=w.group, day=tomorrow_at(10).date(), person=p, by=p)

    def cancel(booking):
        def call() -> str:
            with tenancy.scope(w.community):
                actions.cancel(booking=Booking.objects.get(pk=booking.pk), by=booking.person)
            return "cancelled"
        return call

    def expire():
        with tenancy.scope(w.community):
            return f"expired {waiting.expire_offers()}"

    outcomes = run_together([cancel(b) for b in bookings] + [expire, expire])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    with tenancy.scope(w.community):
        slot.refresh_from_db()
        offered = WaitingEntry.objects.filter(status=WaitingStatus.OFFERED).count()
        active = Booking.objects.filter(slot=slot, status=BookingStatus.BOOKED).count()
        # Six places freed, four offered (each to a different person, each held once), two free again.
        assert offered == 4
        assert WaitingEntry.objects.filter(status=WaitingStatus.OFFERED).values("person").distinct().count() == 4
        assert active == 0 and slot.booked == offered
