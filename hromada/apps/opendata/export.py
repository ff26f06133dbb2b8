"""The de-identified appeals data set as CSV, streamed straight from the database.

On PostgreSQL the rows never become Python objects: ``COPY (SELECT …) TO STDOUT WITH CSV HEADER``
runs through psycopg's ``cursor.copy`` and its blocks are passed on as they arrive (memory flat).
Elsewhere (SQLite) the producer's server-side iterator goes through ``files.iter_csv``. Both read
exactly the producer's columns (``producers.appeals.COLUMNS``); the resident's name, contacts,
address, text and coordinates are never selected. PostgreSQL ends lines with LF, ``iter_csv`` with
CRLF; values and quoting are otherwise the same (ISO dates, ``true``/``false``, empty for none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, CharField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone

from hromada.apps.opendata import files
from hromada.apps.opendata.producers import appeals as producer
from hromada.core import tenancy

CHUNK_BYTES = files.CHUNK_BYTES


def appeals_queryset(today: Any = None) -> QuerySet[Any]:
    """The producer's rows as one SELECT, the term-met flag computed in SQL, in COLUMNS order."""
    from hromada.apps.appeals.selectors import published_appeals

    today = today or timezone.localdate()
    term_met = Case(
        When(answered_at__isnull=False, then=Case(
            When(ExpressionWrapper(Q(answered_at__date__lte=F("due_date")), output_field=BooleanField()),
                 then=Value("true")), default=Value("false"))),
        When(due_date__gte=today, then=Value("")),
        default=Value("false"), output_field=CharField())
    return (published_appeals().order_by("registered_at", "pk")
            .annotate(od_term_met=term_met)
            .values_list("number", "type", "channel", "category__name_uk", "district__name_uk",
                         "department__name_uk", "status", "registered_at__date", "due_date", "answered_at__date",
                         "od_term_met"))


def _copy_chunks(sql: str, params: Any) -> Iterator[bytes]:
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(sql, params) as copy:
        parts: list[bytes] = []
        size = 0
        for block in copy:
            parts.append(bytes(block))
            size += len(block)
            if size >= CHUNK_BYTES:
                yield b"".join(parts)
                parts, size = [], 0
        if parts:
            yield b"".join(parts)


def appeals_csv(community: Any) -> Iterator[bytes]:
    """The appeals data set's CSV in chunks of about 64 KB (for a StreamingHttpResponse or a file).

    The query is built (and scoped to the community) now; rows are read as the chunks are consumed.
    """
    header = [c.name for c in producer.COLUMNS]
    with tenancy.scope(community):
        qs = appeals_queryset()
    if connection.vendor != "postgresql":
        return files.iter_csv(qs.iterator(chunk_size=5000), header)
    sql, params = qs.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(n) for n in header)
    # The ORM's own SQL with its parameters bound by psycopg, and quoted fixed column names.
    copy_sql = f"COPY (SELECT * FROM ({sql}) AS od_appeals ({names})) TO STDOUT WITH (FORMAT csv, HEADER)"  # noqa: S608
    return _copy_chunks(copy_sql, params)
