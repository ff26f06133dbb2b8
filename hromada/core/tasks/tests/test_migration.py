"""Upgrading a database that still has the old job queue: its unfinished jobs become tasks, its table goes."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

BEFORE = [("core_tasks", "0001_scheduled_tick")]
AFTER = [("core_tasks", "0002_move_pending_jobs_and_drop_the_old_queue")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _create_the_old_table():
    postgres = connection.vendor == "postgresql"
    json_type, time_type = ("jsonb", "timestamp with time zone") if postgres else ("text", "datetime")
    with connection.cursor() as cursor:
        cursor.execute(f"""CREATE TABLE jobs_job (id integer PRIMARY KEY, queue varchar(100) NOT NULL,
            name varchar(200) NOT NULL, payload {json_type} NOT NULL, status varchar(16) NOT NULL,
            attempts integer NOT NULL, max_attempts integer NOT NULL, run_after {time_type} NOT NULL,
            locked_by varchar(200) NOT NULL, lease_expires_at {time_type} NULL, last_error text NOT NULL,
            created_at {time_type} NOT NULL, finished_at {time_type} NULL)""")
        rows = [
            (1, "hromada.core.notifications.tasks.deliver_message", {"message_id": 7}, "queued"),
            (2, "appeals.scan_ocr", {"community_id": 1, "scan_id": 3}, "running"),
            (3, "petitions.notify_signers_answered", {"community_id": 1, "petition_id": 9}, "done"),
            (4, "some.removed_job", {}, "queued"),
        ]
        for pk, name, payload, status in rows:
            cursor.execute(
                "INSERT INTO jobs_job VALUES (%s, 'default', %s, %s, %s, 1, 5, %s, '', NULL, '', %s, NULL)",
                [pk, name, json.dumps(payload), status, "2026-12-01 10:00:00+00:00", "2026-12-01 09:00:00+00:00"])
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('jobs', '0001_initial', %s)",
                       ["2026-01-01 00:00:00+00:00"])


@pytest.mark.django_db(transaction=True)
def test_unfinished_jobs_become_tasks_and_the_old_table_is_dropped(capsys):
    _migrate(BEFORE)
    _create_the_old_table()

    _migrate(AFTER)

    moved = {row.task_path: row for row in DBTaskResult.objects.all()}
    assert set(moved) == {"hromada.core.notifications.tasks.deliver_message", "hromada.apps.appeals.tasks.scan_ocr"}
    assert moved["hromada.apps.appeals.tasks.scan_ocr"].args_kwargs == {
        "args": [], "kwargs": {"community_id": 1, "scan_id": 3}}
    assert all(row.status == TaskResultStatus.READY for row in moved.values())
    assert "jobs_job" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'jobs'")
        assert cursor.fetchone()[0] == 0
    assert "some.removed_job" in capsys.readouterr().out  # said, not silently dropped


@pytest.mark.django_db(transaction=True)
def test_a_database_without_the_old_queue_migrates_as_it_is():
    _migrate(BEFORE)
    _migrate(AFTER)
    assert DBTaskResult.objects.count() == 0
