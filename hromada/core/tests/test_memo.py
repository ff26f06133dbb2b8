"""The process memory in front of the shared cache: read-through, a change seen at once here, and each
community's values apart."""

from __future__ import annotations

from django.core.cache import cache

from hromada.core import memo
from hromada.core.memo import MISSING, TimedMemory


def test_a_value_is_kept_in_process_memory_and_forgotten_on_delete():
    memo.set(1, "memo-test", {"rules": 1}, 60)
    cache.delete("c1:memo-test")  # another process cleared the shared cache: this one still has it briefly
    assert memo.get(1, "memo-test") == {"rules": 1}
    memo.delete_many(1, ["memo-test"])  # the change made here is seen here at once
    assert memo.get(1, "memo-test") is None


def test_a_value_from_the_shared_cache_is_remembered(monkeypatch):
    memo.set(1, "memo-shared", [1, 2], 60)
    memo.clear_local()
    assert memo.get(1, "memo-shared") == [1, 2]
    cache.set("c1:memo-shared", [3], 60)
    assert memo.get(1, "memo-shared") == [1, 2]  # within LOCAL_SECONDS the process keeps what it read
    monkeypatch.setattr(memo, "LOCAL_SECONDS", 0.0)
    memo.clear_local()
    assert memo.get(1, "memo-shared") == [3]


def test_one_communitys_value_is_not_found_under_another():
    memo.set(1, "memo-routing", "first", 60)
    assert memo.get(2, "memo-routing") is None
    memo.set(2, "memo-routing", "second", 60)
    assert (memo.get(1, "memo-routing"), memo.get(2, "memo-routing")) == ("first", "second")
    memory = TimedMemory()
    memory.put(1, 7, {"count": 3}, 60)
    assert memory.get(2, 7) is MISSING and memory.get(1, 7) == {"count": 3}


def test_remember_loads_once_per_community_and_never_answers_another():
    memory = TimedMemory("test.remember")
    loads = []

    def load(value):
        def run():
            loads.append(value)
            return value
        return run

    assert memory.remember(1, "policy", load("kyiv"), 60) == "kyiv"
    assert memory.remember(2, "policy", load("lviv"), 60) == "lviv"  # same key, other community: its own
    assert memory.remember(1, "policy", load("changed"), 60) == "kyiv"
    assert memory.remember(1, "fresh", load("every time"), 0) == "every time"
    assert memory.get(1, "fresh") is MISSING  # 0 seconds keeps nothing
    assert loads == ["kyiv", "lviv", "every time"]


def test_every_process_memory_is_registered_and_cleared_at_once():
    from hromada.apps.accounts import oidc
    from hromada.apps.budgeting import selectors as budgeting_selectors
    from hromada.apps.petitions import models as petition_models
    from hromada.apps.petitions import selectors as petition_selectors
    from hromada.core.tenancy import middleware

    known = {middleware._RESOLVED, oidc._cache, budgeting_selectors._BALLOT_CYCLES, petition_selectors._COUNTS,
             petition_selectors._SIGNABLE, petition_models._POLICIES, memo._LOCAL}
    assert known <= set(memo.memories())
    for number, memory in enumerate(known):
        memory.put(number, "key", "value", 60)
    memo.clear_all()
    assert all(len(memory) == 0 for memory in known)


def test_what_a_request_remembers_on_an_object_is_kept_by_community():
    class Person:
        pass

    person = Person()
    assert memo.remember_on(person, "_roles", 1, "roles", lambda: {"admin"}) == {"admin"}
    assert memo.remember_on(person, "_roles", 2, "roles", lambda: set()) == set()
    assert memo.remember_on(person, "_roles", 1, "roles", lambda: {"changed"}) == {"admin"}
    memo.forget_on(person, "_roles")
    assert memo.remember_on(person, "_roles", 1, "roles", lambda: {"changed"}) == {"changed"}


def test_a_host_name_resolves_to_its_own_community_only(community, other_community):
    from hromada.core.tenancy.middleware import community_for_host

    community.domain, other_community.domain = "kyiv.example.org", "lviv.example.org"
    community.save(update_fields=["domain"])
    other_community.save(update_fields=["domain"])
    for _twice in range(2):
        assert community_for_host("kyiv.example.org")[0].pk == community.pk
        assert community_for_host("lviv.example.org")[0].pk == other_community.pk
