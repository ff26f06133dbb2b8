"""Fixtures for petition tests: people of every kind and petitions in every state, made through the actions."""

from __future__ import annotations

from datetime import date

import pytest

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition, PetitionPolicy
from hromada.core import tenancy
from hromada.testing import factories


@pytest.fixture
def person(community):
    """person(**fields) -> a verified adult resident of `community` (override anything)."""

    def make(**fields):
        fields.setdefault("level", IdentityLevel.VERIFIED)
        fields.setdefault("community", community)
        fields.setdefault("birth_date", date(1990, 4, 1))
        return factories.make_user(**fields)

    return make


@pytest.fixture
def author(person):
    return person(full_name="Олена Авторка")


@pytest.fixture
def moderator(staff):
    return staff("moderator", birth_date=date(1980, 1, 1))


@pytest.fixture
def controller(staff):
    return staff("controller", birth_date=date(1980, 1, 1))


@pytest.fixture
def scoped(community):
    with tenancy.scope(community):
        yield community


@pytest.fixture
def make_petition(community, author, moderator):
    """make_petition(state="collecting", threshold=3, ...) -> a petition brought to `state` by the actions."""

    def make(state: str = "collecting", *, threshold: int = 3, title: str = "Велодоріжка на Хрещатику",
             text: str = "Просимо облаштувати велодоріжку.", petition_author=None, **policy):
        community.petition_threshold = threshold
        community.save(update_fields=["petition_threshold"])
        with tenancy.scope(community):
            if policy:
                PetitionPolicy.for_community(community)
                PetitionPolicy.objects.filter(community=community).update(**policy)
            petition = actions.petition_create(community=community, author=petition_author or author, title=title,
                                               text=text)
            if state == "draft":
                return petition
            actions.petition_submit(petition=petition, by=petition.author)
            if state == "moderation":
                return Petition.objects.get(pk=petition.pk)
            if state == "rejected":
                return actions.petition_moderate(petition=petition, by=moderator, publish=False,
                                                 reason="duplicate")
            return actions.petition_moderate(petition=petition, by=moderator, publish=True)

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Test users get a password; the production hasher would cost a third of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def redis_cache(settings):
    """The production cache: Redis (database 14, a key prefix of this test's own), emptied afterwards."""
    import uuid

    from django.core.cache import caches

    from hromada.testing.services import require_service

    require_service("Redis", "127.0.0.1", 6379)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/14",
                                   "KEY_PREFIX": f"petitions-test-{uuid.uuid4().hex[:8]}"}}
    yield caches["default"]
    caches["default"].clear()
