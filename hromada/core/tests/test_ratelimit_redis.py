"""Rate limits on the production cache (Redis): the counts live in Redis with an expiry, where every
app process reads the same number, and sessions ended from the cabinet are gone from Redis too."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.test import Client

from hromada.core import ratelimit
from hromada.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.redis

LOCATION = "redis://127.0.0.1:6379/14"
LOGIN = "/c/kyiv/accounts/login/"
CABINET = "/c/kyiv/accounts/cabinet/"


@pytest.fixture
def redis_cache(settings):
    from django.core.cache import caches

    from hromada.testing.services import require_service

    require_service("Redis", "127.0.0.1", 6379)
    prefix = f"ratelimit-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": LOCATION,
                                   "KEY_PREFIX": prefix}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield prefix
    caches["default"].clear()


def test_counts_are_shared_through_redis_and_expire(redis_cache):
    for _ in range(3):
        assert not ratelimit.hit("test.group", "203.0.113.5", "3/h")
    assert ratelimit.hit("test.group", "203.0.113.5", "3/h")
    assert ratelimit.reached("test.group", "203.0.113.5", "3/h")
    assert not ratelimit.reached("test.group", "203.0.113.6", "3/h")

    raw = redis.Redis.from_url(LOCATION)  # another process's view: the same key, the same count
    counts = {key: int(raw.get(key)) for key in raw.keys(f"{redis_cache}:*")}
    assert sorted(counts.values()) == [0, 4]  # the address counted, and the one only looked at
    assert all(0 < raw.ttl(key) <= 3600 + ratelimit_fudge() for key in counts)


def ratelimit_fudge() -> int:
    from django_ratelimit.core import EXPIRATION_FUDGE

    return EXPIRATION_FUDGE


def test_sign_in_is_refused_after_the_wrong_passwords_with_redis(redis_cache, community):
    person = make_user(email="olena@example.test", community=community)
    client = Client()
    for _ in range(50):
        client.post(LOGIN, {"username": person.email, "password": "wrong-password-1"})

    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD})

    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_an_ended_session_no_longer_signs_in_with_sessions_in_redis(redis_cache, community, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    person = make_user(email="olena@example.test", community=community)
    phone, laptop = Client(HTTP_USER_AGENT="Phone"), Client(HTTP_USER_AGENT="Laptop")
    for device in (phone, laptop):
        assert device.post(LOGIN, {"username": person.email, "password": PASSWORD}).status_code == 302
    assert phone.get(CABINET).status_code == 200
    session = person.signed_in_sessions.get(user_agent="Phone")

    assert laptop.post(f"/c/kyiv/accounts/cabinet/sessions/{session.pk}/end/").status_code == 302

    assert phone.get(CABINET).status_code == 302
    assert laptop.get(CABINET).status_code == 200


def test_ipv4_clients_on_a_dual_stack_socket_are_counted_apart():
    from hromada.core.ratelimit import client_address

    first = client_address({"REMOTE_ADDR": "::ffff:203.0.113.5"})
    second = client_address({"REMOTE_ADDR": "::ffff:198.51.100.9"})
    assert (first, second) == ("203.0.113.5", "198.51.100.9")
    assert client_address({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}) == "2001:db8:1:2::"
