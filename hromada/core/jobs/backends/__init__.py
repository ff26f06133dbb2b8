"""Queue backends behind one small interface (:class:`Backend`)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from hromada.core.jobs.backends.base import Backend, Delivery

__all__ = ["Backend", "Delivery", "create_backend", "get_backend"]

BACKENDS = {
    "database": "hromada.core.jobs.backends.database.DatabaseBackend",
    "redis": "hromada.core.jobs.backends.redis_queue.RedisBackend",
    "rabbitmq": "hromada.core.jobs.backends.rabbitmq.RabbitMQBackend",
}

_local = threading.local()


def create_backend() -> Backend:
    """A new backend instance (a worker owns its own connection)."""
    name = settings.JOBS.get("BACKEND") or "database"
    if name not in BACKENDS:
        raise ValueError(f"unknown JOBS BACKEND {name!r}; choose one of {', '.join(BACKENDS)}")
    backend_class = import_string(BACKENDS[name])
    return backend_class(broker_url=settings.JOBS.get("BROKER_URL") or "")


def get_backend() -> Backend:
    """The calling thread's publishing backend; connections are not shared between threads."""
    key = (settings.JOBS.get("BACKEND"), settings.JOBS.get("BROKER_URL"))
    cached = getattr(_local, "backends", None)
    if cached is None:
        cached = _local.backends = {}
    if key not in cached:
        cached[key] = create_backend()
    return cached[key]
