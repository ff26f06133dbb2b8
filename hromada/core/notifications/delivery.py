"""Delivering one outbox message, at most once per successful send."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hromada.core.notifications.adapters import DeliveryError, adapter_for
from hromada.core.notifications.models import DeliveryAttempt, Message, MessageStatus

logger = logging.getLogger("hromada.notifications")


def max_attempts() -> int:
    return int(settings.NOTIFICATIONS.get("MAX_ATTEMPTS") or 5)


def backoff_seconds(attempts: int) -> float:
    """Delay before the next attempt after `attempts` failed ones: 2, 4, 8, ... capped."""
    cap = float(settings.NOTIFICATIONS.get("MAX_BACKOFF_SECONDS") or 300)
    return float(min(2**attempts, cap))


def message_deliver(*, message_id: int, due_only: bool = False) -> str | None:
    """Try to deliver the message; return its status afterwards (None if it does not exist).

    The row stays locked while the provider is called, so two workers never both send it:
    the second one waits and then sees it sent. (On SQLite the IMMEDIATE transaction takes
    the database write lock, which serialises the same way.) With ``due_only`` a message
    locked by someone else, or not due yet, is left alone (the periodic sweep).
    """
    with transaction.atomic():
        rows = Message.objects.filter(pk=message_id)
        if due_only and connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        else:
            rows = rows.select_for_update()
        message = rows.first()
        if message is None:
            return None
        now = timezone.now()
        if message.status != MessageStatus.PENDING or (due_only and message.next_attempt_at > now):
            return message.status
        message.attempts += 1
        try:
            provider_id = adapter_for(message.channel).send(message)
        except Exception as exc:
            error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
            DeliveryAttempt.objects.create(message=message, at=now, ok=False, error=error[:2000])
            if message.attempts >= max_attempts():
                message.status = MessageStatus.FAILED
                logger.error("message %s (%s to %s) failed after %d attempts: %s", message.pk, message.channel,
                             message.address, message.attempts, error)
            else:
                message.next_attempt_at = now + timedelta(seconds=backoff_seconds(message.attempts))
                logger.warning("message %s: delivery attempt %d failed: %s", message.pk, message.attempts, error)
        else:
            DeliveryAttempt.objects.create(message=message, at=now, ok=True, provider_message_id=provider_id[:200])
            message.status = MessageStatus.SENT
            message.sent_at = now
        message.save(update_fields=["attempts", "status", "next_attempt_at", "sent_at"])
    return message.status


def messages_flush(*, limit: int = 500) -> int:
    """Deliver pending messages that are due (messages whose job was lost, or whose retry is due)."""
    due = list(
        Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in due:
        if message_deliver(message_id=message_id, due_only=True) == MessageStatus.SENT:
            sent += 1
    return sent
