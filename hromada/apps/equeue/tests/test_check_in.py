"""Checking a booking in: its day, its office, its time; by the person, an operator, or the QR/number+phone."""

from datetime import timedelta

import pytest

from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.models import Booking, BookingStatus, Ticket
from hromada.apps.equeue.tests.hall import make_booking, make_office, make_service, make_window, today_at
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.testing import factories


@pytest.fixture
def hall(community, staff):
    operator = staff("operator")
    office = make_office(community)
    passport = make_service(community)
    window = make_window(office, "1", services=(passport,), operator=operator)
    return office, passport, window, operator


def test_a_checked_in_booking_is_placed_by_its_time_among_walk_ins(community, hall, resident):
    office, passport, window, operator = hall
    booking = make_booking(office, resident, today_at(10), service=passport, window=window)
    with tenancy.scope(community):
        early = tickets.issue_ticket(office=office, service=passport, now=today_at(9, 50))
        late = tickets.issue_ticket(office=office, service=passport, now=today_at(9, 55))
        # Comes at 9:58 for 10:00, behind the two walk-ins, ahead of whoever arrives after 10:00.
        checked = tickets.check_in(booking=booking, office=office, by=resident, now=today_at(9, 58))
        before = tickets.issue_ticket(office=office, service=passport, now=today_at(9, 59))
        after = tickets.issue_ticket(office=office, service=passport, now=today_at(10, 1))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CHECKED_IN
        assert not checked.late
        order = []
        for minute in range(5):
            ticket = tickets.call_next(window=window, by=operator, now=today_at(10, 2 + minute))
            order.append(ticket)
            tickets.served(ticket=ticket, window=window, by=operator, now=today_at(10, 2 + minute))
    assert order == [early, late, before, checked.ticket, after]


def test_serving_a_booking_s_ticket_serves_the_booking(community, hall, resident):
    office, passport, window, operator = hall
    booking = make_booking(office, resident, today_at(11), service=passport, window=window)
    with tenancy.scope(community):
        checked = tickets.check_in(booking=booking, office=office, by=operator, now=today_at(10, 45))
        called = tickets.call_next(window=window, by=operator, now=today_at(11))
        assert called == checked.ticket
        tickets.served(ticket=called, window=window, by=operator, now=today_at(11, 10))
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.SERVED


@pytest.mark.parametrize(("minute", "code"), [(0, "too_early")])
def test_too_early_is_refused_with_the_time_to_come_back(community, hall, resident, minute, code):
    office, passport, window, _operator = hall
    booking = make_booking(office, resident, today_at(12), service=passport, window=window)
    with tenancy.scope(community), pytest.raises(DomainError) as refused:
        tickets.check_in(booking=booking, office=office, by=resident, now=today_at(11, 29))
    assert refused.value.code == "too_early"
    assert "11:30" in str(refused.value.detail)
    with tenancy.scope(community):
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED
        assert not Ticket.objects.exists()


def test_coming_late_joins_the_line_as_a_walk_in(community, hall, resident):
    office, passport, window, _operator = hall
    booking = make_booking(office, resident, today_at(12), service=passport, window=window)
    with tenancy.scope(community):
        checked = tickets.check_in(booking=booking, office=office, by=resident, now=today_at(12, 20))
    assert checked.late
    assert checked.ticket.priority_at == today_at(12, 20)


def test_another_day_or_another_office_is_refused(community, hall, resident):
    office, passport, window, _operator = hall
    other_office = make_office(community, code="cnap-2")
    tomorrow = make_booking(office, resident, today_at(10) + timedelta(days=1), service=passport, window=window)
    today = make_booking(office, resident, today_at(10), window=window)
    with tenancy.scope(community):
        with pytest.raises(DomainError) as wrong_day:
            tickets.check_in(booking=tomorrow, office=office, by=resident, now=today_at(10))
        with pytest.raises(DomainError) as wrong_office:
            tickets.check_in(booking=today, office=other_office, by=resident, now=today_at(10))
        twice = tickets.check_in(booking=today, office=office, by=resident, now=today_at(10))
        with pytest.raises(DomainError) as again:
            tickets.check_in(booking=today, office=office, by=resident, now=today_at(10))
    assert (wrong_day.value.code, wrong_office.value.code, again.value.status_code) == ("wrong_day", "wrong_office",
                                                                                        409)
    assert twice.ticket.booking_id == today.pk


def test_someone_else_s_booking_needs_the_qr_or_the_number_and_phone(community, hall, resident):
    office, passport, window, _operator = hall
    stranger = factories.make_user(community=community)
    with tenancy.scope(community):
        resident.phone = "+380 67 123 45 67"
        resident.save(update_fields=["phone"])
    booking = make_booking(office, resident, today_at(10), service=passport, window=window, code="K-1234")
    with tenancy.scope(community):
        with pytest.raises(DomainError) as refused:
            tickets.check_in(booking=booking, office=office, by=stranger, now=today_at(10))
        assert refused.value.status_code == 403
        for code, digits in (("K-1234", "0000"), ("K-9999", "4567"), ("K-1234", "67")):
            with pytest.raises(DomainError) as not_found:
                tickets.find_booking(code=code, phone_digits=digits)
            assert not_found.value.code == "booking_not_found"
        found = tickets.find_booking(code="k-1234", phone_digits="4567")
        assert found == booking
        assert tickets.find_booking(uid=booking.uid) == booking
        checked = tickets.check_in(booking=found, office=office, proven=True, now=today_at(10))
    assert checked.ticket.number == "A-001"


def test_the_check_in_page_by_qr_and_by_number_and_phone(client, community, hall, resident):
    from django.utils import timezone

    office, passport, window, _operator = hall
    with tenancy.scope(community):
        resident.phone = "+380991110022"
        resident.save(update_fields=["phone"])
    by_qr = make_booking(office, resident, timezone.now(), service=passport, window=window)
    other = factories.make_user(community=community, phone="+380501234500")
    by_code = make_booking(office, other, timezone.now(), window=window, code="C-0042")
    page = client.get(f"/c/kyiv/queue/offices/cnap/check-in/?booking={by_qr.uid}").content.decode()
    assert str(by_qr.uid) in page
    done = client.post("/c/kyiv/queue/offices/cnap/check-in/", {"uid": str(by_qr.uid)}, follow=True)
    assert "You are checked in." in done.content.decode()
    wrong = client.post("/c/kyiv/queue/offices/cnap/check-in/", {"code": "C-0042", "phone": "1111"})
    assert wrong.status_code == 404 and "No booking matches this number and phone." in wrong.content.decode()
    right = client.post("/c/kyiv/queue/offices/cnap/check-in/", {"code": "C-0042", "phone": "4500"}, follow=True)
    assert "A-002" in right.content.decode()
    with tenancy.scope(community):
        assert Booking.objects.get(pk=by_code.pk).status == BookingStatus.CHECKED_IN
