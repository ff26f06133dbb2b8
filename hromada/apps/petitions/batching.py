"""Group commit of online signatures (PostgreSQL, one server process).

During a surge many requests of the same process sign the same petition at the same moment.
Each would lock the petition's row, add one to the count and wait for its own commit to reach
the disk, one after another. Here they are written together: the first request to arrive leads,
takes everything queued for that petition, and writes it in ONE statement — lock the petition
row while signing is open, insert the signatures (the partial unique index skips a person who
already has an active signature), add the number inserted to the count — then tells every
waiting request its own `Outcome`. Requests that arrive meanwhile form the next batch, led by
the first of them. A request is answered only after its batch is committed, so an acknowledged
signature is stored, and the count is exact in the same statement.

Only signers already found eligible come here: the account was loaded by Django's
`get_user` and checked by `eligibility.refusal` before the request was queued. The statement
reads no account.

A batch that fails for any reason (a database error, a lost connection, anything raised while it
is written or read back) answers every request of it `Outcome.RETRY`, never `SIGNED`: its caller
then signs that request on its own, in its own transaction, and gives its precise answer.
"""

from __future__ import annotations

import enum
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hromada.apps.petitions.models import SIGNABLE_STATUSES, Petition, Signature, SignatureChannel
from hromada.core.postgresql import prepared

logger = logging.getLogger(__name__)

BATCH_LIMIT = 200
WAIT_SECONDS = 30.0

_SQL = (
    "WITH s AS (SELECT * FROM json_to_recordset(%s::json) AS s(person_id bigint, "  # noqa: S608
    "signed_at timestamptz, ip inet, email_domain varchar, notify boolean)), "
    f"open_petition AS (SELECT id FROM {Petition._meta.db_table} "
    "WHERE id = %s AND status IN (%s, %s) AND collection_ends_at >= %s FOR NO KEY UPDATE), "
    f"added AS (INSERT INTO {Signature._meta.db_table} (community_id, petition_id, person_id, signed_at, "
    "channel, operator_id, ip, email_domain, notify_on_answer) "
    "SELECT %s, open_petition.id, s.person_id, s.signed_at, %s, NULL, s.ip, s.email_domain, s.notify "
    "FROM open_petition, s "
    "ON CONFLICT (petition_id, person_id) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id, person_id), "
    f"counted AS (UPDATE {Petition._meta.db_table} AS p SET signature_count = p.signature_count "
    "+ (SELECT count(*) FROM added) FROM open_petition WHERE p.id = open_petition.id "
    "RETURNING p.signature_count, p.status, p.threshold) "
    "SELECT counted.signature_count, counted.status, counted.threshold, "
    "COALESCE((SELECT array_agg(person_id ORDER BY id) FROM added), '{}'), "
    "COALESCE((SELECT array_agg(id ORDER BY id) FROM added), '{}') FROM counted")


class Outcome(enum.Enum):
    """What a batch did with one request. Only SIGNED means a signature was stored for it."""

    PENDING = "pending"  # not written yet
    SIGNED = "signed"  # stored by its batch
    DUPLICATE = "duplicate"  # the person already has an active signature (the statement skipped it)
    CLOSED = "closed"  # the petition was not open for signing when the statement ran
    RETRY = "retry"  # not decided by a batch (it failed, or its leader was stuck): sign it on its own


DECIDED = frozenset({Outcome.SIGNED, Outcome.DUPLICATE, Outcome.CLOSED})  # the answers a batch gives


def _taken_lock() -> threading.Lock:
    """A lock its waiter blocks on until another thread releases it: a one-shot signal that costs
    far less to create than a threading.Event (which builds a Condition around an RLock)."""
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class Request:
    """One signing request waiting for its batch."""

    person_id: int
    signed_at: datetime
    ip: str | None
    email_domain: str
    notify_on_answer: bool
    done: threading.Lock = field(default_factory=_taken_lock)  # released once: the outcome (or the lead) is in
    lead: bool = False  # woken to lead the next batch rather than with an outcome
    outcome: Outcome = Outcome.PENDING
    signature_id: int = 0
    count: tuple[int, str, int] = (0, "", 0)  # the petition's (count, status, threshold) after the batch


