"""Append-only audit log: one keyed hash chain per community, and one for the platform's own records.

Each record is sealed with an HMAC (key ``AUDIT_HMAC_KEY``, kept outside the database) over its content,
its place in the chain (``seq``) and the seal of the record before it. Someone who can write to the
database but does not hold the key can neither change a record and re-seal the chain after it, nor
move a chain's head back after deleting its newest records: the head carries a seal of its own. Each
day's last head is kept in `AuditDayHead` and published (a public page and an open data set), so a
rewrite is detectable from outside even by someone who holds the key. PostgreSQL itself refuses
UPDATE and DELETE of records and day heads (migration 0003). `hromada audit_verify` checks it all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
PLATFORM_CHAIN = 0  # the chain of records that belong to no community


def chain_of(community_id: int | None) -> int:
    return community_id or PLATFORM_CHAIN


def seal(*parts: Any) -> str:
    """HMAC-SHA256 of the parts, keyed with AUDIT_HMAC_KEY."""
    message = "\x1f".join(str(part) for part in parts)
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


class AuditQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit records are append-only")

    delete.queryset_only = True  # type: ignore[attr-defined]

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit records are append-only")


class AuditRecord(models.Model):
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("who acted"))
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("on behalf of"))
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("community"))
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The chain is the community's id (0: the platform's); seq numbers its records 1, 2, 3… without gaps.
    chain = models.BigIntegerField(_("chain"), default=PLATFORM_CHAIN)
    seq = models.BigIntegerField(_("number in the chain"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["id"]
        indexes = [models.Index(fields=["community", "created_at"]), models.Index(fields=["target_type", "target_id"])]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_record_chain_seq")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise PermissionError("audit records are append-only")

    def payload(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_id,
            "on_behalf_of": self.on_behalf_of_id,
            "community": self.community_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "data": self.data,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                               default=str)
        return seal("record", self.prev_hash, canonical)


class AuditChainHead(models.Model):
    """The newest record of one chain. Locking it serialises the appends of that chain only."""

    chain = models.BigIntegerField(_("chain"), unique=True)
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("community"))
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_at = models.DateTimeField(null=True, blank=True)
    seal = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"audit chain {self.chain} at {self.last_seq}"

    def compute_seal(self) -> str:
        return seal("head", self.chain, self.last_seq, self.last_hash)


class AuditDayHead(models.Model):
    """A chain's head at the end of a day: published, so that a later rewrite shows from outside."""

    chain = models.BigIntegerField(_("chain"))
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("community"))
    day = models.DateField(_("day"))
    seq = models.BigIntegerField(_("records in the chain"))
    hash = models.CharField(_("seal of the last record"), max_length=64)
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("published audit head")
        verbose_name_plural = _("published audit heads")
        ordering = ["chain", "day"]
        constraints = [models.UniqueConstraint(fields=["chain", "day"], name="audit_dayhead_chain_day")]

    def __str__(self) -> str:
        return f"audit chain {self.chain} on {self.day}: {self.seq}"
