"""The hall's own rows: the ticket letter of each service at an office, and the calls the display shows.

A call (or a call again) is a `CallEvent` row written in the calling action's transaction: its id orders the
display's stream (the SSE `id:`, so a display that reconnects with `Last-Event-ID` misses nothing), and the
statistics read when each ticket was called to which window.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.core.tenancy.models import TenantModel

DEFAULT_PREFIX = "A"


class TicketPrefix(TenantModel):
    """The letter (1–3 capital letters) of the tickets of a service at an office (`A-017`, `P-004`):
    a service group is the services that share a letter. A service without a row gets "A"."""

    office = models.ForeignKey("services.Office", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("office"))
    service = models.ForeignKey("services.Service", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("service"))
    prefix = models.CharField(_("ticket letter"), max_length=3,
                              validators=[RegexValidator(r"^[A-Z]{1,3}$", _("One to three capital Latin letters."))])

    class Meta(TenantModel.Meta):
        verbose_name = _("ticket letter")
        verbose_name_plural = _("ticket letters")
        constraints = [models.UniqueConstraint(fields=["office", "service"], name="equeue_prefix_service")]


class CallKind(models.TextChoices):
    CALL = "call", _("Called")
    RECALL = "recall", _("Called again")


class CallEvent(TenantModel):
    """A ticket called (again) to a window: one line on the call display."""

    office = models.ForeignKey("services.Office", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("office"))
    ticket = models.ForeignKey("equeue.Ticket", on_delete=models.CASCADE, related_name="call_events",
                               verbose_name=_("ticket"))
    window = models.ForeignKey("services.Window", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("window"))
    kind = models.CharField(_("kind"), max_length=8, choices=CallKind.choices, default=CallKind.CALL)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["id"]
        indexes = [models.Index(fields=["office", "id"], name="equeue_call_office_idx")]
