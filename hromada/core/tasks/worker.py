"""The database backend's worker, with what the stock ``db_worker`` lacks: a time limit on every
run and the recovery of tasks whose worker died."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from django.conf import settings
from django.db import connections, transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from hromada.core.tasks import time_limit
from hromada.core.tasks.errors import TaskTimeLimitExceeded
from hromada.core.tasks.recovery import recover_database

logger = logging.getLogger("hromada.tasks")


class Worker(DatabaseWorker):
    """Runs each task under its time limit: SIGALRM interrupts a run that overstays it, and the run
    is recorded as failed with :class:`TaskTimeLimitExceeded` (a blocking call in C code is
    interrupted when it returns; PostgreSQL's statement_timeout bounds a slow query).

    Beside the loop, a thread puts the tasks of dead workers back to ready
    (:mod:`hromada.core.tasks.recovery`) every ``TASK_RECOVERY_INTERVAL`` seconds."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tasks_run = 0
        self._in_task = False
        self._stop_recovery = threading.Event()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        limit = time_limit(db_task_result.task_path)
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread:
            previous = signal.signal(signal.SIGALRM, self._time_is_up)
            signal.setitimer(signal.ITIMER_REAL, limit)
        self._in_task = True
        try:
            super().run_task(db_task_result)
        finally:
            self._in_task = False
            if in_main_thread:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            self.tasks_run += 1

    def _time_is_up(self, signum: int, frame: FrameType | None) -> None:
        if self._in_task:
            raise TaskTimeLimitExceeded("the task ran longer than its time limit and was stopped")

    def run(self) -> None:
        recovery = threading.Thread(target=self._recover_periodically, name="task-recovery", daemon=True)
        recovery.start()
        try:
            super().run()
        finally:
            self._stop_recovery.set()

    def _recover_periodically(self) -> None:
        while not self._stop_recovery.wait(settings.TASK_RECOVERY_INTERVAL):
            try:
                recover_database()
            except Exception:
                logger.exception("recovering abandoned tasks failed")
            finally:
                connections.close_all()  # this thread's connections only


def inline_worker() -> Worker:
    return Worker(queue_names=["*"], interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                  startup_delay=False, max_tasks=None, worker_id="inline", excluded_queue_names=[])


def run_due_tasks() -> int:
    """Run, in this thread and transaction, every task that is due now; return how many ran (tests)."""
    worker = inline_worker()
    while True:
        with transaction.atomic():
            row = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS).get_locked()
            if row is not None:
                row.claim(worker.worker_id)
        if row is None:
            return worker.tasks_run
        worker.run_task(row)
