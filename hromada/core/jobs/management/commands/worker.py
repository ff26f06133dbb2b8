"""``hromada worker``: run background jobs."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from hromada.core.jobs.api import default_queue
from hromada.core.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs from the queue (stop with SIGTERM: the running job is finished first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default=None, help="Queue name (default: settings.JOBS['QUEUE']).")
        parser.add_argument("--concurrency", type=int, default=1, help="Number of worker processes.")
        parser.add_argument("--burst", action="store_true", help="Exit when the queue has no work left.")

    def handle(self, *args: Any, **options: Any) -> None:
        queue = options["queue"] or default_queue()
        if options["concurrency"] > 1:
            self._supervise(queue, options["concurrency"], options["burst"])
            return
        autodiscover_modules("tasks")
        worker = Worker(queue=queue, burst=options["burst"])
        signal.signal(signal.SIGTERM, worker.request_stop)
        signal.signal(signal.SIGINT, worker.request_stop)
        processed = worker.run()
        self.stdout.write(_("Worker stopped after %(count)d jobs.") % {"count": processed})

    def _supervise(self, queue: str, concurrency: int, burst: bool) -> None:
        """One process per worker, so a job that blocks or crashes does not stop the others."""
        command = [sys.executable, "-m", "hromada.cli", "worker", "--queue", queue, "--concurrency", "1"]
        if burst:
            command.append("--burst")
        children = [subprocess.Popen(command) for _index in range(concurrency)]  # noqa: S603

        def forward(signum: int, _frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        codes = [child.wait() for child in children]
        if any(codes):
            sys.exit(max(codes))
