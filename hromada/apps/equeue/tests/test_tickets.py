"""Walk-in tickets: numbers per letter and day, the letter of a service, one line called in order."""

from datetime import timedelta

import pytest

from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.hall_models import TicketPrefix
from hromada.apps.equeue.models import TicketStatus
from hromada.apps.equeue.tests.hall import make_office, make_service, make_window, today_at
from hromada.core import tenancy
from hromada.core.api.errors import DomainError


@pytest.fixture
def hall(community, staff):
    operator = staff("operator")
    office = make_office(community)
    passport = make_service(community, name_uk="Паспорт")
    window = make_window(office, "1", operator=operator)
    return office, passport, window, operator


def test_walk_ins_get_consecutive_numbers_and_are_called_in_order(community, hall):
    office, passport, window, operator = hall
    with tenancy.scope(community):
        issued = [tickets.issue_ticket(office=office, service=passport, now=today_at(9, m)) for m in range(3)]
        assert [t.number for t in issued] == ["A-001", "A-002", "A-003"]
        called = []
        for m in range(3):
            ticket = tickets.call_next(window=window, by=operator, now=today_at(10, m))
            assert ticket is not None
            called.append(ticket.number)
            tickets.served(ticket=ticket, window=window, by=operator, now=today_at(10, m) + timedelta(seconds=30))
        assert called == ["A-001", "A-002", "A-003"]
        assert tickets.call_next(window=window, by=operator, now=today_at(11)) is None


def test_a_service_with_its_own_letter_numbers_separately(community, hall):
    office, passport, _window, _operator = hall
    other = make_service(community, name_uk="Реєстрація місця проживання")
    with tenancy.scope(community):
        TicketPrefix.objects.create(office=office, service=other, prefix="P")
        first = tickets.issue_ticket(office=office, service=passport)
        second = tickets.issue_ticket(office=office, service=other)
        third = tickets.issue_ticket(office=office, service=other)
    assert (first.number, second.number, third.number) == ("A-001", "P-001", "P-002")


def test_a_service_no_window_of_the_office_serves_is_refused(community, staff):
    office = make_office(community)
    passport, land = make_service(community), make_service(community)
    make_window(office, "1", services=(passport,))
    with tenancy.scope(community), pytest.raises(DomainError) as refused:
        tickets.issue_ticket(office=office, service=land)
    assert refused.value.code == "service_not_here"
    with tenancy.scope(community):
        assert not office.tickets.exists()


def test_a_window_calls_only_the_services_it_serves(community, staff):
    operator = staff("operator")
    office = make_office(community)
    passport, land = make_service(community), make_service(community)
    make_window(office, "2", services=(land,))
    window = make_window(office, "1", services=(passport,), operator=operator)
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=land, now=today_at(9))
        mine = tickets.issue_ticket(office=office, service=passport, now=today_at(9, 5))
        assert tickets.call_next(window=window, by=operator, now=today_at(10)) == mine


def test_calling_next_with_a_ticket_still_open_is_refused(community, hall):
    office, passport, window, operator = hall
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=passport, now=today_at(9))
        tickets.issue_ticket(office=office, service=passport, now=today_at(9, 1))
        tickets.call_next(window=window, by=operator, now=today_at(10))
        with pytest.raises(DomainError) as refused:
            tickets.call_next(window=window, by=operator, now=today_at(10, 1))
    assert refused.value.code == "ticket_open"


def test_numbers_start_again_the_next_day(community, hall):
    office, passport, _window, _operator = hall
    with tenancy.scope(community):
        today = tickets.issue_ticket(office=office, service=passport, now=today_at(9))
        tomorrow = tickets.issue_ticket(office=office, service=passport, now=today_at(9) + timedelta(days=1))
    assert today.number == tomorrow.number == "A-001"
    assert tomorrow.day == today.day + timedelta(days=1)


def test_ticket_position_and_expected_wait(community, hall):
    office, passport, window, operator = hall
    with tenancy.scope(community):
        issued = [tickets.issue_ticket(office=office, service=passport, now=today_at(9, m)) for m in range(4)]
        assert [tickets.position(t) for t in issued] == [0, 1, 2, 3]
        # Nobody served yet: 10 minutes a person at the one assigned window.
        assert tickets.expected_wait_minutes(office, now=today_at(9, 5)) == 40
        first = tickets.call_next(window=window, by=operator, now=today_at(10))
        tickets.served(ticket=first, window=window, by=operator, now=today_at(10, 4))
        issued[0].refresh_from_db()
        assert tickets.position(issued[0]) is None
        assert issued[0].status == TicketStatus.SERVED
        # Served in 4 minutes: three ahead → 12 minutes.
        assert tickets.expected_wait_minutes(office, now=today_at(10, 5)) == 12


def test_the_kiosk_page_issues_a_ticket_without_signing_in(client, community, hall):
    _office, passport, window, _operator = hall
    with tenancy.scope(community):
        window.services.add(passport)
    page = client.get("/c/kyiv/queue/offices/cnap/ticket/").content.decode()
    assert "Паспорт" in page and "<script>" not in page
    response = client.post("/c/kyiv/queue/offices/cnap/ticket/", {"service": passport.pk}, follow=True)
    assert response.status_code == 200
    shown = response.content.decode()
    assert "A-001" in shown and "People ahead of you" in shown
    refused = client.post("/c/kyiv/queue/offices/cnap/ticket/", {"service": 999999})
    assert refused.status_code == 400 and "Choose a service from the list." in refused.content.decode()


def test_the_demo_makes_tickets_in_every_state_once(community, staff):
    from hromada.apps.equeue.demo_queue import load_demo_queue
    from hromada.apps.equeue.models import Ticket

    staff("operator", email="operator@demo.hromada.local")
    with tenancy.scope(community):
        first = load_demo_queue(community)
        load_demo_queue(community)
        states = set(Ticket.objects.values_list("status", flat=True))
        assert Ticket.objects.count() == 8
    assert states == {"served", "absent", "redirected", "called", "waiting"}
    assert len(first["windows"]) == 3
