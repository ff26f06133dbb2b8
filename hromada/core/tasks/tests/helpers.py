from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection


def subprocess_database_url() -> str:
    """The URL of the database this test runs against, for a worker subprocess."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    """Quick recovery for the tests: a lost task is taken back a second after its time limit."""
    return {"DATABASE_URL": subprocess_database_url(), "TASKS_BACKEND": "database", "TASK_RECOVERY_GRACE": "1",
            "TASK_RECOVERY_INTERVAL": "1", "PYTHONUNBUFFERED": "1", **extra}


def start_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    """`hromada worker` in its own process group (killing the group kills RQ's work horse too)."""
    command = [sys.executable, "-m", "hromada.cli", "worker", *args]
    with log.open("a") as output:
        return subprocess.Popen(command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def kill_9(process: subprocess.Popen) -> None:
    """SIGKILL the worker and every process it started, as when its machine dies (RQ's work horse
    runs in a process group of its own, so killing the worker's group is not enough)."""
    for pid in [process.pid, *_descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def stop(process: subprocess.Popen, log: Path) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_9(process)
            raise AssertionError("worker did not stop on SIGTERM:\n" + log.read_text()) from None


def run_django(code: str, env: dict[str, str]) -> str:
    """Run `code` in a fresh process with Django set up in `env`; return what it printed."""
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (":\n" + log.read_text() if log else ""))
