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
