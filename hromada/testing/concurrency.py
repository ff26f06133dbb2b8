"""Running calls at the same moment in threads, for the race tests (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections


def connection_budget(cap: int = 30) -> int:
    """How many threads may hold a connection at once without exhausting max_connections: other
    test processes (pytest -n 2, other runs) may share this server and race at the same moment."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        free = int(cursor.fetchone()[0])
    return max(4, min(cap, (free - 15) // 2))


def run_together(calls: list[Callable[[], Any]], *, cap: int = 30) -> list[Any]:
    """Run each call in its own thread, in waves (as many at once as the connection budget allows,
    at most `cap`) that each start together at a barrier. Returns each call's result, or the
    exception it raised, in the order of `calls`. Each thread closes its database connections."""
    outcomes: list[Any] = [None] * len(calls)
    wave = connection_budget(cap) if connection.vendor == "postgresql" else len(calls)
    for start in range(0, len(calls), wave):
        indexes = range(start, min(start + wave, len(calls)))
        barrier = threading.Barrier(len(indexes))

        def worker(index: int, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait(timeout=30)
                outcomes[index] = calls[index]()
            except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts on it
                outcomes[index] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(index,)) for index in indexes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    return outcomes


# The marks of a race test: PostgreSQL runs the writers in parallel; SQLite serialises every write, so
# there the test is skipped (the PostgreSQL pass of the suite runs it, and CI requires it).
POSTGRES_RACE = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="parallel writers need PostgreSQL; SQLite serialises all writes (CI runs this on "
                              "PostgreSQL)"),
]
