"""Signing at the edge with the production cache: sessions and rate limits in Redis.

With PostgreSQL the edge does not read the account itself: the batch the signature goes into
reads all its signers' accounts in one statement and checks each one (active, the session issued
for its current password, identity, age, residence). These tests run the real WSGI application
against the real Redis and, where batches are written, the real PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.db import connection

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.petitions.models import Signature
from hromada.apps.petitions.tests.test_edge import BASE, call, count_of
from hromada.core import tenancy
from hromada.core.cache import held
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


def test_a_restarted_redis_loses_neither_the_script_nor_the_connection(redis_sessions, make_petition, person):
    petition = make_petition(threshold=10, sign_rate_per_account=1)
    session = session_of(person())
    client = redis_sessions._cache.get_client(write=True)
    client.script_flush()  # as after a restart: the rate-limit script is gone
    assert _sign(petition, session)[0] == 200
    held.connection.disconnect()  # the thread's own connection dropped: the next command reconnects
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
        pytest.skip("batches of signers are read and written on PostgreSQL")
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



# ---------------------------------------------------------------- the statement's checks = the Python rules


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the signing statement's account checks run on PostgreSQL")


@pytest.mark.parametrize("password", ["demo-password-2026", "Пароль-з-кирилицею-2026", None])
def test_the_statement_computes_djangos_session_hash(person, password):
    _postgres_only()
    from django.conf import settings

    from hromada.apps.petitions import batching

    user = person()
    user.set_password(password)
    user.save()
    inner, outer = batching.session_hash_pads(settings.SECRET_KEY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT encode(sha256(%s::bytea || sha256(%s::bytea || convert_to(password, 'UTF8'))), "
                       "'hex') FROM accounts_user WHERE id = %s", [outer, inner, user.pk])
        computed = cursor.fetchone()[0]
    assert computed == user.get_session_auth_hash()


def test_the_statement_admits_exactly_whom_the_signing_rules_admit(make_petition, person, community, other_community):
    """Every kind of signer through one batch statement; each outcome is compared with
    `personal_refusal`, the Python rule the edge's precise answers come from."""
    _postgres_only()
    from datetime import date

    from django.conf import settings
    from django.utils import timezone

    from hromada.apps.petitions import actions, batching
    from hromada.apps.petitions.models import Petition, PetitionPolicy, SignersRule
    from hromada.core.calendar import kyiv_date

    petition = make_petition(threshold=10_000)
    today = kyiv_date(timezone.now())
    age = community.petition_min_age

    def years_ago(years: int, *, days: int = 0) -> date:
        from datetime import timedelta

        try:
            born = today.replace(year=today.year - years)
        except ValueError:
            born = today.replace(year=today.year - years, day=28)
        return born + timedelta(days=days)

    people = {
        "adult": person(),
        "birthday today": person(birth_date=years_ago(age)),
        "birthday tomorrow": person(birth_date=years_ago(age, days=1)),
        "no birth date": person(birth_date=None),
        "unverified": person(level=IdentityLevel.PHONE),
        "elsewhere": person(community=other_community),
        "inactive": person(is_active=False),
        "stale session": person(),
    }
    hashes = {name: user.get_session_auth_hash() for name, user in people.items()}
    hashes["stale session"] = "0" * 64
    now = timezone.now()
    inner, outer = batching.session_hash_pads(settings.SECRET_KEY)
    for rule in (SignersRule.RESIDENTS, SignersRule.ANY_VERIFIED):
        with tenancy.scope(community):
            PetitionPolicy.objects.filter(community=community).update(signers=rule)
            policy = PetitionPolicy.for_community(community)
            checks = batching.SignerChecks(
                min_identity_level=IdentityLevel.VERIFIED, born_by=actions._born_by(age, now),
                resident_of=community.pk if rule == SignersRule.RESIDENTS else None, hash_inner=inner, hash_outer=outer)
            requests = [batching.Request(person_id=user.pk, signed_at=now, ip=None, email_domain=None,
                                         notify_on_answer=True, session_hash=hashes[name], checks=checks)
                        for name, user in people.items()]
            batching._write(Petition.objects.get(pk=petition.pk), requests)
            Signature.objects.filter(petition=petition).exclude(person=petition.author).delete()
            Petition.objects.filter(pk=petition.pk).update(signature_count=1)
        for (name, user), request in zip(people.items(), requests, strict=True):
            session_holds = name not in ("inactive", "stale session")
            allowed = session_holds and actions.personal_refusal(community, user, policy, now) is None
            assert request.outcome == ("signed" if allowed else "unchecked"), (rule, name)
    assert actions._born_by(18, timezone.make_aware(timezone.datetime(2028, 2, 29, 12))) == date(2010, 2, 28)


def test_signing_at_the_edge_stores_the_accounts_email_domain(redis_sessions, make_petition, person):
    _postgres_only()
    petition = make_petition(threshold=10)
    signer = person(email="Ivanna.Petrenko@Ukr.Net")
    assert _sign(petition, session_of(signer))[0] == 200
    with tenancy.scope(petition.community):
        assert Signature.objects.get(petition=petition, person=signer).email_domain == "ukr.net"
