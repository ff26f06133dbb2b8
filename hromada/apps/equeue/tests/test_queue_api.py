"""The hall's REST API: a kiosk takes a ticket and checks in; an operator calls at their window only."""

import pytest

from hromada.apps.equeue.models import BookingStatus, Ticket, TicketStatus
from hromada.apps.equeue.tests.hall import make_booking, make_office, make_service, make_window
from hromada.core import tenancy
from hromada.testing import factories

API = "/c/kyiv/api/v1/queue"


@pytest.fixture
def hall(community, staff):
    operator = staff("operator")
    office = make_office(community)
    passport = make_service(community)
    window = make_window(office, "1", services=(passport,), operator=operator)
    other = make_window(office, "2", services=(passport,))
    return office, passport, window, other, operator


def test_a_kiosk_takes_tickets_and_an_operator_calls_them_in_order(client, community, hall):
    _office, passport, window, _other, operator = hall
    first = client.post(f"{API}/offices/cnap/tickets/", {"service": passport.pk}, content_type="application/json")
    second = client.post(f"{API}/offices/cnap/tickets/", {}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["number"], second.json()["number"]) == ("A-001", "A-002")
    client.force_login(operator)
    called = client.post(f"{API}/windows/{window.pk}/call-next/", {}, content_type="application/json")
    assert called.status_code == 200 and called.json()["ticket"]["number"] == "A-001"
    assert called.json()["ticket"]["window"] == "1"
    busy = client.post(f"{API}/windows/{window.pk}/call-next/", {}, content_type="application/json")
    assert busy.status_code == 409 and busy.json()["errors"][0]["code"] == "ticket_open"
    served = client.post(f"{API}/windows/{window.pk}/served/", {}, content_type="application/json")
    assert served.json()["ticket"]["status"] == "served"
    line = client.get(f"{API}/offices/cnap/line/").json()
    assert line["waiting"] == 1 and line["calls"][0]["ticket"] == "A-001"


def test_an_operator_not_assigned_gets_403_and_nothing_changes(client, community, hall):
    _office, passport, _window, other, operator = hall
    client.post(f"{API}/offices/cnap/tickets/", {"service": passport.pk}, content_type="application/json")
    client.force_login(operator)
    for step in ("call-next", "recall", "absent"):
        refused = client.post(f"{API}/windows/{other.pk}/{step}/", {}, content_type="application/json")
        assert refused.status_code == 403, step
        assert refused.json()["errors"][0]["code"] == "forbidden"
    with tenancy.scope(community):
        assert Ticket.objects.get().status == TicketStatus.WAITING


def test_check_in_by_number_and_phone_and_bad_input(client, community, hall, resident):
    office, passport, window, _other, _operator = hall
    from django.utils import timezone
    with tenancy.scope(community):
        resident.phone = "+380501112233"
        resident.save(update_fields=["phone"])
    booking = make_booking(office, resident, timezone.now(), service=passport, window=window, code="Q-0001")
    missing = client.post(f"{API}/offices/cnap/check-in/", {"code": "Q-0001"}, content_type="application/json")
    assert missing.status_code == 400
    wrong = client.post(f"{API}/offices/cnap/check-in/", {"code": "Q-0001", "phone": "9999"},
                        content_type="application/json")
    assert wrong.status_code == 404 and wrong.json()["errors"][0]["code"] == "booking_not_found"
    stranger = factories.make_user(community=community)
    client.force_login(stranger)
    theirs = client.post(f"{API}/offices/cnap/check-in/", {"code": "Q-0001"}, content_type="application/json")
    assert theirs.status_code == 404  # another person's booking is not theirs to find
    client.logout()
    done = client.post(f"{API}/offices/cnap/check-in/", {"code": "Q-0001", "phone": "2233"},
                       content_type="application/json")
    assert done.status_code == 201 and done.json()["ticket"]["booked"] is True and done.json()["late"] is False
    with tenancy.scope(community):
        booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    again = client.post(f"{API}/offices/cnap/check-in/", {"uid": str(booking.uid)}, content_type="application/json")
    assert again.status_code == 409


def test_a_kiosk_address_is_limited(client, community, hall, monkeypatch):
    from hromada.apps.equeue.api import queue

    monkeypatch.setattr(queue, "KIOSK_PER_HOUR", 2)
    codes = [client.post(f"{API}/offices/cnap/tickets/", {}, content_type="application/json").status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
