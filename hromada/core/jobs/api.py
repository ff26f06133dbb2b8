"""``@job`` and ``enqueue()``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from hromada.core.jobs.registry import JobSpec, register, resolve

F = TypeVar("F", bound=Callable[..., Any])


def job(name: str | None = None, max_attempts: int = 5, queue: str | None = None) -> Callable[[F], F]:
    """Register a function as a job. It is called with the enqueued keyword arguments."""

    def decorator(func: F) -> F:
        job_name = name or f"{func.__module__}.{func.__qualname__}"
        register(JobSpec(name=job_name, func=func, max_attempts=max_attempts, queue=queue))
        func.job_name = job_name  # type: ignore[attr-defined]
        return func

    return decorator


def default_queue() -> str:
    return str(settings.JOBS.get("QUEUE") or "default")


def enqueue(func_or_name: Callable[..., Any] | str, *, delay_seconds: float = 0, on_commit: bool = True,
            queue: str | None = None, **payload: Any) -> None:
    """Schedule a registered job with `payload` as its keyword arguments.

    With ``on_commit`` (the default) the job is published only if the surrounding transaction
    commits; the database backend gets the same guarantee by writing the job row in that
    transaction. A ``community_id`` in the payload makes the worker run the job inside that
    community's tenancy scope.
    """
    from hromada.core.jobs.backends import get_backend

    name = func_or_name if isinstance(func_or_name, str) else getattr(func_or_name, "job_name", None)
    if not name:
        raise ValueError(f"{func_or_name!r} is not a registered job (decorate it with @job)")
    spec = resolve(name)
    # Fail here, in the caller, rather than in the worker.
    payload = json.loads(json.dumps(payload))
    target_queue = queue or spec.queue or default_queue()
    backend = get_backend()

    def publish() -> None:
        get_backend().push(target_queue, spec.name, payload, delay_seconds=delay_seconds,
                           max_attempts=spec.max_attempts)

    if backend.transactional or not on_commit:
        publish()
    else:
        transaction.on_commit(publish)
