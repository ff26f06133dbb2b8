from datetime import timedelta

import pytest
from django.utils import timezone

from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.actions import waiting
from hromada.apps.equeue.models import BookingStatus, WaitingStatus
from hromada.apps.equeue.tests.booking_world import slot_at, tomorrow_at
from hromada.core.api.errors import DomainError
from hromada.core.notifications.models import Message
from hromada.testing import factories


def test_a_freed_place_is_held_for_the_first_waiting_and_accepted(bscoped):
    w = bscoped
    slot = slot_at(w.doctor, tomorrow_at(9))
    first, second = factories.make_user(community=w.community), factories.make_user(community=w.community)
    booking = actions.book(resource=w.doctor, slot=slot, person=w.resident, by=w.resident)
    day = tomorrow_at(9).date()
    e1 = waiting.join(resource=w.doctor, day=day, person=first, by=first)
    e2 = waiting.join(resource=w.doctor, day=day, person=second, by=second)
    with pytest.raises(DomainError) as twice:
        waiting.join(resource=w.doctor, day=day, person=first, by=first)
    assert twice.value.code == "already_waiting"
    actions.cancel(booking=booking, by=w.resident)
    e1.refresh_from_db()
    e2.refresh_from_db()
    slot.refresh_from_db()
    assert e1.status == WaitingStatus.OFFERED and e2.status == WaitingStatus.WAITING
    assert slot.booked == 1  # held for the offer
    assert Message.objects.filter(kind="equeue.offer", recipient=first).exists()
    new = waiting.accept(entry=e1, by=first)
    slot.refresh_from_db()
    assert new.person == first and new.status == BookingStatus.BOOKED and slot.booked == 1


def test_an_expired_offer_passes_to_the_next_and_then_frees_the_place(bscoped):
    w = bscoped
    slot = slot_at(w.doctor, tomorrow_at(9))
    first, second = factories.make_user(community=w.community), factories.make_user(community=w.community)
    booking = actions.book(resource=w.doctor, slot=slot, person=w.resident, by=w.resident)
    day = tomorrow_at(9).date()
    e1 = waiting.join(resource=w.doctor, day=day, person=first, by=first)
    e2 = waiting.join(resource=w.doctor, day=day, person=second, by=second)
    actions.cancel(booking=booking, by=w.resident)
    later = timezone.now() + timedelta(minutes=waiting.OFFER_MINUTES + 1)
    assert waiting.expire_offers(later) == 1
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert e1.status == WaitingStatus.EXPIRED and e2.status == WaitingStatus.OFFERED
    with pytest.raises(DomainError) as late:
        waiting.accept(entry=e1, by=first)
    assert late.value.code == "no_offer"
    with pytest.raises(DomainError) as too_late:
        waiting.accept(entry=e2, by=second, now=later + timedelta(minutes=waiting.OFFER_MINUTES + 1))
    assert too_late.value.code == "offer_expired"
    assert waiting.expire_offers(later + timedelta(minutes=2 * waiting.OFFER_MINUTES + 2)) == 1
    slot.refresh_from_db()
    assert slot.booked == 0  # nobody left: the place is free again


def test_leaving_with_an_offer_passes_it_on(bscoped):
    w = bscoped
    slot = slot_at(w.doctor, tomorrow_at(9))
    first = factories.make_user(community=w.community)
    booking = actions.book(resource=w.doctor, slot=slot, person=w.resident, by=w.resident)
    e1 = waiting.join(resource=w.doctor, day=tomorrow_at(9).date(), person=first, by=first)
    actions.cancel(booking=booking, by=w.resident)
    waiting.leave(entry=e1, by=first)
    slot.refresh_from_db()
    assert slot.booked == 0


def test_joining_a_past_or_far_day_is_refused(bscoped):
    w = bscoped
    today = timezone.localdate()
    for day, code in ((today - timedelta(days=2), "day_past"), (today + timedelta(days=60), "beyond_horizon")):
        with pytest.raises(DomainError) as refused:
            waiting.join(resource=w.doctor, day=day, person=w.resident, by=w.resident)
        assert refused.value.code == code
