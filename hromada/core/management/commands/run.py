"""``hromada run [ADDRESS:PORT]``: the whole platform on one machine, for a laptop or a demonstration.

Two processes, started and stopped together: Django's development server and ``hromada worker
--with-scheduler``, which delivers the notifications (confirmation e-mails, SMS codes, notices), runs the
other background tasks and enqueues the periodic ones. Links in messages follow the address served
(``SITE_URL``, unless it is set), and uploaded media are served too (``SERVE_MEDIA``). Ctrl+C or
SIGTERM stops both; when one of them stops, the other is stopped as well.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

DEFAULT_ADDRESS = "127.0.0.1:8000"


def environment_for(address: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The children's environment: links in messages point at the address served."""
    environment = dict(os.environ if base is None else base)
    host, _sep, port = address.rpartition(":")
    if not host:
        host, port = "127.0.0.1", address
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 - a name for the links, not an address to bind
        host = "127.0.0.1"
    environment.setdefault("SITE_URL", f"http://{host}:{port}")
    environment.setdefault("SERVE_MEDIA", "true")
    return environment


class Command(BaseCommand):
    help = "Serve the platform with the development server and run the background worker and scheduler beside it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", nargs="?", default=DEFAULT_ADDRESS, help="ADDRESS:PORT to serve on.")
        parser.add_argument("--noreload", action="store_true", help="Do not restart the server on code changes.")

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["address"]
        environment = environment_for(address)
        command = [sys.executable, "-m", "hromada.cli"]
        server_args = [*command, "runserver", address]
        if options["noreload"]:
            server_args.append("--noreload")
        # The server runs in its own process group: with its reloader it is two processes, and both
        # must stop. The worker finishes its running task on SIGTERM.
        worker = subprocess.Popen([*command, "worker", "--with-scheduler"], env=environment)  # noqa: S603
        server = subprocess.Popen(server_args, env=environment, start_new_session=True)  # noqa: S603
        children = [worker, server]
        self.stdout.write(f"Links in messages: {environment['SITE_URL']}; background worker and scheduler started.")
        stopping: list[int] = []

        def stop(signum: int, _frame: Any) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
            try:
                os.killpg(server.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        codes = [child.returncode for child in children]
        if not stopping and any(codes):
            sys.exit(max(abs(code) for code in codes))
