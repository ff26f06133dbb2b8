"""``notify()``: put a message in the outbox. Call it inside the transaction of the change
the message is about; it is delivered only if that transaction commits."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from hromada.core import tenancy
from hromada.core.jobs import enqueue
from hromada.core.notifications.models import Channel, Message
from hromada.core.notifications.tasks import deliver_message

if TYPE_CHECKING:
    from hromada.apps.accounts.models import User
    from hromada.apps.communities.models import Community

logger = logging.getLogger("hromada.notifications")


def _address_of(recipient: User, channel: str) -> str:
    if channel == Channel.EMAIL:
        return recipient.email or ""
    if channel == Channel.SMS:
        return recipient.phone or ""
    return str(getattr(recipient, "messenger_chat_id", "") or "")


def notify(*, recipient: User | None = None, address: str | None = None, channel: str, kind: str,
           subject: str = "", body: str, idempotency_key: str | None = None,
           community: Community | None = None) -> Message | None:
    """Write a message to the outbox and schedule its delivery after commit.

    Returns the message, the existing one when `idempotency_key` was used before, or None
    when the recipient has no address for the channel (nothing to send to; logged).
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if not address and recipient is not None:
        address = _address_of(recipient, channel)
    if not address:
        logger.warning("notification %s not queued: no %s address for recipient %s", kind, channel,
                       getattr(recipient, "pk", None))
        return None
    community_id = community.pk if community is not None else tenancy.current_community_id()
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's transaction
            message = Message.objects.create(
                community_id=community_id, recipient=recipient, address=address, channel=channel, kind=kind,
                subject=subject[:255], body=body, idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        return Message.objects.get(idempotency_key=idempotency_key)
    enqueue(deliver_message, message_id=message.pk, on_commit=True)
    return message
