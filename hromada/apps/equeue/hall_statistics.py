"""The hall's statistics: waiting (issue or check-in → first call), service (the call at the window that served
→ served) and people who did not come up, per window, service and day. Read from the tickets and their calls;
the controller's page charts them and the open data publishes them per office, day and service (no person)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from hromada.apps.equeue.hall_models import CallEvent, CallKind
from hromada.apps.equeue.models import Ticket, TicketStatus

GROUPINGS = ("window", "service", "day")


@dataclass
class Row:
    label: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list)  # minutes
    services: list[float] = field(default_factory=list)  # minutes

    @property
    def average_wait(self) -> float | None:
        return round(sum(self.waits) / len(self.waits), 1) if self.waits else None

    @property
    def average_service(self) -> float | None:
        return round(sum(self.services) / len(self.services), 1) if self.services else None


def _tickets(office_ids: Iterable[int] | None, first: date, last: date) -> list[Ticket]:
    query = Ticket.objects.filter(day__gte=first, day__lte=last).select_related(
        "window", "service", "served_service", "office")
    if office_ids is not None:
        query = query.filter(office_id__in=list(office_ids))
    return list(query.order_by("day", "priority_at", "id"))


def _service_starts(tickets: list[Ticket]) -> dict[int, Any]:
    """Each ticket's last call (not a call again) at the window it ended at: the service's start."""
    starts: dict[int, Any] = {}
    by_ticket = {t.pk: t for t in tickets}
    events = (CallEvent.objects.filter(ticket_id__in=list(by_ticket), kind=CallKind.CALL)
              .order_by("id").values_list("ticket_id", "window_id", "at"))
    for ticket_id, window_id, at in events:
        if by_ticket[ticket_id].window_id == window_id:
            starts[ticket_id] = at
    return starts


def _label(ticket: Ticket, grouping: str) -> str:
    if grouping == "window":
        return (f"{ticket.office.name} — {_('window')} {ticket.window.number}" if ticket.window
                else f"{ticket.office.name} — {_('not called')}")
    if grouping == "service":
        service = ticket.served_service or ticket.service
        return service.name if service else _("No service chosen")
    return ticket.day.isoformat()


def statistics(grouping: str, *, first: date, last: date, office_ids: Iterable[int] | None = None) -> list[Row]:
    """One row per window, service or day (`grouping`) of the tickets of the days `first`–`last`."""
    if grouping not in GROUPINGS:
        raise ValueError(grouping)
    tickets = _tickets(office_ids, first, last)
    starts = _service_starts(tickets)
    rows: dict[str, Row] = {}
    for ticket in tickets:
        label = _label(ticket, grouping)
        row = rows.setdefault(label, Row(label))
        _count(row, ticket, starts)
    return sorted(rows.values(), key=lambda r: r.label)


def _count(row: Row, ticket: Ticket, starts: dict[int, Any]) -> None:
    row.tickets += 1
    if ticket.called_at:
        row.waits.append((ticket.called_at - ticket.issued_at).total_seconds() / 60)
    if ticket.status == TicketStatus.ABSENT:
        row.no_shows += 1
    if ticket.status == TicketStatus.SERVED:
        row.served += 1
        start = starts.get(ticket.pk)
        if start and ticket.finished_at:
            row.services.append((ticket.finished_at - start).total_seconds() / 60)


def open_rows(first: date | None = None, last: date | None = None) -> Iterable[tuple[Any, ...]]:
    """Per day, office and service: tickets, served, did not come up, average wait and service in minutes.
    Counts and averages only: no ticket, person, booking or operator (the open data set)."""
    query = Ticket.objects.all()
    if first:
        query = query.filter(day__gte=first)
    if last:
        query = query.filter(day__lte=last)
    days = sorted(set(query.values_list("day", flat=True)))
    for day in days:
        tickets = _tickets(None, day, day)
        starts = _service_starts(tickets)
        groups: dict[tuple[str, str], Row] = defaultdict(lambda: Row(""))
        for ticket in tickets:
            service = ticket.served_service or ticket.service
            _count(groups[(ticket.office.code, service.code if service else "")], ticket, starts)
        for (office, service_code), row in sorted(groups.items()):
            yield (day.isoformat(), office, service_code, row.tickets, row.served, row.no_shows,
                   row.average_wait, row.average_service)