_LOCK = threading.Lock()
_QUEUES: dict[int, list[Request]] = {}
_LEADING: set[int] = set()


def sign(petition: Petition, request: Request) -> Request:
    """Queue `request` for `petition` and return it with its outcome, once its batch is committed."""
    with _LOCK:
        _QUEUES.setdefault(petition.pk, []).append(request)
        leads = petition.pk not in _LEADING
        if leads:
            _LEADING.add(petition.pk)
    while not leads:
        if not request.done.acquire(timeout=WAIT_SECONDS):
            with _LOCK:
                queue = _QUEUES.get(petition.pk, [])
                if not request.lead and request in queue:
                    queue.remove(request)
                    request.outcome = Outcome.RETRY  # the leader is stuck: the caller signs on its own
                    return request
            request.done.acquire()  # taken into a batch, or handed the lead, after all: it is coming
        if not request.lead:
            return request
        request.lead, request.done = False, _taken_lock()
        leads = True
    _lead(petition)
    return request


def _lead(petition: Petition) -> None:
    """Write one batch (it holds the leader's own request), then hand the lead to the next waiter."""
    with _LOCK:
        queue = _QUEUES.get(petition.pk, [])
        batch, _QUEUES[petition.pk] = queue[:BATCH_LIMIT], queue[BATCH_LIMIT:]
    try:
        _write(petition, batch)
    finally:
        with _LOCK:
            queue = _QUEUES.get(petition.pk, [])
            if queue:
                queue[0].lead = True
                queue[0].done.release()
            else:
                _QUEUES.pop(petition.pk, None)
                _LEADING.discard(petition.pk)
        for request in batch:
            if request.outcome not in DECIDED:  # whatever went wrong: not signed by this batch
                request.outcome = Outcome.RETRY
            request.done.release()


def _write(petition: Petition, batch: list[Request]) -> None:
    """Write `batch` in one statement and give each request its outcome: all of them, or none."""
    try:
        outcomes = _outcomes(batch, _statement(petition, batch))
    except Exception:  # any failure, not only a DatabaseError (a lost connection is an InterfaceError)
        logger.exception("A signing batch of petition %s failed; its %s requests are signed one by one",
                         petition.pk, len(batch))
        for request in batch:
            request.outcome = Outcome.RETRY
        return
    for request, (outcome, signature_id, count) in zip(batch, outcomes, strict=True):
        request.outcome, request.signature_id, request.count = outcome, signature_id, count


def _statement(petition: Petition, batch: list[Request]) -> Any:
    # The batch travels as one JSON parameter: encoding a Python list per column as PostgreSQL
    # arrays costs the server process more than the statement costs the database.
    rows = json.dumps([{"person_id": r.person_id, "signed_at": r.signed_at.isoformat(), "ip": r.ip,
                        "email_domain": r.email_domain, "notify": r.notify_on_answer} for r in batch])
    params: list[Any] = [
        rows, petition.pk, *(str(status) for status in SIGNABLE_STATUSES), max(r.signed_at for r in batch),
        petition.community_id, str(SignatureChannel.ONLINE)]
    return prepared.fetchone(_SQL, params)


def _outcomes(batch: list[Request], row: Any) -> list[tuple[Outcome, int, tuple[int, str, int]]]:
    """Each request's (outcome, signature id, count) from the statement's row (None: the petition was closed)."""
    if row is None:
        return [(Outcome.CLOSED, 0, (0, "", 0)) for _request in batch]
    count = (int(row[0]), str(row[1]), int(row[2]))
    ids = dict(zip(row[3], row[4], strict=True))
    found = []
    for request in batch:
        signature_id = ids.pop(request.person_id, None)  # a person twice in one batch: the first signs
        if signature_id is None:
            found.append((Outcome.DUPLICATE, 0, count))
        else:
            found.append((Outcome.SIGNED, int(signature_id), count))
    return found
