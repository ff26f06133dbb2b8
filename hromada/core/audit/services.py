from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hromada.core.audit.models import GENESIS_HASH, AuditChainHead, AuditDayHead, AuditRecord, chain_of


def _locked_head(chain: int, community_id: int | None) -> AuditChainHead:
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        chain=chain, defaults={"community_id": community_id})
    return head


def _publish_finished_day(head: AuditChainHead, today: date) -> AuditDayHead | None:
    """Keep the head as it stood at the end of its last day, once that day is over.
    Call inside a transaction holding the head's lock."""
    if head.last_at is None:
        return None
    day = timezone.localdate(head.last_at)
    if day >= today or AuditDayHead.objects.filter(chain=head.chain, day=day).exists():
        return None
    return AuditDayHead.objects.create(chain=head.chain, community_id=head.community_id, day=day,
                                       seq=head.last_seq, hash=head.last_hash, published_at=timezone.now())


def audit_record(*, actor: Any, action: str, community: Any = None, target: models.Model | None = None,
                 on_behalf_of: Any = None, data: dict[str, Any] | None = None) -> AuditRecord:
    """Append one record to its community's chain. Joins the caller's transaction, so it rolls back with it;
    it holds that community's head (only) until the caller's transaction ends."""
    community_id = getattr(community, "pk", None)
    chain = chain_of(community_id)
    with transaction.atomic():
        head = _locked_head(chain, community_id)
        now = timezone.now()
        _publish_finished_day(head, timezone.localdate(now))
        record = AuditRecord(
            created_at=now,
            actor=actor if getattr(actor, "pk", None) else None,
            on_behalf_of=on_behalf_of,
            community_id=community_id,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=data or {},
            chain=chain,
            seq=head.last_seq + 1,
            prev_hash=head.last_hash,
        )
        record.hash = record.compute_hash()
        record.save()
        head.last_seq, head.last_hash, head.last_at = record.seq, record.hash, record.created_at
        head.seal = head.compute_seal()
        head.save(update_fields=["last_seq", "last_hash", "last_at", "seal"])
    return record


def publish_day_heads() -> list[AuditDayHead]:
    """Keep the head of every chain whose last day is over (for the chains no append has done it for)."""
    today = timezone.localdate()
    published = []
    for chain in AuditChainHead.objects.order_by("chain").values_list("chain", flat=True):
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
            day_head = _publish_finished_day(head, today)
            if day_head is not None:
                published.append(day_head)
    return published


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class PublishedHead:
    """A day head as read from a copy kept outside the database (the published data set)."""

    chain: int
    day: date
    seq: int
    hash: str


@dataclass
class ChainReport:
    chain: int
    checked: int = 0
    bad: AuditRecord | None = None
    reason: str = ""


def _verify_one(chain: int, heads: dict[int, list[tuple[str, PublishedHead]]], batch_size: int) -> ChainReport:
    report = ChainReport(chain)
    expected_prev, expected_seq = GENESIS_HASH, 1
    while True:
        batch = list(AuditRecord.objects.filter(chain=chain, seq__gte=expected_seq).order_by("seq")[:batch_size])
        for record in batch:
            if record.seq != expected_seq:
                report.bad, report.reason = record, (
                    f"records before it are missing (number {expected_seq} in the chain expected, "
                    f"found {record.seq})")
                return report
            if record.prev_hash != expected_prev:
                report.bad, report.reason = record, \
                    "previous-hash link broken (a record before it was removed or changed)"
                return report
            if record.chain != chain_of(record.community_id) or record.compute_hash() != record.hash:
                report.bad, report.reason = record, "content does not match its keyed hash (the record was changed)"
                return report
            for source, published in heads.get(record.seq, []):
                if published.hash != record.hash:
                    report.bad, report.reason = record, (
                        f"differs from the head published for {published.day.isoformat()} ({source}): "
                        "the chain was rewritten")
                    return report
            expected_prev, expected_seq = record.hash, expected_seq + 1
            report.checked += 1
        if len(batch) < batch_size:
            break
    last_seq = expected_seq - 1
    beyond = [(source, p) for seq, found in heads.items() if seq > last_seq for source, p in found]
    if beyond:
        source, published = min(beyond, key=lambda item: item[1].seq)
        report.reason = (f"the newest records were removed: the head published for {published.day.isoformat()} "
                         f"({source}) names record number {published.seq}, the chain ends at {last_seq}")
        return report
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is None:
        if last_seq:
            report.reason = "the chain head is missing"
        return report
    if head.last_seq != last_seq or head.last_hash != expected_prev:
        report.reason = (f"the newest records were removed (the chain head names record number {head.last_seq}, "
                         f"the chain ends at {last_seq})")
    elif head.last_seq and head.seal != head.compute_seal():
        report.reason = "the chain head was moved (its keyed seal does not match): the newest records were removed"
    return report


def verify_chains(*, published: Iterable[PublishedHead] = (), batch_size: int = 2000) -> list[ChainReport]:
    """Walk every chain in order; check each record's keyed hash, its link, its number, the chain's head,
    and the day heads kept in the database and in `published` (a copy from outside). One report per chain."""
    by_chain: dict[int, dict[int, list[tuple[str, PublishedHead]]]] = {}
    kept = AuditDayHead.objects.values_list("chain", "day", "seq", "hash")
    for source, heads in (("kept in the database", (PublishedHead(*row) for row in kept.iterator())),
                          ("published copy", published)):
        for head in heads:
            by_chain.setdefault(head.chain, {}).setdefault(head.seq, []).append((source, head))
    chains = (set(AuditChainHead.objects.values_list("chain", flat=True))
              | set(AuditRecord.objects.values_list("chain", flat=True).distinct()) | set(by_chain))
    return [_verify_one(chain, by_chain.get(chain, {}), batch_size) for chain in sorted(chains)]
