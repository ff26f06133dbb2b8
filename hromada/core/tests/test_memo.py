"""The process memory in front of the shared cache: read-through, and a change seen at once here."""

from __future__ import annotations

from django.core.cache import cache

from hromada.core import memo


def test_a_value_is_kept_in_process_memory_and_forgotten_on_delete():
    memo.set("memo-test", {"rules": 1}, 60)
    cache.delete("memo-test")  # another process cleared the shared cache: this one still has it briefly
    assert memo.get("memo-test") == {"rules": 1}
    memo.delete_many(["memo-test"])  # the change made here is seen here at once
    assert memo.get("memo-test") is None


def test_a_value_from_the_shared_cache_is_remembered(monkeypatch):
    cache.set("memo-shared", [1, 2], 60)
    assert memo.get("memo-shared") == [1, 2]
    cache.set("memo-shared", [3], 60)
    assert memo.get("memo-shared") == [1, 2]  # within LOCAL_SECONDS the process keeps what it read
    monkeypatch.setattr(memo, "LOCAL_SECONDS", 0.0)
    memo.clear_local()
    assert memo.get("memo-shared") == [3]
