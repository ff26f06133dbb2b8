"""The PostgreSQL backend's health check: no round trip for a live connection, and a connection
the server closed is replaced before the next request's first query."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.conf import settings
from django.core import signals
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend (the PostgreSQL pass of the suite runs it; CI requires it)")


def _admin() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                           password=db["PASSWORD"] or None, dbname=connection.settings_dict["NAME"], autocommit=True)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_live_connection_is_checked_without_a_query():
    pid = _backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'health-check-marker'")
    assert connection.is_usable()
    with _admin() as admin:
        last = admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
    assert last is not None and "health-check-marker" in last[0]  # the check sent nothing


def test_a_connection_closed_by_the_server_is_replaced_before_the_next_request():
    pid = _backend_pid()
    with _admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()
    # What Django does at the start of a request, then the request's first query works.
    signals.request_started.send(sender=None)
    assert _backend_pid() != pid
