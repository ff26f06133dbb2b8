"""RQ (on Redis) behind the task API, through ``django_tasks_rq``: the scale-out engine.

``HromadaQueue`` gives every job what the database backend's worker gives every task: the task's
time limit (``job_timeout``: RQ stops the work horse and records the job as failed) and, when its
worker dies mid-run (``kill -9``, a lost machine), a new run: RQ retries an abandoned job only if
it has retries left, so each job gets ``TASK_MAX_LOST_RUNS`` of them, kept for abandonment
alone. A task that raises is recorded as failed and not retried, as on the database backend;
a task that should try again (notification delivery) enqueues its next run itself.

``Worker`` stops an overdue run with :class:`TaskTimeLimitExceeded` rather than RQ's own timeout
exception, which is an ``Exception`` that a task's ``except Exception`` would swallow.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_rq.queues import DjangoRQ
from django_tasks_rq.backend import failed_callback
from rq import Callback, Retry
from rq import Worker as RQWorker
from rq.exceptions import AbandonedJobError
from rq.timeouts import UnixSignalDeathPenalty

from hromada.core.tasks import time_limit
from hromada.core.tasks.errors import TaskTimeLimitExceeded


def on_failure(job: Any, connection: Any, exception_class: Any, exception: Any, traceback: Any) -> None:
    failed_callback(job, connection, exception_class, exception, traceback)
    if not issubclass(exception_class, AbandonedJobError):
        job.retries_left = 0  # raised or timed out: recorded as failed, not run again


class HromadaQueue(DjangoRQ):
    def create_job(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        task_path = func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"
        kwargs["timeout"] = time_limit(task_path)
        kwargs["retry"] = Retry(max=settings.TASK_MAX_LOST_RUNS)
        kwargs["on_failure"] = Callback(on_failure)
        kwargs.setdefault("failure_ttl", settings.TASK_FAILED_KEEP_DAYS * 86400)
        return super().create_job(func, *args, **kwargs)


class TimeLimit(UnixSignalDeathPenalty):
    def handle_death_penalty(self, signum: int, frame: Any) -> None:
        raise TaskTimeLimitExceeded("the task ran longer than its time limit and was stopped")


class Worker(RQWorker):
    death_penalty_class = TimeLimit
