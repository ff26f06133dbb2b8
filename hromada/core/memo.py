"""Process memory in front of the shared cache, for small, hot values that rarely change.

Values such as a community's routing table are read on every registration. The shared cache
(Redis in production) holds them for all processes and is cleared by the actions that change
them; each process also keeps what it read for LOCAL_SECONDS, which saves the cache round trip
on the hot path. A change is therefore seen at once by the process that made it and within
LOCAL_SECONDS by the others. The values returned are shared: read them, never change them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

MISSING = object()


class TimedMemory:
    """A process's short memory: each value is kept for the seconds it was put with. Bounded: past
    `limit` entries it forgets everything at once (unknown keys must not grow it without end)."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._entries: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any, default: Any = MISSING) -> Any:
        hit = self._entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return default

    def put(self, key: Any, value: Any, seconds: float) -> None:
        if len(self._entries) > self.limit:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + seconds, value)

    def pop(self, key: Any) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


LOCAL_SECONDS = 2.0
_LOCAL = TimedMemory()


def get(key: str) -> Any:
    value = _LOCAL.get(key)
    if value is not MISSING:
        return value
    value = cache.get(key)
    if value is not None:
        _LOCAL.put(key, value, LOCAL_SECONDS)
    return value


def set(key: str, value: Any, timeout: float) -> None:  # noqa: A001 - the cache's own verb
    cache.set(key, value, timeout)
    _LOCAL.put(key, value, LOCAL_SECONDS)


def delete_many(keys: Iterable[str]) -> None:
    keys = list(keys)
    for key in keys:
        _LOCAL.pop(key)
    cache.delete_many(keys)


def clear_local() -> None:
    _LOCAL.clear()
