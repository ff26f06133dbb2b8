"""Group commit of online signatures (PostgreSQL, one server process).

During a surge many requests of the same process sign the same petition at the same moment.
Each would lock the petition's row, add one to the count and wait for its own commit to reach
the disk, one after another. Here they are written together: the first request to arrive leads,
takes everything queued for that petition, and writes it in ONE statement — lock the petition
row while signing is open, insert the signatures (the partial unique index skips a person who
already has an active signature), add the number inserted to the count — then tells every
waiting request its own outcome. Requests that arrive meanwhile form the next batch, led by
the first of them. A request is answered only after its batch is committed, so an acknowledged
signature is stored, and the count is exact in the same statement.

A request may come with only the account's id and its session hash (the edge's signing, which
has not read the account): it then carries a `vet` function, and the leader calls it once for
all such requests of the batch before writing. `vet` reads their accounts in one statement and
decides each request that may not sign (`session`: the session does not hold for the account;
`refused`: the person may not sign); only the undecided ones are written.

If a batch fails for any other reason, its requests are written one by one, each in its own
transaction, so each gets its own precise answer.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DatabaseError

from hromada.apps.petitions.models import SIGNABLE_STATUSES, Petition, Signature, SignatureChannel
from hromada.core.postgresql import prepared

BATCH_LIMIT = 200
WAIT_SECONDS = 30.0

_SQL = (
    f"WITH open_petition AS (SELECT id FROM {Petition._meta.db_table} "  # noqa: S608
    "WHERE id = %s AND status IN (%s, %s) AND collection_ends_at >= %s FOR NO KEY UPDATE), "
    f"added AS (INSERT INTO {Signature._meta.db_table} (community_id, petition_id, person_id, signed_at, "
    "channel, operator_id, ip, email_domain, notify_on_answer) "
    "SELECT %s, open_petition.id, s.person_id, s.signed_at, %s, NULL, s.ip, s.email_domain, s.notify "
    "FROM open_petition, json_to_recordset(%s::json) "
    "AS s(person_id bigint, signed_at timestamptz, ip inet, email_domain varchar, notify boolean) "
    "ON CONFLICT (petition_id, person_id) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id, person_id), "
    f"counted AS (UPDATE {Petition._meta.db_table} AS p SET signature_count = p.signature_count "
    "+ (SELECT count(*) FROM added) FROM open_petition WHERE p.id = open_petition.id "
    "RETURNING p.signature_count, p.status, p.threshold) "
    "SELECT counted.signature_count, counted.status, counted.threshold, "
    "COALESCE((SELECT array_agg(person_id ORDER BY id) FROM added), '{}'), "
    "COALESCE((SELECT array_agg(id ORDER BY id) FROM added), '{}') FROM counted")


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
    session_hash: str = ""
    vet: Callable[[list[Request]], None] | None = None  # decides who may sign, for unread accounts
    person: Any = None  # the account, once `vet` has read it
    done: threading.Lock = field(default_factory=_taken_lock)  # released once: the outcome (or the lead) is in
    lead: bool = False  # woken to lead the next batch rather than with an outcome
    outcome: str = ""  # "signed", "duplicate", "closed", "retry"; from `vet`: "session", "refused"
    signature_id: int = 0
    count: tuple[int, str, int] = (0, "", 0)


logger = logging.getLogger(__name__)
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
                    request.outcome = "retry"  # the leader is stuck: the caller signs on its own
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
        _vet(batch)
        _write(petition, [request for request in batch if not request.outcome])
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
            request.done.release()


def _vet(batch: list[Request]) -> None:
    unread = [request for request in batch if request.vet is not None]
    if not unread or unread[0].vet is None:
        return
    try:
        unread[0].vet(unread)
    except Exception:  # each of them is then signed on its own, with its own precise answer
        logger.exception("Could not check the signers of a batch")
        for request in unread:
            request.outcome = "retry"


def _write(petition: Petition, batch: list[Request]) -> None:
    if not batch:
        return
    # The batch travels as one JSON parameter: encoding five Python lists as PostgreSQL arrays costs
    # the server process more than the statement costs the database.
    rows = json.dumps([{"person_id": r.person_id, "signed_at": r.signed_at.isoformat(), "ip": r.ip,
                        "email_domain": r.email_domain, "notify": r.notify_on_answer} for r in batch])
    params: list[Any] = [
        petition.pk, *(str(status) for status in SIGNABLE_STATUSES), max(r.signed_at for r in batch),
        petition.community_id, str(SignatureChannel.ONLINE), rows]
    try:
        row = prepared.fetchone(_SQL, params)
    except DatabaseError:
        for request in batch:
            request.outcome = "retry"
        return
    if row is None:
        for request in batch:
            request.outcome = "closed"
        return
    count = (int(row[0]), str(row[1]), int(row[2]))
    ids = dict(zip(row[3], row[4], strict=True))
    for request in batch:
        signature_id = ids.pop(request.person_id, None)  # a person twice in one batch: the first signs
        request.outcome = "duplicate" if signature_id is None else "signed"
        request.signature_id = int(signature_id or 0)
        request.count = count
