"""Group commit of signatures (batching.py): a batch that fails tells no one "signed".

The statement is replaced here, so these run without PostgreSQL: what is tested is what the
waiting requests are told when their batch fails, whatever it failed with.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from hromada.apps.petitions import batching
from hromada.apps.petitions.batching import Outcome
from hromada.apps.petitions.models import Petition

PETITION = Petition(pk=987_654, community_id=1)


def _request(person_id: int) -> batching.Request:
    return batching.Request(person_id=person_id, signed_at=datetime(2026, 12, 2, 9, tzinfo=UTC), ip=None,
                            email_domain="example.org", notify_on_answer=True)


def _sign_together(monkeypatch: pytest.MonkeyPatch, statement: Any, people: int = 6) -> list[batching.Request]:
    """`people` requests signing at once; the first batch is held until the others are queued behind it,
    so the failing statement answers a batch of several waiting requests."""
    calls: list[int] = []

    def fetchone(sql: str, params: list[Any], **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            deadline = time.monotonic() + 20
            while len(batching._QUEUES.get(PETITION.pk, [])) < people - 1 and time.monotonic() < deadline:
                time.sleep(0.005)
        return statement(sql, params)

    monkeypatch.setattr(batching.prepared, "fetchone", fetchone)
    requests = [_request(person_id) for person_id in range(1, people + 1)]
    first = threading.Thread(target=batching.sign, args=(PETITION, requests[0]))
    first.start()
    while not calls:
        time.sleep(0.005)
    others = [threading.Thread(target=batching.sign, args=(PETITION, request)) for request in requests[1:]]
    for thread in others:
        thread.start()
    for thread in (first, *others):
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert len(calls) == 2, "a second batch of the waiting requests was written"
    assert PETITION.pk not in batching._QUEUES and PETITION.pk not in batching._LEADING
    return requests


class Unexpected(Exception):
    """Not a DatabaseError: any error at all."""


@pytest.mark.parametrize("error", [Unexpected("a bug"), KeyError("person_id"), MemoryError()])
def test_a_batch_that_raises_anything_tells_every_waiting_request_to_retry(monkeypatch, error):
    def statement(sql: str, params: list[Any]) -> Any:
        raise error

    requests = _sign_together(monkeypatch, statement)
    assert [request.outcome for request in requests] == [Outcome.RETRY] * len(requests)
    assert all(request.signature_id == 0 for request in requests)


def test_a_batch_whose_answer_cannot_be_read_tells_no_one_signed(monkeypatch):
    """Two signature ids for five signers: the statement's row does not fit the batch."""

    def statement(sql: str, params: list[Any]) -> Any:
        return (7, "collecting", 100, [1, 2, 3, 4, 5], [11, 12])

    requests = _sign_together(monkeypatch, statement)
    assert Outcome.SIGNED not in {request.outcome for request in requests}


def test_outcomes_are_typed_and_only_signed_is_stored():
    assert set(Outcome) == {Outcome.PENDING, Outcome.SIGNED, Outcome.DUPLICATE,
                            Outcome.CLOSED, Outcome.RETRY}
    assert Outcome.SIGNED in batching.DECIDED and Outcome.RETRY not in batching.DECIDED
    assert _request(1).outcome is Outcome.PENDING
