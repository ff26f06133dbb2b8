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

A request may come with only the account's id and its session's hash (the edge's signing, which
has not read the account). It then carries the `SignerChecks` its signer must pass, and the same
statement applies them to the account's row before inserting: the account is active, the
session was issued for its current password (Django's session hash, an HMAC-SHA256 computed by
PostgreSQL's sha256()), the identity level, the birth date, the residence. Whoever does not pass
is not written and is told `unchecked`; the caller then reads that account itself and gives the
precise answer. These conditions mirror `actions.personal_refusal` and Django's `get_user`, and
tests hold them to each other: where they could ever disagree, the statement is the stricter.

If a batch fails for any other reason (a database error, a lost connection, anything raised while
it is written), its requests are written one by one, each in its own transaction, so each gets its
own precise answer. Only the outcomes in DECIDED are answers; a request left with anything else (no
outcome at all, "retry", "unchecked") was not written by its batch, and its caller must not tell
the resident it was signed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from hromada.apps.accounts.models import User
from hromada.apps.petitions.models import SIGNABLE_STATUSES, Petition, Signature, SignatureChannel
from hromada.core.postgresql import prepared

logger = logging.getLogger(__name__)

BATCH_LIMIT = 200
WAIT_SECONDS = 30.0

_SQL = (
    "WITH s AS (SELECT * FROM json_to_recordset(%s::json) AS s(person_id bigint, session_hash text, "  # noqa: S608
    "signed_at timestamptz, ip inet, email_domain varchar, notify boolean)), "
    "signers AS (SELECT s.person_id, s.signed_at, s.ip, s.notify, COALESCE(s.email_domain, "
    "CASE WHEN strpos(u.email, '@') > 0 THEN lower(substring(u.email FROM '[^@]*$')) ELSE '' END) AS email_domain "
    f"FROM s LEFT JOIN {User._meta.db_table} AS u ON s.session_hash IS NOT NULL AND u.id = s.person_id "
    "WHERE s.session_hash IS NULL OR (u.is_active AND u.identity_level >= %s "
    "AND (%s::date IS NULL OR u.birth_date <= %s::date) "
    "AND (%s::bigint IS NULL OR u.home_community_id = %s::bigint) "
    "AND encode(sha256(%s::bytea || sha256(%s::bytea || convert_to(u.password, 'UTF8'))), 'hex') = s.session_hash)), "
    f"open_petition AS (SELECT id FROM {Petition._meta.db_table} "
    "WHERE id = %s AND status IN (%s, %s) AND collection_ends_at >= %s FOR NO KEY UPDATE), "
    f"added AS (INSERT INTO {Signature._meta.db_table} (community_id, petition_id, person_id, signed_at, "
    "channel, operator_id, ip, email_domain, notify_on_answer) "
    "SELECT %s, open_petition.id, signers.person_id, signers.signed_at, %s, NULL, signers.ip, "
    "signers.email_domain, signers.notify FROM open_petition, signers "
    "ON CONFLICT (petition_id, person_id) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id, person_id), "
    f"counted AS (UPDATE {Petition._meta.db_table} AS p SET signature_count = p.signature_count "
    "+ (SELECT count(*) FROM added) FROM open_petition WHERE p.id = open_petition.id "
    "RETURNING p.signature_count, p.status, p.threshold) "
    "SELECT counted.signature_count, counted.status, counted.threshold, "
    "COALESCE((SELECT array_agg(person_id ORDER BY id) FROM added), '{}'), "
    "COALESCE((SELECT array_agg(id ORDER BY id) FROM added), '{}'), "
    "COALESCE((SELECT array_agg(person_id) FROM signers), '{}') FROM counted")

# Django's session hash is salted_hmac(SALT, password, SECRET_KEY, sha256): HMAC-SHA256 with the key
# sha256(SALT + SECRET_KEY). With the key's inner and outer pads computed here, PostgreSQL computes
# the same HMAC as sha256(outer || sha256(inner || password)).
SESSION_HASH_SALT = b"django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


@lru_cache(maxsize=4)
def session_hash_pads(secret_key: str) -> tuple[bytes, bytes]:
    """(inner, outer) HMAC pads of the session-hash key for `secret_key`."""
    key = hashlib.sha256(SESSION_HASH_SALT + secret_key.encode()).digest().ljust(64, b"\0")
    return bytes(byte ^ 0x36 for byte in key), bytes(byte ^ 0x5C for byte in key)


@dataclass(frozen=True)
class SignerChecks:
    """What the account of a signer known only by a session must satisfy to be written."""

    min_identity_level: int
    born_by: date | None  # the latest birth date old enough to sign; None: no minimum age
    resident_of: int | None  # the community a signer must live in; None: anyone may sign
    hash_inner: bytes
    hash_outer: bytes


NO_CHECKS = SignerChecks(0, None, None, b"", b"")


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
    email_domain: str | None  # None: the account's, read by the statement
    notify_on_answer: bool
    session_hash: str | None = None  # with `checks`: a signer known only by its session
    checks: SignerChecks | None = None
    done: threading.Lock = field(default_factory=_taken_lock)  # released once: the outcome (or the lead) is in
    lead: bool = False  # woken to lead the next batch rather than with an outcome
    outcome: str = ""  # one of DECIDED, or "retry" / "unchecked" (did not pass its checks): not written
    signature_id: int = 0
    count: tuple[int, str, int] = (0, "", 0)


SIGNED = "signed"  # written by the batch: the request's signature is stored
DUPLICATE = "duplicate"  # the person already has an active signature (the statement skipped it)
CLOSED = "closed"  # the petition was not open for signing when the statement ran
DECIDED = frozenset({SIGNED, DUPLICATE, CLOSED})  # the only outcomes a caller may answer from
RETRY = "retry"  # the batch did not decide this request: the caller signs it on its own
UNCHECKED = "unchecked"  # the signer's account did not pass the statement's checks


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
                    request.outcome = RETRY  # the leader is stuck: the caller signs on its own
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
        for request in batch:  # whatever went wrong, a request without a decided outcome is not signed
            if request.outcome not in DECIDED and request.outcome != UNCHECKED:
                request.outcome = RETRY
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


def _write(petition: Petition, batch: list[Request]) -> None:
    checks = next((request.checks for request in batch if request.checks is not None), NO_CHECKS)
    # The batch travels as one JSON parameter: encoding a Python list per column as PostgreSQL
    # arrays costs the server process more than the statement costs the database.
    rows = json.dumps([{"person_id": r.person_id, "session_hash": r.session_hash if r.checks else None,
                        "signed_at": r.signed_at.isoformat(), "ip": r.ip, "email_domain": r.email_domain,
                        "notify": r.notify_on_answer} for r in batch])
    params: list[Any] = [
        rows, checks.min_identity_level, checks.born_by, checks.born_by, checks.resident_of, checks.resident_of,
        checks.hash_outer, checks.hash_inner,
        petition.pk, *(str(status) for status in SIGNABLE_STATUSES), max(r.signed_at for r in batch),
        petition.community_id, str(SignatureChannel.ONLINE)]
    try:
        row = prepared.fetchone(_SQL, params)
    except Exception:  # any failure, not only a DatabaseError (a lost connection is an InterfaceError)
        logger.exception("A signing batch of petition %s failed; its %s requests are signed one by one",
                         petition.pk, len(batch))
        for request in batch:
            request.outcome = RETRY
        return
    if row is None:
        for request in batch:
            request.outcome = CLOSED
        return
    count = (int(row[0]), str(row[1]), int(row[2]))
    ids = dict(zip(row[3], row[4], strict=True))
    passed = set(row[5])
    for request in batch:
        signature_id = ids.pop(request.person_id, None)  # a person twice in one batch: the first signs
        if signature_id is not None:
            request.outcome, request.signature_id = SIGNED, int(signature_id)
        else:
            request.outcome = DUPLICATE if request.person_id in passed else UNCHECKED
        request.count = count
