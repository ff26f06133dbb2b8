"""Append-only, hash-chained audit log.

Each record stores the hash of the record before it; changing or deleting any record
breaks the chain from that point, which `hromada audit_verify` reports.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit records are append-only")

    delete.queryset_only = True  # type: ignore[attr-defined]


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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["id"]
        indexes = [models.Index(fields=["community", "created_at"]), models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and AuditRecord.objects.filter(pk=self.pk).exists():
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise PermissionError("audit records are append-only")

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.pk,
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
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()

class AuditChainHead(models.Model):
    """One row; locking it serialises appends so the chain has no forks."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head at #{self.last_id}"
