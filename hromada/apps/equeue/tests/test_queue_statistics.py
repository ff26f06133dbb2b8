"""Statistics match figures worked out by hand; the open data set carries no personal data."""

from datetime import timedelta

import pytest

from hromada.apps.equeue import hall_statistics
from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.tests.hall import make_booking, make_office, make_service, make_window, today_at
from hromada.apps.opendata.registry import get
from hromada.core import tenancy
from hromada.core.calendar import kyiv_date


@pytest.fixture
def day(community, staff, resident):
    """Window 1: A-001 issued 9:00, called 9:10, served 9:16; A-002 issued 9:05, called 9:20, absent 9:22.
    Window 2: the booking (10:00, checked in 9:50) called 10:00, served 10:12 as "Витяг"."""
    operator = staff("operator")
    office = make_office(community)
    passport = make_service(community, code="passport", name_uk="Паспорт")
    extract = make_service(community, code="extract", name_uk="Витяг")
    one = make_window(office, "1", services=(passport,), operator=operator)
    two = make_window(office, "2", services=(passport, extract), operator=operator)
    with tenancy.scope(community):
        resident.phone = "+380671234567"
        resident.save(update_fields=["phone"])
    booking = make_booking(office, resident, today_at(10), service=passport, window=two)
    with tenancy.scope(community):
        a1 = tickets.issue_ticket(office=office, service=passport, now=today_at(9))
        tickets.issue_ticket(office=office, service=passport, now=today_at(9, 5))
        tickets.call_next(window=one, by=operator, now=today_at(9, 10))
        tickets.served(ticket=a1, window=one, by=operator, now=today_at(9, 16))
        a2 = tickets.call_next(window=one, by=operator, now=today_at(9, 20))
        tickets.absent(ticket=a2, window=one, by=operator, now=today_at(9, 22))
        checked = tickets.check_in(booking=booking, office=office, by=resident, now=today_at(9, 50))
        tickets.call_next(window=two, by=operator, now=today_at(10))
        tickets.served(ticket=checked.ticket, window=two, by=operator, service=extract, now=today_at(10, 12))
    return office


def test_per_window_service_and_day(community, day):
    today = kyiv_date(today_at(12))
    with tenancy.scope(community):
        by_window = {r.label: r for r in hall_statistics.statistics("window", first=today, last=today)}
        by_service = {r.label: r for r in hall_statistics.statistics("service", first=today, last=today)}
        (by_day,) = hall_statistics.statistics("day", first=today, last=today)
    one, two = by_window["ЦНАП — window 1"], by_window["ЦНАП — window 2"]
    assert (one.tickets, one.served, one.no_shows, one.average_wait, one.average_service) == (2, 1, 1, 12.5, 6.0)
    assert (two.tickets, two.served, two.no_shows, two.average_wait, two.average_service) == (1, 1, 0, 10.0, 12.0)
    assert by_service["Витяг"].served == 1 and by_service["Паспорт"].tickets == 2
    assert (by_day.tickets, by_day.served, by_day.no_shows) == (3, 2, 1)
    assert by_day.average_wait == round((10 + 15 + 10) / 3, 1)
    assert by_day.average_service == 9.0
    with tenancy.scope(community):
        assert hall_statistics.statistics("day", first=today + timedelta(days=1), last=today + timedelta(days=2)) == []


def test_the_controller_sees_charts_and_tables_and_a_resident_does_not(client, community, day, staff, resident):
    client.force_login(resident)
    assert client.get("/c/kyiv/queue/office/statistics/").status_code == 403
    client.force_login(staff("controller"))
    page = client.get("/c/kyiv/queue/office/statistics/").content.decode()
    assert "<svg" in page and "chart-table" in page
    assert "ЦНАП — window 1" in page and "12.5" in page or "12,5" in page


def test_the_open_data_set_has_totals_and_no_personal_data(community, day, resident):
    spec = get("equeue-queue")
    assert spec is not None
    with tenancy.scope(community):
        rows = list(spec.producer(community))
    today = kyiv_date(today_at(12)).isoformat()
    assert rows == [(today, "cnap", "extract", 1, 1, 0, 10.0, 12.0),
                    (today, "cnap", "passport", 2, 1, 1, 12.5, 6.0)]
    flat = " ".join(str(value) for row in rows for value in row)
    for personal in (resident.full_name, resident.email, "4567", "A-001"):
        assert personal not in flat
    assert [c.name for c in spec.columns][:3] == ["day", "office", "service"]
