from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hromada.core.audit.models import GENESIS_HASH, AuditChainHead, AuditRecord


def audit_record(*, actor: Any, action: str, community: Any = None, target: models.Model | None = None,
                 on_behalf_of: Any = None, data: dict[str, Any] | None = None) -> AuditRecord:
    """Append one record to the chain. Joins the caller's transaction, so it rolls back with it."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        record = AuditRecord(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            on_behalf_of=on_behalf_of,
            community=community,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=data or {},
            prev_hash=head.last_hash,
        )
        # The id is part of the hash, so insert first, then seal.
        record.hash = f"pending-{timezone.now().timestamp()}-{head.last_id}"
        models.Model.save(record)
        record.hash = record.compute_hash()
        AuditRecord.objects.filter(pk=record.pk).update(hash=record.hash)
        head.last_hash, head.last_id = record.hash, record.pk
        head.save(update_fields=["last_hash", "last_id"])
    return record


def verify_chain(batch_size: int = 2000) -> tuple[int, AuditRecord | None, str]:
    """Walk the chain in id order. Returns (records checked, first bad record, reason)."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditRecord.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            break
        for record in batch:
            if record.prev_hash != expected_prev:
                return checked, record, "previous-hash link broken (a record before it was removed or changed)"
            if record.compute_hash() != record.hash:
                return checked, record, "content does not match its hash (the record was changed)"
            expected_prev = record.hash
            checked += 1
            last_id = record.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_prev:
        return checked, None, "the newest records were removed (chain head does not match)"
    return checked, None, ""
