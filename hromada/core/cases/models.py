"""`CaseEvent`: the timeline row of a record that moves through states."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.core.tenancy.models import TenantModel


class CaseEvent(TenantModel):
    """One step of a record's life: who, when, from which state to which, why.

    A module's event model inherits it and adds the link to its record, naming that field in
    `subject_field`:

        class PetitionEvent(CaseEvent):
            subject_field = "petition"
            petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    """

    subject_field: ClassVar[str]

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    kind = models.CharField(_("event"), max_length=40)
    from_status = models.CharField(_("from"), max_length=32, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=32, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(TenantModel.Meta):
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, self.subject_field + '_id')}: {self.kind}"

    @classmethod
    def record(cls, subject: Any, kind: str, *, actor: Any = None, from_status: str = "", to_status: str = "",
               note: str = "", data: dict[str, Any] | None = None, **fields: Any) -> Any:
        """Write the event `kind` of `subject` (in the caller's transaction)."""
        return cls.objects.create(community_id=subject.community_id, **{cls.subject_field: subject}, kind=kind,
                                  actor=actor if getattr(actor, "pk", None) else None, from_status=from_status,
                                  to_status=to_status, note=note, data=data or {}, **fields)
