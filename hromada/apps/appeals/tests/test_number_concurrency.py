"""Registration numbers come from a counter row locked FOR UPDATE: parallel registrations get
distinct consecutive numbers. Runs on PostgreSQL; SQLite serialises every write, so there is no race."""

import threading
from typing import Any

import pytest
from django.db import connection

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, RegistrationCounter
from hromada.core import tenancy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="parallel writers need PostgreSQL; SQLite serialises all writes (CI runs this on "
                              "PostgreSQL)"),
]
THREADS = 12


def test_parallel_registrations_get_distinct_consecutive_numbers(world):
    barrier = threading.Barrier(THREADS)
    outcomes: list[Any] = [None] * THREADS

    def register(index: int) -> None:
        try:
            with tenancy.scope(world.community):
                barrier.wait(timeout=30)
                outcomes[index] = actions.appeal_register(
                    community=world.community, text=f"Яма номер {index}", category=world.pothole,
                    author=actions.Author(user=world.resident)).number
        except Exception as exc:  # collected and asserted on below
            outcomes[index] = exc
        finally:
            connection.close()

    # The first registration of the year also races to create the year's counter row.
    threads = [threading.Thread(target=register, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [o for o in outcomes if not isinstance(o, str)] == []
    serials = sorted(int(number.rsplit("-", 1)[1]) for number in outcomes)
    assert serials == list(range(1, THREADS + 1))
    with tenancy.scope(world.community):
        assert Appeal.objects.count() == THREADS
        assert RegistrationCounter.objects.get().last_number == THREADS
