"""Jobs used by the tests (imported by name in worker subprocesses too)."""

from __future__ import annotations

import time
from pathlib import Path

from hromada.core import tenancy
from hromada.core.jobs import job


def _append(path: str, text: str) -> None:
    with Path(path).open("a") as handle:
        handle.write(text + "\n")
        handle.flush()


def read_lines(path: str | Path) -> list[str]:
    file = Path(path)
    return file.read_text().splitlines() if file.exists() else []


@job()
def append_line(*, path: str, text: str) -> None:
    _append(path, text)


@job(max_attempts=3)
def flaky(*, path: str, failures: int) -> None:
    """Fails on its first `failures` runs."""
    _append(path, "try")
    if len(read_lines(path)) <= failures:
        raise RuntimeError("gateway not reachable")


@job()
def record_scope(*, path: str, community_id: int | None = None) -> None:
    active = tenancy.current_scope()
    _append(path, f"{active.community_id if active else None}:{active.all_communities if active else None}")


@job()
def slow_marker(*, path: str, seconds: float) -> None:
    """Marks the start, works for a while, marks the end: a run that is killed leaves only 'start'."""
    _append(path, "start")
    time.sleep(seconds)
    _append(path, "done")
