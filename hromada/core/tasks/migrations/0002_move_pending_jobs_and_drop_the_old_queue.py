"""The old job queue (app label ``jobs``, table ``jobs_job``) is gone: its unfinished jobs become tasks of
the database backend, then its table and its migration records are dropped.

A database that never had the old queue is left as it is. Jobs waiting in the old Redis or RabbitMQ
backends cannot be moved from here: drain those queues (``hromada worker --burst`` on the old
release) before upgrading (docs/operations.md).
"""

import json
import uuid
from datetime import UTC, datetime

from django.db import migrations
from django.utils.dateparse import parse_datetime

# Old job name -> the task that does the same work now.
TASK_OF_JOB = {
    "appeals.reminders": "hromada.apps.appeals.tasks.appeals_reminders",
    "appeals.scan_ocr": "hromada.apps.appeals.tasks.scan_ocr",
    "petitions.close_expired": "hromada.apps.petitions.tasks.petition_close_expired",
    "petitions.flag_overdue": "hromada.apps.petitions.tasks.petition_flag_overdue",
    "petitions.notify_signers_answered": "hromada.apps.petitions.tasks.notify_signers_answered",
    "opendata.refresh_due": "hromada.apps.opendata.tasks.refresh_due",
    "opendata.refresh_dataset": "hromada.apps.opendata.tasks.refresh_dataset",
    "budgeting.tally": "hromada.apps.budgeting.results.tally_job",
    "hromada.core.notifications.tasks.deliver_message": "hromada.core.notifications.tasks.deliver_message",
}
OLD_TABLE = "jobs_job"


def _aware(value):
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        return datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def move_pending_jobs_and_drop_the_old_queue(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn('name')}, {qn('payload')}, {qn('run_after')} FROM {qn(OLD_TABLE)} "  # noqa: S608
            f"WHERE {qn('status')} IN ('queued', 'running') ORDER BY {qn('id')}")
        rows = cursor.fetchall()
    for name, payload, run_after in rows:
        task_path = TASK_OF_JOB.get(name)
        if task_path is None:  # a job of code that no longer exists: kept in the log, not run
            print(f"\n  old job {name!r} has no task and was not moved: {payload}")
            continue
        kwargs = json.loads(payload) if isinstance(payload, str) else payload
        DBTaskResult.objects.create(
            id=uuid.uuid4(), status="READY", args_kwargs={"args": [], "kwargs": json.loads(json.dumps(kwargs))},
            priority=0, task_path=task_path, queue_name="default", backend_name="default",
            run_after=_aware(run_after), worker_ids=[], return_value=None,
            exception_class_path="", traceback="")
    schema_editor.execute(f"DROP TABLE {qn(OLD_TABLE)}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["jobs"])


class Migration(migrations.Migration):
    dependencies = [
        ("core_tasks", "0001_scheduled_tick"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(move_pending_jobs_and_drop_the_old_queue, migrations.RunPython.noop),
    ]
