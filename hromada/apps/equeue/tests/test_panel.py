"""The operator's panel: only assigned operators call to a window; each step changes what the hall sees."""

import pytest

from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.models import Ticket, TicketStatus
from hromada.apps.equeue.tests.hall import make_office, make_service, make_window, today_at
from hromada.core import tenancy
from hromada.core.api.errors import DomainError

PANEL = "/c/kyiv/queue/office/panel/"


@pytest.fixture
def hall(community, staff):
    operator = staff("operator")
    office = make_office(community)
    passport = make_service(community, name_uk="Паспорт")
    given = make_service(community, name_uk="Витяг")
    window = make_window(office, "1", services=(passport, given), operator=operator)
    other = make_window(office, "2", services=(passport,))
    return office, passport, given, window, other, operator


def test_an_operator_not_assigned_to_a_window_gets_403(client, community, hall, staff):
    office, passport, _given, window, other, operator = hall
    stranger = staff("operator")
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=passport)
        with pytest.raises(DomainError) as refused:
            tickets.call_next(window=other, by=operator)
    assert refused.value.status_code == 403
    client.force_login(stranger)
    assert client.post(f"/c/kyiv/queue/office/panel/{window.pk}/call-next/").status_code == 403
    client.force_login(operator)
    assert client.post(f"/c/kyiv/queue/office/panel/{other.pk}/call-next/").status_code == 403
    with tenancy.scope(community):
        assert Ticket.objects.get().status == TicketStatus.WAITING  # nobody was called


def test_a_resident_cannot_open_the_panel(client, resident):
    client.force_login(resident)
    assert client.get(PANEL).status_code == 403


def test_the_panel_calls_serves_recalls_redirects_and_marks_absent(client, community, hall):
    office, passport, given, window, other, operator = hall
    with tenancy.scope(community):
        first = tickets.issue_ticket(office=office, service=passport, now=today_at(8))
        second = tickets.issue_ticket(office=office, service=passport, now=today_at(8, 1))
        third = tickets.issue_ticket(office=office, service=passport, now=today_at(8, 2))
    client.force_login(operator)
    page = client.get(PANEL).content.decode()
    assert "A-001" in page and "Call next" in page

    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/call-next/")
    page = client.get(PANEL).content.decode()
    assert "Called A-001 to window 1." in page
    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/recall/")
    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/served/", {f"w{window.pk}-service": given.pk})
    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/call-next/")
    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/redirect/", {f"w{window.pk}-to_window": other.pk})
    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/call-next/")
    client.post(f"/c/kyiv/queue/office/panel/{window.pk}/absent/")
    with tenancy.scope(community):
        first.refresh_from_db()
        second.refresh_from_db()
        third.refresh_from_db()
        assert (first.status, first.calls, first.served_service) == (TicketStatus.SERVED, 2, given)
        assert (second.status, second.window) == (TicketStatus.REDIRECTED, other)
    assert third.status == TicketStatus.ABSENT
    # The redirected ticket is first in the other window's line.
    with tenancy.scope(community):
        assert list(tickets.line_for(other)) == [second]


def test_a_step_without_a_called_ticket_says_so(client, hall):
    _office, _passport, _given, window, _other, operator = hall
    client.force_login(operator)
    response = client.post(f"/c/kyiv/queue/office/panel/{window.pk}/served/", follow=True)
    assert "No ticket is called to this window." in response.content.decode()
    response = client.post(f"/c/kyiv/queue/office/panel/{window.pk}/call-next/", follow=True)
    assert "Nobody is waiting for this window." in response.content.decode()
