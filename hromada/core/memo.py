"""Process memory, always by community: the one helper for values a process keeps for a few seconds.

Values such as a community's routing table are read on every registration. The shared cache
(Redis in production) holds them for all processes and is cleared by the actions that change
them; each process also keeps what it read for LOCAL_SECONDS, which saves the cache round trip
on the hot path. A change is therefore seen at once by the process that made it and within
LOCAL_SECONDS by the others. The values returned are shared: read them, never change them.

Everything a process remembers belongs to one community, and is found only under it: every
`TimedMemory` entry and every `get`/`set` here takes the community's id apart from the key, so a
value read through one community's address can never answer (or spoil) another's. A value that
belongs to no community (which community a host name is, an identity provider's published keys) is
put under `ABOVE_COMMUNITIES`, said so where it is used.

Every `TimedMemory` is registered when it is made; `clear_all()` empties every one of them (the
test suite calls it around each test, since ids are reused after a rollback). What one request
reads once (a person's roles) is kept on the request's own objects with `remember_on`, and goes
with them.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.core.cache import cache

MISSING = object()
ABOVE_COMMUNITIES = None  # the "community" of values that belong to none (host names, identity providers)

T = TypeVar("T")

_MEMORIES: weakref.WeakSet[TimedMemory] = weakref.WeakSet()


class TimedMemory:
    """A process's short memory, by community: each value is kept for the seconds it was put with.
    Bounded: past `limit` entries it forgets everything at once (unknown keys must not grow it without
    end). `name` says what it holds (for the reader and for `memories()`)."""

    def __init__(self, name: str = "", limit: int = 10_000) -> None:
        self.name = name
        self.limit = limit
        self._entries: dict[tuple[int | None, Any], tuple[float, Any]] = {}
        _MEMORIES.add(self)

    def get(self, community_id: int | None, key: Any, default: Any = MISSING) -> Any:
        hit = self._entries.get((community_id, key))
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return default

    def put(self, community_id: int | None, key: Any, value: Any, seconds: float) -> None:
        if len(self._entries) > self.limit:
            self._entries.clear()
        self._entries[(community_id, key)] = (time.monotonic() + seconds, value)

    def remember(self, community_id: int | None, key: Any, load: Callable[[], T], seconds: float) -> T:
        """The value under `key` if it was put less than `seconds` ago, else `load()`'s (then kept).
        `seconds` <= 0 keeps nothing: every call loads."""
        if seconds > 0:
            hit = self.get(community_id, key)
            if hit is not MISSING:
                return cast(T, hit)
        value = load()
        if seconds > 0:
            self.put(community_id, key, value, seconds)
        return value

    def pop(self, community_id: int | None, key: Any) -> None:
        self._entries.pop((community_id, key), None)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<TimedMemory {self.name or id(self)}: {len(self)} entries>"


def memories() -> list[TimedMemory]:
    """Every process memory that exists now."""
    return list(_MEMORIES)


def clear_all() -> None:
    """Forget everything every process memory holds (tests; a deploy hook that must drop stale values)."""
    for memory in memories():
        memory.clear()


def remember_on(holder: Any, name: str, community_id: int | None, key: Any, load: Callable[[], T]) -> T:
    """`load()` once per `holder` object (e.g. the request's user), by community and key.

    Kept in the object's own attributes under `name`: a request loads its objects afresh, so what is
    read here lasts one request and a change shows from the next one on."""
    store: dict[tuple[int | None, Any], Any] = holder.__dict__.setdefault(name, {})
    entry = (community_id, key)
    if entry not in store:
        store[entry] = load()
    return store[entry]


def forget_on(holder: Any, name: str) -> None:
    """Drop what `remember_on` kept on `holder` under `name` (after a change made in this request)."""
    holder.__dict__.pop(name, None)


LOCAL_SECONDS = 2.0
_LOCAL = TimedMemory("memo.shared_cache_copies")


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
    """Forget this module's copies of shared-cache values (the other memories keep theirs)."""
    _LOCAL.clear()
