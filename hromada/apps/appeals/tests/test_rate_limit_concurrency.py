"""A resident filing many appeals at the same moment through the API, with the counts in Redis as in
production: exactly the hour's limit is filed, every other request answers 429 and writes nothing."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from hromada.apps.appeals.models import Appeal
from hromada.core import tenancy
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = [*POSTGRES_RACE, pytest.mark.redis]
REQUESTS = 12
LIMIT = 3


@pytest.fixture
def redis_cache(settings):
    from django.core.cache import caches

    from hromada.testing.services import require_service

    require_service("Redis", "127.0.0.1", 6379)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/14",
                                   "KEY_PREFIX": f"appeals-limit-{uuid.uuid4().hex[:8]}"}}
    yield
    caches["default"].clear()


def test_parallel_filings_stop_exactly_at_the_limit(world, redis_cache):
    world.community.appeal_rate_per_hour = LIMIT
    world.community.save(update_fields=["appeal_rate_per_hour"])
    client = Client()
    client.force_login(world.resident)
    cookies = client.cookies

    def file(index: int) -> int:
        device = Client()
        device.cookies = cookies
        return device.post("/c/kyiv/api/v1/appeals/", {"text": f"Яма {index}", "category": "pothole",
                                                       "address": "вул. Соборна, 5"},
                           content_type="application/json").status_code

    statuses = run_together([lambda i=i: file(i) for i in range(REQUESTS)])

    assert sorted(statuses) == [201] * LIMIT + [429] * (REQUESTS - LIMIT)
    with tenancy.scope(world.community):
        assert Appeal.objects.count() == LIMIT
