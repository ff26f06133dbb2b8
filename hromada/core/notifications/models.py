"""The notifications outbox: a message is a row first, delivered afterwards by a job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    MESSENGER = "messenger", _("messenger")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # waiting for (another) delivery attempt
    SENT = "sent", _("sent")  # the provider accepted it; never sent again
    FAILED = "failed", _("failed")  # gave up after the last allowed attempt


class Message(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("community"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("recipient"))
    address = models.CharField(_("address"), max_length=254,
                               help_text=_("E-mail address, phone number or messenger chat id."))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True, default="")
    body = models.TextField(_("text"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}: {self.kind}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try, successful or not."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_attempts",
                                verbose_name=_("message"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    ok = models.BooleanField(_("delivered"))
    error = models.TextField(_("error"), blank=True, default="")
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.ok else 'error'} {self.at:%Y-%m-%d %H:%M}"
