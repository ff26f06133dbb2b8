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

LOCAL_SECONDS = 2.0
_LOCAL: dict[str, tuple[float, Any]] = {}


def get(key: str) -> Any:
    now = time.monotonic()
    hit = _LOCAL.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = cache.get(key)
    if value is not None:
        _remember(key, value, now)
    return value


def set(key: str, value: Any, timeout: float) -> None:  # noqa: A001 - the cache's own verb
    cache.set(key, value, timeout)
    _remember(key, value, time.monotonic())


def delete_many(keys: Iterable[str]) -> None:
    keys = list(keys)
    for key in keys:
        _LOCAL.pop(key, None)
    cache.delete_many(keys)


def clear_local() -> None:
    _LOCAL.clear()


def _remember(key: str, value: Any, now: float) -> None:
    if len(_LOCAL) > 10_000:
        _LOCAL.clear()
    _LOCAL[key] = (now + LOCAL_SECONDS, value)
