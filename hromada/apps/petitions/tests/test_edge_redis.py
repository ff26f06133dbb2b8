"""Signing with the production cache: sessions and rate limits in Redis.

These run the real WSGI application against the real Redis and, where batches are written, the
real PostgreSQL: the session is read by Django's session store, its account by Django's
`get_user`, and the signing rule is `eligibility.refusal`, before a signature joins a batch.
"""

from __future__ import annotations

import pytest
import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.db import connection

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.petitions.models import Signature
from hromada.apps.petitions.tests.test_edge import BASE, call, count_of
from hromada.core import tenancy
from hromada.testing.concurrency import run_together
from hromada.testing.wsgi import session_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@pytest.fixture
def redis_sessions(redis_cache, settings):
    """The production set-up: the Redis cache, and sessions read from it (written through to the database)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return redis_cache


def _sign(petition, session: str, **headers: str):
    return call("POST", f"{BASE}{petition.pk}/sign/", session=session, **headers)


def test_a_session_in_redis_signs_and_a_missing_cache_entry_falls_back_to_the_database(
        redis_sessions, make_petition, person):
    petition = make_petition(threshold=10)
    first, second = session_of(person()), session_of(person())
    assert redis_sessions.get(KEY_PREFIX + first) is not None  # signing in wrote it to Redis
    status, _h, payload = _sign(petition, first)
    assert status == 200 and payload["count"] == 2
    redis_sessions.delete(KEY_PREFIX + second)  # evicted: the session store reads the database
    status, _h, payload = _sign(petition, second)
    assert status == 200 and payload["count"] == 3
    assert count_of(petition) == 3


def test_a_restarted_redis_loses_neither_the_script_nor_the_count(redis_sessions, make_petition, person, settings):
    petition = make_petition(threshold=10, sign_rate_per_account=1)
    session = session_of(person())
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    server.script_flush()  # as after a restart: the rate-limit script is gone
    assert _sign(petition, session)[0] == 200
    server.script_flush()
    status, _h, payload = _sign(petition, session)
    assert status == 429 and payload["errors"][0]["code"] == "rate_limited"  # the count survived: 2 attempts
    assert count_of(petition) == 2


def test_a_session_that_no_longer_holds_is_answered_by_django_and_changes_nothing(
        redis_sessions, make_petition, person):
    petition = make_petition(threshold=10)
    changed, blocked = person(), person()
    changed_session, blocked_session = session_of(changed), session_of(blocked)
    changed.set_password("a-new-password-2026")
    changed.save()
    blocked.is_active = False
    blocked.save()
    for session in (changed_session, blocked_session):
        status, _h, payload = _sign(petition, session)
        assert status == 401 and payload["errors"][0]["code"] == "not_authenticated"
    assert count_of(petition) == 1


def test_people_who_may_not_sign_are_refused_in_their_own_language_when_signing_together(
        redis_sessions, make_petition, person):
    if connection.vendor != "postgresql":
        pytest.skip("batches of signers are written on PostgreSQL")
    petition = make_petition(threshold=10_000)
    signers = [("ok", session_of(person()), "uk") for _ in range(10)]
    signers += [("unverified", session_of(person(level=IdentityLevel.PHONE)), "en") for _ in range(4)]
    signers += [("young", session_of(person(birth_date=None)), "uk") for _ in range(3)]
    stale = person()
    signers.append(("stale", session_of(stale), "uk"))
    stale.set_password("another-password-2026")
    stale.save()
    results = run_together([lambda session=session, language=language: _sign(
        petition, session, HTTP_ACCEPT_LANGUAGE=language) for _kind, session, language in signers])
    answers = [(kind, status, payload, headers.get("Content-Language", ""))
               for (kind, _s, _l), (status, headers, payload) in zip(signers, results, strict=True)]
    assert len(answers) == len(signers)
    for kind, status, payload, language in answers:
        if kind == "ok":
            assert status == 200 and payload["signed"] is True
        elif kind == "unverified":
            assert status == 403 and payload["errors"][0]["code"] == "identity_not_verified"
            assert language == "en" and payload["errors"][0]["message"].startswith("Only people with a verified")
        elif kind == "young":
            assert status == 403 and payload["errors"][0]["code"] == "birth_date_unknown"
            assert language == "uk" and "дата народження" in payload["errors"][0]["message"].lower()
        else:
            assert status == 401
    assert count_of(petition) == 1 + 10
    with tenancy.scope(petition.community):
        assert Signature.objects.filter(petition=petition).count() == 1 + 10



def test_signing_stores_the_accounts_email_domain(redis_sessions, make_petition, person):
    petition = make_petition(threshold=10)
    signer = person(email="Ivanna.Petrenko@Ukr.Net")
    assert _sign(petition, session_of(signer))[0] == 200
    with tenancy.scope(petition.community):
        assert Signature.objects.get(petition=petition, person=signer).email_domain == "ukr.net"
