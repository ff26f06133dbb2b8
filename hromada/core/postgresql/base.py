"""Django's PostgreSQL backend with a cheaper `is_usable()`.

With persistent connections (`CONN_MAX_AGE`) and `CONN_HEALTH_CHECKS`, Django asks at the start
of every request whether the connection still works, and the stock backend answers with a
`SELECT 1` round trip — on the hot paths that is one statement in four. Here the answer comes
from the client side: psycopg's own state, and whether the idle connection's socket has anything
to read. An idle connection receives nothing unless the server is closing it (a restart, an
administrator terminating it, an idle timeout): then the socket has its goodbye or end-of-file,
the connection is reported unusable, and Django opens a new one before the request's first query.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # in a transaction: ask the server, as Django does
        try:
            readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
