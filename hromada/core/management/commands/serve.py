"""`hromada serve`: the production server, granian, sized by the environment.

It runs the deploy checks first and does not start while any of them is an error: above all a
development, short or shared key (hromada.core.deploy). Listens on WEB_HOST:PORT with WEB_WORKERS
processes (0: one per CPU) of WEB_THREADS threads each; docs/operations.md."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand, CommandParser


def granian_command(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "granian", "--interface", "wsgi", "hromada.config.wsgi:application",
            "--host", host, "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads),
            "--no-ws", "--respawn-failed-workers", "--log-level", "warning"]


def stream_command(*, host: str, port: int, workers: int) -> list[str]:
    """The call displays' stream server: the same Django project under granian's ASGI interface, where a
    server-sent events stream waits in the event loop instead of holding a thread (docs/decisions.md)."""
    return [sys.executable, "-m", "granian", "--interface", "asginl", "hromada.config.asgi:application",
            "--host", host, "--port", str(port), "--workers", str(workers), "--no-ws", "--respawn-failed-workers",
            "--log-level", "warning"]


class Command(BaseCommand):
    help = "Run the production web server (granian); refuses development or weak keys."
    requires_system_checks: list[str] = []  # run below, with the deploy checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check-only", action="store_true",
                            help="run the checks and print the server command without starting it")
        parser.add_argument("--streams", action="store_true",
                            help="serve the call displays' event streams (ASGI) on STREAM_PORT instead; the load "
                                 "balancer sends …/display/events/ there")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check(include_deployment_checks=True, fail_level=checks.ERROR)
        serve = settings.SERVE
        if options["streams"]:
            command = stream_command(host=serve["HOST"], port=serve["STREAM_PORT"], workers=serve["STREAM_WORKERS"])
        else:
            command = granian_command(host=serve["HOST"], port=serve["PORT"],
                                      workers=serve["WORKERS"] or os.cpu_count() or 1, threads=serve["THREADS"])
        if options["check_only"]:
            self.stdout.write(" ".join(command))
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, command)  # noqa: S606 - granian replaces this process, signals reach it directly
