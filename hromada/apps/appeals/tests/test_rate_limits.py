"""Filing is limited per resident (web and API) and per Open311 key, by the community's own settings;
a refused filing answers 429 and registers nothing."""

from __future__ import annotations

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal
from hromada.core import tenancy

API = "/c/kyiv/api/v1/appeals/"
OPEN311 = "/c/kyiv/open311/v2/requests.json"


def _count(world) -> int:
    with tenancy.scope(world.community):
        return Appeal.objects.count()


def _limit(world, **fields) -> None:
    for name, value in fields.items():
        setattr(world.community, name, value)
    world.community.save(update_fields=list(fields))


def test_a_resident_over_the_hours_limit_gets_429_and_nothing_is_filed(client, world):
    _limit(world, appeal_rate_per_hour=2)
    client.force_login(world.resident)
    body = {"text": "Яма", "category": "pothole", "address": "вул. Соборна, 5"}
    for _ in range(2):
        assert client.post(API, body, content_type="application/json").status_code == 201

    refused = client.post(API, body, content_type="application/json")

    assert refused.status_code == 429 and refused.json()["errors"][0]["code"] == "rate_limited"
    assert _count(world) == 2
    web = client.post("/c/kyiv/appeals/new/", {"type": "complaint", "category": world.pothole.pk,
                                               "text": "Вибоїна", "address": "вул. Соборна, 5"})
    assert web.status_code == 429 and "many appeals in the last hour" in web.content.decode()
    assert _count(world) == 2


def test_open311_key_over_its_limit_gets_429_in_the_open311_format(client, world):
    _limit(world, open311_rate_per_hour=2)
    with tenancy.scope(world.community):
        key = actions.open311_key_issue(community=world.community, name="FixMyStreet", by=None)[1]
        other = actions.open311_key_issue(community=world.community, name="Other app", by=None)[1]
    body = {"service_code": "pothole", "lat": "49.79", "long": "30.12", "description": "Яма",
            "email": "citizen@example.test"}
    for _ in range(2):
        assert client.post(OPEN311, {**body, "api_key": key}).status_code == 200

    refused = client.post(OPEN311, {**body, "api_key": key})

    assert refused.status_code == 429 and refused.json()[0]["code"] == 429
    assert _count(world) == 2
    assert client.post(OPEN311, {**body, "api_key": other}).status_code == 200  # each key has its own count
