"""``hromada worker``: run background tasks for the configured backend (database or RQ)."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from hromada.core.tasks.recovery import uses_rq


class Command(BaseCommand):
    help = "Run background tasks (stop with SIGTERM: the running task is finished first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="*",
                            help="Queues to take tasks from, separated by commas (default: all; RQ: all of RQ_QUEUES).")
        parser.add_argument("--concurrency", type=int, default=1, help="Number of worker processes.")
        parser.add_argument("--burst", action="store_true", help="Exit when no task is ready.")
        parser.add_argument("--with-scheduler", action="store_true",
                            help="Also run the scheduler of periodic tasks in this process (one per site).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["concurrency"] > 1:
            self._supervise(options)
            return
        autodiscover_modules("tasks")
        scheduler = None
        if options["with_scheduler"]:
            from hromada.core.tasks import scheduler as schedule

            scheduler = schedule.build(background=True)
            scheduler.start()
        try:
            if uses_rq():
                self._run_rq(options)
            else:
                self._run_database(options)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    def _run_database(self, options: dict[str, Any]) -> None:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS

        from hromada.core.tasks.worker import Worker

        worker = Worker(queue_names=options["queue"].split(","), interval=1, batch=options["burst"],
                        backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=not options["burst"],
                        max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[])
        worker.configure_signals()
        try:
            worker.run()
        except SystemExit as stop:  # the stock worker exits from its signal handler when idle
            if stop.code:
                raise
        self.stdout.write(_("Worker stopped after %(count)d tasks.") % {"count": worker.tasks_run})

    def _run_rq(self, options: dict[str, Any]) -> None:
        import django_rq
        from django.conf import settings

        queues = list(settings.RQ_QUEUES) if options["queue"] == "*" else options["queue"].split(",")
        worker = django_rq.get_worker(*queues)
        worker.work(burst=options["burst"], with_scheduler=True)

    def _supervise(self, options: dict[str, Any]) -> None:
        """One process per worker, so a task that blocks or crashes does not stop the others."""
        command = [sys.executable, "-m", "hromada.cli", "worker", "--queue", options["queue"]]
        if options["burst"]:
            command.append("--burst")
        children = []
        for index in range(options["concurrency"]):
            extra = ["--with-scheduler"] if index == 0 and options["with_scheduler"] else []
            children.append(subprocess.Popen([*command, *extra]))  # noqa: S603

        def forward(signum: int, _frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        codes = [child.wait() for child in children]
        if any(codes):
            sys.exit(max(codes))
