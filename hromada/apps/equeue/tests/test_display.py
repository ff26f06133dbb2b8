"""The call display: its page (no inline script), its state as JSON, and its server-sent events stream."""

import json

import pytest

from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.tests.hall import make_office, make_service, make_window, today_at
from hromada.core import tenancy

BASE = "/c/kyiv/queue/offices/cnap"


@pytest.fixture(autouse=True)
def _short_streams(settings):
    settings.EQUEUE_STREAM_SECONDS = 1.5


@pytest.fixture
def hall(community, staff):
    operator = staff("operator")
    office = make_office(community)
    passport = make_service(community)
    window = make_window(office, "7", services=(passport,), operator=operator)
    return office, passport, window, operator


def _events(response) -> list[tuple[str, str, dict]]:
    text = b"".join(response.streaming_content).decode()
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields:
            events.append((fields.get("id", ""), fields.get("event", ""), json.loads(fields["data"])))
    return events


def test_the_stream_sends_a_call_made_after_the_display_connected(client, community, hall):
    office, passport, window, operator = hall
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=passport, now=today_at(8))
        tickets.issue_ticket(office=office, service=passport, now=today_at(8, 1))
        first = tickets.call_next(window=window, by=operator)
        tickets.served(ticket=first, window=window, by=operator)
    before = client.get(f"{BASE}/display/state.json").json()
    assert [c["ticket"] for c in before["calls"]] == ["A-001"]

    response = client.get(f"{BASE}/display/events/", HTTP_LAST_EVENT_ID=str(before["last_id"]))
    assert response["Content-Type"] == "text/event-stream"
    with tenancy.scope(community):
        tickets.call_next(window=window, by=operator)  # while the display listens
    events = _events(response)
    assert [(e[1], e[2]["ticket"], e[2]["window"]) for e in events] == [("call", "A-002", "7")]
    assert int(events[0][0]) > before["last_id"]


def test_a_new_display_starts_from_the_state_and_is_told_when_to_reconnect(client, community, hall):
    office, passport, window, operator = hall
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=passport)
        called = tickets.call_next(window=window, by=operator)
        tickets.recall(ticket=called, window=window, by=operator)
    response = client.get(f"{BASE}/display/events/")
    raw = b"".join(response.streaming_content).decode()
    assert raw.startswith("retry: 3000\n")
    (event_id, kind, state), = _events_from(raw)
    assert kind == "state" and state["calls"][0]["ticket"] == "A-001" and state["calls"][0]["recall"] is True
    assert len(state["calls"]) == 1  # one line a ticket, however often it was called


def _events_from(raw: str):
    class Fake:
        streaming_content = [raw.encode()]
    return _events(Fake())


def test_the_display_page_has_no_inline_script_or_style(client, community, hall):
    page = client.get(f"{BASE}/display/").content.decode()
    assert "equeue/display.js" in page and "data-events=" in page
    assert "<script>" not in page and "<style" not in page and "style=" not in page


def test_the_waiting_time_is_public(client, community, hall):
    office, passport, _window, _operator = hall
    with tenancy.scope(community):
        for _ in range(3):
            tickets.issue_ticket(office=office, service=passport)
    assert client.get(f"{BASE}/waiting-time/?format=json").json() == {"office": "cnap", "waiting": 3,
                                                                       "wait_minutes": 30}
    assert "30" in client.get(f"{BASE}/waiting-time/").content.decode()


def test_an_unknown_office_is_404(client, community):
    assert client.get("/c/kyiv/queue/offices/nowhere/display/").status_code == 404
    assert client.get("/c/kyiv/queue/offices/nowhere/display/events/").status_code == 404


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_a_call_is_published_after_its_commit(settings, community, hall):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    office, passport, window, operator = hall
    from hromada.apps.equeue import hall_events

    pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(hall_events.channel(office.pk))
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=passport)
        tickets.call_next(window=window, by=operator)
    message = None
    for _ in range(20):
        message = pubsub.get_message(timeout=0.25)
        if message:
            break
    pubsub.close()
    assert message is not None
    payload = json.loads(message["data"])
    assert (payload["ticket"], payload["window"], payload["recall"]) == ("A-001", "7", False)
    assert payload["published_at"] > 0


@pytest.mark.django_db(transaction=True)
def test_the_asgi_stream_gives_a_reconnecting_display_what_it_missed(community, hall):
    """The stream server's iterator (no thread held while it waits) reads the calls after Last-Event-ID."""
    import asyncio

    from hromada.apps.equeue import hall_stream
    from hromada.core.management.commands.serve import stream_command

    office, passport, window, operator = hall
    with tenancy.scope(community):
        tickets.issue_ticket(office=office, service=passport)
        tickets.call_next(window=window, by=operator)

    async def read() -> bytes:
        chunks = [chunk async for chunk in hall_stream.async_stream(
            community_id=community.pk, office_id=office.pk, last_id=0, head=hall_stream.opening(None))]
        return b"".join(chunks)

    raw = asyncio.run(read()).decode()
    assert raw.startswith("retry: 3000")
    assert [(kind, data["ticket"]) for _id, kind, data in _events_from(raw)] == [("call", "A-001")]
    assert "asginl" in stream_command(host="127.0.0.1", port=8001, workers=1)
