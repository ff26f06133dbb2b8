"""Prepared statements for the few hottest statements (PostgreSQL only).

Django sends every statement as text with its parameters bound on the client, so PostgreSQL
parses and plans it again each time. For a statement run on every request (loading the signed-in
account) or on every signature, that planning costs the database more than the work. `fetchone`
runs such a statement with server-side parameters and `prepare=True`: psycopg prepares it once per
connection and then only sends the parameters. Errors are Django's (IntegrityError, …), as from
any cursor. Parameters are typed by PostgreSQL from their context: cast them in the SQL where the
context does not say (`%s::inet`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connections


def fetchone(sql: str, params: Sequence[Any], *, using: str = "default") -> tuple[Any, ...] | None:
    connection = connections[using]
    connection.ensure_connection()  # the health check and reconnection, as for any query
    with connection.wrap_database_errors:
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()
