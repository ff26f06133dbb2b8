"""Process memory in front of the shared cache, for small, hot values that rarely change.

Values such as a community's routing table are read on every registration. The shared cache
(Redis in production) holds them for all processes and is cleared by the actions that change
them; each process also keeps what it read for LOCAL_SECONDS, which saves the cache round trip
on the hot path. A change is therefore seen at once by the process that made it and within
LOCAL_SECONDS by the others. The values returned are shared: read them, never change them.

Everything a process remembers belongs to one community, and is found only under it: every
`TimedMemory` entry and every `get`/`set` here takes the community's id apart from the key, so a
value read through one community's address can never answer (or spoil) another's. The one
memory above communities is the resolution of a host name or prefix to its community
(`tenancy.middleware`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

MISSING = object()


class TimedMemory:
    """A process's short memory, by community: each value is kept for the seconds it was put with.
    Bounded: past `limit` entries it forgets everything at once (unknown keys must not grow it without
    end)."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._entries: dict[tuple[int, Any], tuple[float, Any]] = {}

    def get(self, community_id: int, key: Any, default: Any = MISSING) -> Any:
        hit = self._entries.get((community_id, key))
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return default

    def put(self, community_id: int, key: Any, value: Any, seconds: float) -> None:
        if len(self._entries) > self.limit:
            self._entries.clear()
        self._entries[(community_id, key)] = (time.monotonic() + seconds, value)

    def pop(self, community_id: int, key: Any) -> None:
        self._entries.pop((community_id, key), None)

    def clear(self) -> None:
        self._entries.clear()


LOCAL_SECONDS = 2.0
_LOCAL = TimedMemory()


def _shared_key(community_id: int, key: str) -> str:
    return f"c{int(community_id)}:{key}"


def get(community_id: int, key: str) -> Any:
    """The community's value under `key` (this process's memory, else the shared cache), or None."""
    value = _LOCAL.get(community_id, key)
    if value is not MISSING:
        return value
    value = cache.get(_shared_key(community_id, key))
    if value is not None:
        _LOCAL.put(community_id, key, value, LOCAL_SECONDS)
    return value


def set(community_id: int, key: str, value: Any, timeout: float) -> None:  # noqa: A001 - the cache's own verb
    cache.set(_shared_key(community_id, key), value, timeout)
    _LOCAL.put(community_id, key, value, LOCAL_SECONDS)


def delete_many(community_id: int, keys: Iterable[str]) -> None:
    keys = list(keys)
    for key in keys:
        _LOCAL.pop(community_id, key)
    cache.delete_many([_shared_key(community_id, key) for key in keys])


def clear_local() -> None:
    _LOCAL.clear()
