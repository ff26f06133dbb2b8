from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

from hromada.core.jobs.tests.jobs_for_tests import read_lines


def subprocess_database_url() -> str:
    """The URL of the database this test runs against, for a worker subprocess."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def start_worker(queue: str, env: dict[str, str], log: Path, *, burst: bool = False) -> subprocess.Popen:
    command = [sys.executable, "-m", "hromada.cli", "worker", "--queue", queue]
    if burst:
        command.append("--burst")
    full_env = {**os.environ, "JOBS_LEASE_SECONDS": "2", **env}
    with log.open("a") as output:
        return subprocess.Popen(command, env=full_env, stdout=output, stderr=subprocess.STDOUT)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def kill_mid_job_then_recover(queue: str, env: dict[str, str], marker: Path, tmp_path: Path) -> list[str]:
    """A worker is SIGKILLed while running `slow_marker`; a second worker must finish the job."""
    log = tmp_path / "worker.log"
    first = start_worker(queue, env, log)
    try:
        wait_for(lambda: read_lines(marker) == ["start"], 20, "the first worker to start the job")
    finally:
        first.kill()
        first.wait()
    assert read_lines(marker) == ["start"], "the job must not have finished before the kill"
    second = start_worker(queue, env, log, burst=True)
    try:
        second.wait(timeout=25)
    except subprocess.TimeoutExpired:
        second.kill()
        raise AssertionError("second worker did not drain the queue:\n" + log.read_text()) from None
    assert second.returncode == 0, log.read_text()
    return read_lines(marker)
