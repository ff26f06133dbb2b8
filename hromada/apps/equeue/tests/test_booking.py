from datetime import timedelta

import pytest
from django.utils import timezone

from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.models import Booking, BookingStatus, Child, Slot
from hromada.apps.equeue.tests.booking_world import slot_at, tomorrow_at
from hromada.core.api.errors import DomainError
from hromada.core.notifications.models import Message
from hromada.testing import factories


def test_a_resident_books_a_window_for_a_service_and_is_told(bscoped):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    booking = actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                           service=w.passport)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert booking.status == BookingStatus.BOOKED and len(booking.code) == 8
    assert booking.day == tomorrow_at(10).date()
    mail = Message.objects.get(kind="equeue.booked", channel="email")
    assert booking.code in mail.subject
    assert f"/queue/bookings/{booking.uid}.ics" in mail.body


def test_a_full_slot_is_taken(bscoped):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10), booked=1)
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident, service=w.passport)
    assert refused.value.code == "slot_taken" and refused.value.status_code == 409
    assert "already taken" in str(refused.value.detail)
    assert not Booking.objects.exists()


def test_a_second_booking_of_the_same_service_that_day_is_refused_and_the_place_kept(bscoped):
    w = bscoped
    first = slot_at(w.window_resource, tomorrow_at(10))
    second = slot_at(w.window_resource, tomorrow_at(11))
    actions.book(resource=w.window_resource, slot=first, person=w.resident, by=w.resident, service=w.passport)
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.window_resource, slot=second, person=w.resident, by=w.resident,
                     service=w.passport)
    assert str(refused.value.detail) == "You already have a booking for this service on that day."
    second.refresh_from_db()
    assert second.booked == 0  # the UPDATE rolled back with the refused insert
    # Another service on that day is fine.
    actions.book(resource=w.window_resource, slot=second, person=w.resident, by=w.resident,
                 service=w.registration)


def test_past_not_open_and_beyond_horizon_are_refused(bscoped):
    w = bscoped
    now = timezone.now()
    past = slot_at(w.window_resource, now - timedelta(hours=1))
    closed = slot_at(w.window_resource, tomorrow_at(12), opens_at=now + timedelta(hours=3))
    far = slot_at(w.window_resource, tomorrow_at(10, days=30))
    for slot, code in ((past, "slot_past"), (closed, "not_open_yet"), (far, "beyond_horizon")):
        with pytest.raises(DomainError) as refused:
            actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                         service=w.passport)
        assert refused.value.code == code
        assert refused.value.status_code == 409
    assert not Booking.objects.exists()
    assert set(Slot.objects.values_list("booked", flat=True)) == {0}


def test_another_communitys_resource_is_refused(bscoped, other_community):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                     service=w.passport, community=other_community)
    assert refused.value.code == "other_community" and refused.value.status_code == 404


def test_a_window_does_not_book_a_service_it_does_not_serve(bscoped):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                     service=w.other_service)
    assert refused.value.code == "bad_service"


def test_over_the_personal_limit(bscoped):
    w = bscoped
    for n in range(actions.MAX_UPCOMING_BOOKINGS // 2):
        for resource in (w.doctor, w.group):
            actions.book(resource=resource, slot=slot_at(resource, tomorrow_at(9, days=1 + n)), person=w.resident,
                         by=w.resident)
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.window_resource, slot=slot_at(w.window_resource, tomorrow_at(15)),
                     person=w.resident, by=w.resident, service=w.passport)
    assert refused.value.code == "over_limit"


def test_a_parent_books_for_their_child_but_not_for_anothers(bscoped):
    w = bscoped
    child = Child.objects.create(community=w.community, parent=w.resident, full_name="Оля", birth_date="2018-03-01")
    stranger = factories.make_user(community=w.community)
    slot = slot_at(w.doctor, tomorrow_at(9))
    own = actions.book(resource=w.doctor, slot=slot, person=w.resident, by=w.resident)
    for_child = actions.book(resource=w.doctor, slot=slot_at(w.doctor, tomorrow_at(10)), person=w.resident,
                             by=w.resident, child=child)  # the child's own one-a-day
    assert own.child is None and for_child.child == child
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.doctor, slot=slot_at(w.doctor, tomorrow_at(11)), person=stranger, by=stranger,
                     child=child)
    assert refused.value.status_code == 403


