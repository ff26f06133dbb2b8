"""The Redis cache backend: Django's, keeping one redis client per connection pool.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for every cache
operation. With redis-py 8 that object fills a table of about 170 response callbacks on creation,
which costs more CPU than the round trip to Redis itself on the hot paths (a session read and a
rate-limit count on every signature). A redis client is thread-safe and borrows a connection from
its pool per command, so one client per pool serves the whole process.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient


class HeldConnections(threading.local):
    """Each server thread's own Redis connection for the few commands of the hottest paths.

    A redis client borrows a connection from its pool, wraps the command in its retry policy and
    gives the connection back, every time: for a session read on every signature that bookkeeping
    costs as much CPU as the round trip. `command` sends one command on a connection the calling
    thread keeps (taken from the cache's own pool, so the same server and database). A connection
    error drops that connection and tries once more on a new one, as redis-py's default retry does.
    """

    connection: Any = None
    owner: RedisCache | None = None

    def command(self, backend: RedisCache, *args: Any) -> Any:
        for attempt in (1, 2):
            connection = self._connection(backend)
            try:
                connection.send_command(*args)
                return connection.read_response()
            except (redis.ConnectionError, redis.TimeoutError):
                connection.disconnect()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _connection(self, backend: RedisCache) -> Any:
        if self.connection is None or self.owner is not backend or self.connection.pid != os.getpid():
            self.connection = backend._cache._get_connection_pool(write=True).get_connection()  # type: ignore[attr-defined]
            self.owner = backend
        return self.connection


held = HeldConnections()
