"""What someone with write access to the database but without the audit key can do, for the tests."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from hromada.core.audit.models import AuditChainHead, AuditRecord

TABLES = ("audit_auditrecord", "audit_auditdayhead", "audit_auditchainhead")


@contextmanager
def triggers_off() -> Iterator[None]:
    """Switch the database's refusal off, as the tables' owner or a superuser can (inside the test's
    transaction, so the test's rollback restores it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for nothing: run the deferred foreign-key checks of this transaction first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for name in ("audit_record_append_only", "audit_dayhead_append_only", "audit_head_forward_only"):
                cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                migration = importlib.import_module("hromada.core.audit.migrations.0004_append_only_in_the_database")
                for statement in migration.SQLITE:
                    cursor.execute(statement)


def sql(statement: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def set_columns(record_id: int, **values) -> None:
    columns = ", ".join(f"{name} = %s" for name in values)
    params = [json.dumps(v) if isinstance(v, dict) else v for v in values.values()]
    sql(f"UPDATE audit_auditrecord SET {columns} WHERE id = %s", [*params, record_id])  # noqa: S608


def rehash_unkeyed(chain: int, from_seq: int) -> None:
    """Re-seal the chain from `from_seq` on with a plain SHA-256 (no key), and move its head to match."""
    previous = AuditRecord.objects.get(chain=chain, seq=from_seq - 1).hash if from_seq > 1 else "0" * 64
    for record in AuditRecord.objects.filter(chain=chain, seq__gte=from_seq).order_by("seq"):
        canonical = json.dumps(record.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                               default=str)
        new = hashlib.sha256((previous + canonical).encode()).hexdigest()
        set_columns(record.pk, prev_hash=previous, hash=new)
        previous = new
    head = AuditChainHead.objects.get(chain=chain)
    sql("UPDATE audit_auditchainhead SET last_hash = %s, seal = %s WHERE id = %s",
        [previous, hashlib.sha256(previous.encode()).hexdigest(), head.pk])


def resealed_with_the_key(chain: int, from_seq: int) -> None:
    """Re-seal with the real key: what an insider holding AUDIT_HMAC_KEY could do."""
    previous = AuditRecord.objects.get(chain=chain, seq=from_seq - 1).hash if from_seq > 1 else "0" * 64
    for record in AuditRecord.objects.filter(chain=chain, seq__gte=from_seq).order_by("seq"):
        record.prev_hash = previous
        previous = record.compute_hash()
        set_columns(record.pk, prev_hash=record.prev_hash, hash=previous)
    head = AuditChainHead.objects.get(chain=chain)
    head.last_hash = previous
    sql("UPDATE audit_auditchainhead SET last_hash = %s, seal = %s WHERE id = %s",
        [previous, head.compute_seal(), head.pk])


def delete_newest_and_move_head_back(chain: int, *, with_key: bool = False) -> None:
    newest = AuditRecord.objects.filter(chain=chain).order_by("-seq").first()
    sql("DELETE FROM audit_auditrecord WHERE id = %s", [newest.pk])
    before = AuditRecord.objects.filter(chain=chain).order_by("-seq").first()
    head = AuditChainHead.objects.get(chain=chain)
    head.last_seq, head.last_hash = before.seq, before.hash
    # Without the key the old head's seal is all there is to put back; with it, a matching one.
    seal = head.compute_seal() if with_key else head.seal
    sql("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s, seal = %s WHERE id = %s",
        [before.seq, before.hash, seal, head.pk])
