"""Registration numbers: the next serial of a community's year, never given twice.

PostgreSQL: `nextval` of a sequence per kind, community and year (created on first use), which locks
nothing, so registrations never queue behind each other; a registration that rolls back leaves its
number unused (a gap). SQLite, which serialises writers anyway: the year's counter row, locked until
the transaction commits, so numbers have no gaps there. A module keeps its counter rows in its own
model (a `TenantModel` with `year` and `last_number`, unique per community and year); on PostgreSQL
those rows only seed a new sequence with the numbers given out before the sequence existed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, ProgrammingError, connection, transaction


def next_serial(counter_model: Any, community: Any, year: int, *, kind: str) -> int:
    """The next serial for `kind` ("appeals", "services", …) in `community` and `year`. Call inside a transaction."""
    if connection.vendor == "postgresql":
        return _sequence_next(counter_model, community, year, kind)
    counter_model.objects.get_or_create(community=community, year=year)
    counter = counter_model.objects.select_for_update().get(community=community, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return int(counter.last_number)


def _sequence_next(counter_model: Any, community: Any, year: int, kind: str) -> int:
    name = f"{kind}_number_{int(community.pk)}_{int(year)}"
    with connection.cursor() as cursor:
        for _attempt in range(2):
            # text, not a regclass literal: a missing sequence gives NULL instead of an error
            cursor.execute("SELECT CASE WHEN to_regclass(%s) IS NULL THEN NULL ELSE nextval(%s::text) END",
                           [name, name])
            value = cursor.fetchone()[0]
            if value is not None:
                return int(value)
            # The year's first number: continue after what the counter row gave out before the sequence existed.
            seed = counter_model.objects.filter(community=community, year=year).values_list(
                "last_number", flat=True).first() or 0
            try:
                with transaction.atomic():  # a savepoint: another registration may be creating it right now
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(name)} "
                                   f"START WITH {int(seed) + 1}")
            except (IntegrityError, ProgrammingError):
                pass  # it won; its sequence is there once it commits
    raise RuntimeError(f"registration number sequence {name} could not be created")
