from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass
class Delivery:
    """One claimed run of a job."""

    id: str
    queue: str
    name: str
    payload: dict[str, Any]
    attempts: int  # counting this run
    max_attempts: int
    raw: Any = field(default=None, repr=False)  # backend-specific handle


def lease_seconds() -> float:
    return float(settings.JOBS.get("LEASE_SECONDS") or 60)


def backoff_seconds(attempts: int) -> float:
    """Delay before the next run after `attempts` failed runs: 2, 4, 8, ... capped."""
    cap = float(settings.JOBS.get("MAX_BACKOFF_SECONDS") or 300)
    return float(min(2**attempts, cap))


class Backend:
    """A queue. ``claim`` hands a job to one worker; the worker then calls exactly one of
    ``complete``, ``retry`` or ``fail``. A claimed job whose worker stops calling
    ``heartbeat`` is given to another worker."""

    #: True when ``push`` writes in the caller's database transaction (then it needs no on_commit).
    transactional = False

    def __init__(self, broker_url: str = "") -> None:
        self.broker_url = broker_url

    def push(self, queue: str, name: str, payload: dict[str, Any], *, delay_seconds: float = 0,
             max_attempts: int = 5) -> None:
        raise NotImplementedError

    def claim(self, queue: str, worker_id: str, timeout: float) -> Delivery | None:
        raise NotImplementedError

    def heartbeat(self, delivery: Delivery, worker_id: str) -> None:
        raise NotImplementedError

    def complete(self, delivery: Delivery, worker_id: str) -> None:
        raise NotImplementedError

    def retry(self, delivery: Delivery, worker_id: str, *, delay_seconds: float, error: str) -> None:
        raise NotImplementedError

    def fail(self, delivery: Delivery, worker_id: str, *, error: str) -> None:
        raise NotImplementedError

    def pending_count(self, queue: str) -> int:
        """Jobs not finished yet: ready, delayed or running (also on a dead worker)."""
        raise NotImplementedError

    def close(self, worker_id: str | None = None) -> None:
        return None

    @staticmethod
    def now() -> float:
        return time.time()
