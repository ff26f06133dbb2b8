"""What the call display hears: each call published after its commit, and the state a display starts from.

A call is first a `CallEvent` row (written in the action's transaction), so the database alone is enough: a
display's stream (or its polling fallback) reads the rows after the last id it has. With Redis configured
as the cache (REDIS_URL), the action also publishes the call on the office's channel after the commit, and
a stream waits on that channel instead of asking the database every second; the row stays the record (a
display that reconnects with `Last-Event-ID` is given the rows it missed). Decision in docs/decisions.md.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.utils import timezone

from hromada.apps.equeue.hall_models import CallEvent, CallKind
from hromada.core import tenancy

DISPLAY_ROWS = 8  # the calls a display shows at once (newest first)


def redis_url() -> str | None:
    """The Redis of the cache, if the platform runs one (settings CACHES from REDIS_URL)."""
    cache = settings.CACHES.get("default", {})
    if "redis" in cache.get("BACKEND", "").lower():
        location = cache.get("LOCATION")
        return location[0] if isinstance(location, list | tuple) else location
    return None


def channel(office_id: int) -> str:
    return f"hromada:equeue:office:{office_id}"


def event_payload(event: CallEvent, *, published_at: float | None = None) -> dict[str, Any]:
    """One call as the display shows it (no personal data: a ticket number and a window)."""
    payload: dict[str, Any] = {
        "id": event.pk, "ticket": event.ticket.number, "window": event.window.number,
        "window_name": event.window.name, "recall": event.kind == CallKind.RECALL,
        "at": timezone.localtime(event.at).isoformat(),
    }
    if published_at is not None:
        payload["published_at"] = published_at  # epoch seconds at the commit (the benchmark's clock)
    return payload


def publish(event: CallEvent) -> None:
    """Send the call to the office's channel (call after the commit). Without Redis, or when Redis is
    down, the displays read the row from the database instead: nothing is lost."""
    url = redis_url()
    if not url:
        return
    import redis

    payload = event_payload(event, published_at=time.time())
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.publish(channel(event.office_id), json.dumps(payload))
    except redis.RedisError:
        pass  # the row is committed; streams fall back to reading it


def calls_after(office_id: int, last_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """The office's calls after `last_id` (call inside the office's community scope)."""
    events = (CallEvent.objects.filter(office_id=office_id, id__gt=last_id)
              .select_related("ticket", "window").order_by("id")[:limit])
    return [event_payload(event) for event in events]


def display_state(office: Any) -> dict[str, Any]:
    """What a display shows on opening: today's latest calls, newest first, one line a ticket."""
    from hromada.apps.equeue.actions.tickets import expected_wait_minutes, waiting_count

    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    events = (CallEvent.objects.filter(office=office, at__gte=today_start)
              .select_related("ticket", "window").order_by("-id")[:DISPLAY_ROWS * 3])
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    last_id = 0
    for event in events:
        last_id = max(last_id, event.pk)
        if event.ticket_id in seen:
            continue
        seen.add(event.ticket_id)
        rows.append(event_payload(event))
        if len(rows) == DISPLAY_ROWS:
            break
    if not last_id:
        last_id = CallEvent.objects.filter(office=office).order_by("-id").values_list("id", flat=True).first() or 0
    return {"office": office.code, "last_id": last_id, "calls": rows, "waiting": waiting_count(office),
            "wait_minutes": expected_wait_minutes(office)}


def scoped_calls_after(community_id: int, office_id: int, last_id: int) -> list[dict[str, Any]]:
    """`calls_after` from outside a request (a stream's loop): the office's community made active."""
    from hromada.apps.communities.models import Community

    with tenancy.scope(Community(pk=community_id)):
        return calls_after(office_id, last_id)
