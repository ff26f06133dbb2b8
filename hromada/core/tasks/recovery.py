"""Give the tasks of dead workers back to the queue.

A worker killed with ``kill -9`` (or whose machine is lost) leaves its task marked as running.
No run can legitimately last longer than its time limit (the worker stops it then), so a task
still marked running after its limit and a grace period was abandoned: it is made ready again,
and any worker runs it from the start. Tasks must therefore be idempotent (they are: each one
checks the state it changes, and notifications are sent once per outbox message). A task whose
workers were lost ``TASK_MAX_LOST_RUNS`` times is recorded as failed instead.

RQ keeps the same promise with its own registries: a job whose worker stopped sending heartbeats
is retried (``hromada.core.tasks.rq``) when a worker or the scheduler cleans the registry.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from hromada.core.tasks import time_limit
from hromada.core.tasks.errors import WorkerLost

logger = logging.getLogger("hromada.tasks")


def uses_rq() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_rq import RQBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], RQBackend)


def recover_abandoned(*, now: datetime | None = None, rq_timestamp: float | None = None) -> int:
    """Put the tasks of dead workers back to ready; return how many were put back or failed."""
    if uses_rq():
        return recover_rq(timestamp=rq_timestamp)
    return recover_database(now=now)


def recover_database(*, now: datetime | None = None) -> int:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    grace = timedelta(seconds=settings.TASK_RECOVERY_GRACE)
    shortest = min([settings.TASK_TIME_LIMIT, *settings.TASK_TIME_LIMITS.values()])
    candidates = DBTaskResult.objects.running().filter(started_at__lt=now - timedelta(seconds=shortest) - grace)
    handled = 0
    for row in candidates.only("id", "task_path", "started_at", "worker_ids"):
        assert row.started_at is not None
        if row.started_at >= now - timedelta(seconds=time_limit(row.task_path)) - grace:
            continue
        # The started_at condition makes the update a no-op if another worker recovered it first.
        still_abandoned = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING,
                                                      started_at=row.started_at)
        lost = len(row.worker_ids)
        if lost >= settings.TASK_MAX_LOST_RUNS:
            message = f"the worker running this task was lost {lost} times: {', '.join(row.worker_ids)}"
            if still_abandoned.update(status=TaskResultStatus.FAILED, finished_at=now, traceback=message,
                                      exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"):
                logger.error("task %s (%s) failed: %s", row.task_path, row.pk, message)
                handled += 1
        elif still_abandoned.update(status=TaskResultStatus.READY):
            logger.warning("task %s (%s) was abandoned by worker %s; ready again", row.task_path, row.pk,
                           row.worker_ids[-1] if row.worker_ids else "?")
            handled += 1
    return handled


def recover_rq(*, timestamp: float | None = None) -> int:
    """Clean the started-job registries: abandoned jobs are retried (or failed when out of retries)."""
    import django_rq
    from rq.registry import StartedJobRegistry

    handled = 0
    for queue_name in settings.RQ_QUEUES:
        registry = StartedJobRegistry(queue=django_rq.get_queue(queue_name))
        expired = registry.get_expired_job_ids(timestamp if timestamp is not None else time.time())
        if expired:
            registry.cleanup(timestamp)
            handled += len(expired)
    return handled
