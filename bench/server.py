"""Serve the platform with gunicorn on a free 127.0.0.1 port, DEBUG off."""

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


class Server:
    """`with Server(db_url, workers=4) as server:` serves at `server.base_url`."""

    def __init__(self, db_url: str, *, workers: int, threads: int = 1, startup_timeout: float = 60):
        self.db_url = db_url
        self.workers = workers
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._logdir = tempfile.TemporaryDirectory(prefix="bench-gunicorn-")
        self.log_path = Path(self._logdir.name) / "gunicorn.log"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "gunicorn", "hromada.config.wsgi:application",
               "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
               "--timeout", "30", "--graceful-timeout", "10", "--error-logfile", str(self.log_path),
               "--log-level", "warning"]
        if self.threads > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(self.threads)]
        return cmd

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.db_url, "DEBUG": "False", "LOG_LEVEL": "WARNING",
               "SITE_URL": self.base_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-not-secret")}
        self.proc = subprocess.Popen(self.command(), cwd=PROJECT_DIR, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self.log_tail()}")
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
        """SIGTERM the gunicorn master (graceful shutdown of its workers); SIGKILL if it hangs."""
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
            return "(no gunicorn log)"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
        self._logdir.cleanup()
