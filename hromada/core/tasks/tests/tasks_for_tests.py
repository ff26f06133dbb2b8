"""Tasks used by the tests (imported by path in worker subprocesses too)."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task

from hromada.core import tenancy
from hromada.core.tasks import scoped


def _append(path: str, text: str) -> None:
    with Path(path).open("a") as handle:
        handle.write(text + "\n")
        handle.flush()


def read_lines(path: str | Path) -> list[str]:
    file = Path(path)
    return file.read_text().splitlines() if file.exists() else []


@task()
def append_line(*, path: str, text: str) -> None:
    _append(path, text)


@task()
def fails(*, path: str) -> None:
    _append(path, "try")
    raise RuntimeError("gateway not reachable")


@task()
@scoped
def record_scope(*, path: str, community_id: int | None = None) -> None:
    active = tenancy.current_scope()
    _append(path, f"{active.community_id if active else None}:{active.all_communities if active else None}")


@task()
def slow_marker(*, path: str, seconds: float) -> None:
    """Marks the start, works for a while, marks the end: a run that is killed leaves only 'start'."""
    _append(path, "start")
    time.sleep(seconds)
    _append(path, "done")


@task()
def catches_everything(*, path: str, seconds: float) -> None:
    """A task whose own `except Exception` must not keep it running past its time limit."""
    _append(path, "start")
    try:
        time.sleep(seconds)
    except Exception:
        _append(path, "swallowed")
    _append(path, "done")
