"""The call display's stream (server-sent events), bounded in time.

Each connection lasts at most `EQUEUE_STREAM_SECONDS` (default 25 s), then the browser reconnects by itself
(`retry:` tells it when) with `Last-Event-ID`, and is given the calls it missed from the database. A stream
waits on the office's Redis channel when the platform has Redis, otherwise it reads the database every
second. Under the threaded WSGI server (`make run`, the tests) the stream is a plain iterator that holds a
thread; under the ASGI stream server (`hromada serve --streams`, decision in docs/decisions.md) it is an
asynchronous iterator, so hundreds of displays cost one process no threads.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings

from hromada.apps.equeue import hall_events

RETRY_MS = 3000  # the browser's wait before reconnecting
KEEPALIVE_SECONDS = 10.0  # a comment line now and then keeps proxies from closing a quiet stream
POLL_SECONDS = 1.0  # without Redis: how often the database is asked


def stream_seconds() -> float:
    return float(getattr(settings, "EQUEUE_STREAM_SECONDS", 25))


def sse(payload: dict[str, Any], *, event: str = "call") -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"id: {payload['id']}\nevent: {event}\ndata: {data}\n\n".encode()


def opening(state: dict[str, Any] | None) -> bytes:
    head = f"retry: {RETRY_MS}\n\n".encode()
    if state is None:
        return head
    return head + sse({**state, "id": state["last_id"]}, event="state")


def _decode(message: Any) -> dict[str, Any] | None:
    if not message or message.get("type") != "message":
        return None
    try:
        return json.loads(message["data"])
    except (TypeError, ValueError):
        return None


def sync_stream(*, community_id: int, office_id: int, last_id: int, head: bytes) -> Iterator[bytes]:
    """The stream for a thread of the WSGI server."""
    deadline = time.monotonic() + stream_seconds()
    yield head
    url = hall_events.redis_url()
    pubsub = None
    if url:
        import redis

        try:
            pubsub = redis.Redis.from_url(url, socket_timeout=5).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(hall_events.channel(office_id))
        except redis.RedisError:
            pubsub = None
    try:
        # Subscribed first, then the rows since the last id: a call between the two is not lost.
        for row in hall_events.scoped_calls_after(community_id, office_id, last_id):
            last_id = row["id"]
            yield sse(row)
        quiet_since = time.monotonic()
        while (now := time.monotonic()) < deadline:
            if pubsub is not None:
                payload = _decode(pubsub.get_message(timeout=min(1.0, deadline - now)))
                fresh = [payload] if payload else []
            else:
                time.sleep(min(POLL_SECONDS, max(0.0, deadline - now)))
                fresh = hall_events.scoped_calls_after(community_id, office_id, last_id)
            for item in fresh:
                if item["id"] > last_id:
                    last_id = item["id"]
                    quiet_since = time.monotonic()
                    yield sse(item)
            if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield b": keepalive\n\n"
    finally:
        if pubsub is not None:
            pubsub.close()


async def async_stream(*, community_id: int, office_id: int, last_id: int, head: bytes) -> AsyncIterator[bytes]:
    """The stream for the ASGI server's event loop: no thread is held while it waits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + stream_seconds()
    yield head
    read_rows = sync_to_async(hall_events.scoped_calls_after, thread_sensitive=False)
    url = hall_events.redis_url()
    pubsub = None
    if url:
        import redis.asyncio as aioredis
        from redis import RedisError

        try:
            client = aioredis.Redis.from_url(url, socket_timeout=5)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(hall_events.channel(office_id))
        except (RedisError, OSError):
            pubsub = None
    try:
        for row in await read_rows(community_id, office_id, last_id):
            last_id = row["id"]
            yield sse(row)
        quiet_since = loop.time()
        while (now := loop.time()) < deadline:
            if pubsub is not None:
                payload = _decode(await pubsub.get_message(timeout=min(1.0, deadline - now)))
                fresh = [payload] if payload else []
            else:
                await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - now)))
                fresh = await read_rows(community_id, office_id, last_id)
            for item in fresh:
                if item["id"] > last_id:
                    last_id = item["id"]
                    quiet_since = loop.time()
                    yield sse(item)
            if loop.time() - quiet_since > KEEPALIVE_SECONDS:
                quiet_since = loop.time()
                yield b": keepalive\n\n"
    finally:
        if pubsub is not None:
            await pubsub.aclose()
