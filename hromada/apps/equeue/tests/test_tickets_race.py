"""Two windows calling next at the same moment never get the same ticket (PostgreSQL: FOR UPDATE SKIP
LOCKED); parallel kiosks never get the same number."""

from collections.abc import Callable
from typing import Any

from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.models import Ticket
from hromada.apps.equeue.tests.hall import make_office, make_service, make_window
from hromada.core import tenancy
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE


def _race(community: Any, calls: list[Callable[[], Any]]) -> list[Any]:
    def scoped(call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with tenancy.scope(community):
                return call()
        return run

    return run_together([scoped(call) for call in calls], cap=20)


def test_parallel_windows_never_call_the_same_ticket(community, staff):
    office = make_office(community)
    passport = make_service(community)
    operators = [staff("operator") for _ in range(10)]
    windows = [make_window(office, str(n + 1), services=(passport,), operator=operators[n]) for n in range(10)]
    with tenancy.scope(community):
        for _ in range(6):
            tickets.issue_ticket(office=office, service=passport)

    outcomes = _race(community, [lambda w=w, o=o: tickets.call_next(window=w, by=o)
                                 for w, o in zip(windows, operators, strict=True)])

    assert not [o for o in outcomes if isinstance(o, Exception)]
    called = [o.number for o in outcomes if o is not None]
    assert sorted(called) == [f"A-{n:03d}" for n in range(1, 7)]  # six tickets, six windows, each once
    assert outcomes.count(None) == 4
    with tenancy.scope(community):
        assert Ticket.objects.filter(status="called").values("window").distinct().count() == 6


def test_parallel_kiosks_get_distinct_consecutive_numbers(community):
    office = make_office(community)
    passport = make_service(community)
    make_window(office, "1", services=(passport,))
    outcomes = _race(community, [lambda: tickets.issue_ticket(office=office, service=passport)] * 20)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(o.serial for o in outcomes) == list(range(1, 21))
