"""Background tasks on Django's task API (``django_tasks`` now, ``django.tasks`` from Django 6).

A task is a module-level function decorated with ``@task()``; callers schedule it with
:func:`enqueue`, which keeps one rule on every backend: a task enqueued inside a transaction
runs only if that transaction commits. The database backend gets that for free (its row is
written in the caller's transaction); other backends are handed the task on commit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

from django.conf import settings
from django.db import transaction

P = ParamSpec("P")
T = TypeVar("T")

__all__ = ["enqueue", "enqueue_per_community", "scoped", "time_limit"]


def enqueues_in_transaction(backend: Any) -> bool:
    """True when the backend writes the task in the caller's database transaction."""
    from django_tasks_db import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def enqueue(task: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Enqueue `task` (a ``Task``, or ``task.using(...)``) with these arguments.

    Returns the task result, or None when the backend is handed the task on commit."""
    if enqueues_in_transaction(task.get_backend()):
        return task.enqueue(*args, **kwargs)
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs))
    return None


def enqueue_per_community(task: Any, /) -> None:
    """Enqueue `task(community_id=...)` once for every active community (the periodic fan-outs)."""
    from hromada.apps.communities.models import Community

    for community_id in Community.objects.filter(is_active=True).values_list("pk", flat=True):
        enqueue(task, community_id=community_id)


def scoped(func: Callable[P, T]) -> Callable[P, T]:
    """Run the task in the tenancy scope of its ``community_id`` argument (all communities without one).

    Put it under ``@task()``: a worker has no request, so this is where the community comes from."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        from hromada.apps.communities.models import Community
        from hromada.core import tenancy

        community_id = cast("int | None", kwargs.get("community_id"))
        if community_id:
            with tenancy.scope(Community.objects.get(pk=community_id)):
                return func(*args, **kwargs)
        with tenancy.scope(all_communities=True):
            return func(*args, **kwargs)

    return wrapper


def time_limit(task_path: str) -> int:
    """Seconds a run of the task at `task_path` may take before it is stopped and recorded as failed."""
    return int(settings.TASK_TIME_LIMITS.get(task_path, settings.TASK_TIME_LIMIT))
