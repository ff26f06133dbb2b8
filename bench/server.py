"""Serve the platform as production does (granian, or gunicorn) on a free 127.0.0.1 port, DEBUG off."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from bench.database import PROJECT_DIR
from hromada.core.management.commands.serve import granian_command


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


SERVERS = ("granian", "gunicorn")


class Server:
    """`with Server(db_url, workers=2, threads=4) as server:` serves at `server.base_url`.

    granian (the production server, docs/operations.md): `workers` processes, each running the
    WSGI application on `threads` blocking threads, with HTTP keep-alive. gunicorn: `workers`
    processes, sync (one request at a time, a new connection per request) or, with `threads` > 1,
    gthread."""

    def __init__(self, db_url: str, *, workers: int, threads: int = 1, startup_timeout: float = 60,
                 kind: str = "granian", settings_module: str | None = None):
        if kind not in SERVERS:
            raise ValueError(f"unknown server {kind!r}: one of {', '.join(SERVERS)}")
        self.db_url = db_url
        self.kind = kind
        self.workers = workers
        self.threads = threads
        self.settings_module = settings_module  # DJANGO_SETTINGS_MODULE of the server; None: the platform's
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._logdir = tempfile.TemporaryDirectory(prefix="bench-server-")
        self.log_path = Path(self._logdir.name) / "server.log"

    def command(self) -> list[str]:
        if self.kind == "granian":  # the command `hromada serve` runs, sized by the arguments
            return granian_command(host="127.0.0.1", port=self.port, workers=self.workers, threads=self.threads)
        cmd = [sys.executable, "-m", "gunicorn", "hromada.config.wsgi:application",
               "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
               "--timeout", "30", "--graceful-timeout", "10", "--error-logfile", str(self.log_path),
               "--log-level", "warning"]
        if self.threads > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(self.threads)]
        return cmd

    def pids(self) -> list[int]:
        """The server's processes: the main one and all its descendants (workers)."""
        if self.proc is None:
            return []
        found, queue = [], [self.proc.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    queue += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
        return sorted(set(found))

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.db_url, "DEBUG": "False", "LOG_LEVEL": "WARNING",
               "SITE_URL": self.base_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-not-secret")}
        if self.settings_module:
            env["DJANGO_SETTINGS_MODULE"] = self.settings_module
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command(), cwd=PROJECT_DIR, env=env,
                                         stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                status, _ = http_get(self.base_url + "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"/healthz did not answer within {self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the server's main process (graceful shutdown of its workers); SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
        self._logdir.cleanup()