def test_an_operator_books_on_a_residents_behalf_audited(bscoped):
    from hromada.core.audit.models import AuditRecord

    w = bscoped
    person = actions.find_resident(w.resident.email.upper())
    booking = actions.book(resource=w.window_resource, slot=slot_at(w.window_resource, tomorrow_at(10)),
                           person=person, by=w.operator, service=w.passport)
    assert booking.person == w.resident and booking.created_by == w.operator
    assert AuditRecord.objects.filter(action="equeue.book_for").exists()
    # A resident cannot book for someone else.
    other = factories.make_user(community=w.community)
    with pytest.raises(DomainError) as refused:
        actions.book(resource=w.window_resource, slot=slot_at(w.window_resource, tomorrow_at(11)), person=other,
                     by=w.resident, service=w.passport)
    assert refused.value.status_code == 403
    with pytest.raises(DomainError):
        actions.find_resident("nobody@example.test")


def test_cancel_frees_the_place_and_is_refused_after_the_cutoff(bscoped):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    booking = actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                           service=w.passport)
    actions.cancel(booking=booking, by=w.resident)
    slot.refresh_from_db()
    assert slot.booked == 0 and booking.status == BookingStatus.CANCELLED and booking.sequence == 1
    soon = slot_at(w.window_resource, timezone.now() + timedelta(hours=1))
    late = actions.book(resource=w.window_resource, slot=soon, person=w.resident, by=w.resident,
                        service=w.registration)
    with pytest.raises(DomainError) as refused:
        actions.cancel(booking=late, by=w.resident)
    assert refused.value.code == "after_cutoff"
    late.refresh_from_db()
    soon.refresh_from_db()
    assert late.status == BookingStatus.BOOKED and soon.booked == 1


def test_move_is_all_or_nothing(bscoped):
    w = bscoped
    first = slot_at(w.window_resource, tomorrow_at(10))
    free = slot_at(w.window_resource, tomorrow_at(11))
    full = slot_at(w.window_resource, tomorrow_at(12), booked=1)
    booking = actions.book(resource=w.window_resource, slot=first, person=w.resident, by=w.resident,
                           service=w.passport)
    with pytest.raises(DomainError) as refused:
        actions.move(booking=booking, slot=full, by=w.resident)
    assert refused.value.code == "slot_taken"
    booking.refresh_from_db()
    first.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and first.booked == 1
    new = actions.move(booking=booking, slot=free, by=w.resident)
    booking.refresh_from_db()
    first.refresh_from_db()
    free.refresh_from_db()
    assert booking.status == BookingStatus.MOVED and booking.moved_to == new
    assert first.booked == 0 and free.booked == 1 and new.status == BookingStatus.BOOKED


def test_no_show_by_an_operator_only_once_the_time_began(bscoped):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    booking = actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                           service=w.passport)
    with pytest.raises(DomainError) as refused:
        actions.record_no_show(booking=booking, by=w.resident)
    assert refused.value.status_code == 403
    with pytest.raises(DomainError) as early:
        actions.record_no_show(booking=booking, by=w.operator)
    assert early.value.code == "too_early"
    actions.record_no_show(booking=booking, by=w.operator, now=tomorrow_at(10, 5))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_reminders_the_day_before_and_two_hours_before_once_each(bscoped):
    from hromada.apps.equeue.booking_tasks import send_reminders

    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident, service=w.passport)
    send_reminders(now=slot.starts_at - timedelta(hours=20))
    send_reminders(now=slot.starts_at - timedelta(hours=19))
    assert Message.objects.filter(kind="equeue.reminder.1d", channel="email").count() == 1
    send_reminders(now=slot.starts_at - timedelta(minutes=90))
    send_reminders(now=slot.starts_at - timedelta(minutes=60))
    assert Message.objects.filter(kind="equeue.reminder.2h", channel="email").count() == 1
