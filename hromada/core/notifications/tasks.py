from __future__ import annotations

from django_tasks import task

from hromada.core.notifications.delivery import message_deliver, messages_flush
from hromada.core.notifications.models import Message, MessageStatus
from hromada.core.tasks import enqueue


@task()
def deliver_message(*, message_id: int) -> None:
    """Deliver one outbox message. A failed attempt is recorded on the message (committed), and the
    next attempt is enqueued for the message's back-off time, until its last attempt."""
    if message_deliver(message_id=message_id) == MessageStatus.PENDING:
        next_attempt_at = Message.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
        enqueue(deliver_message.using(run_after=next_attempt_at), message_id=message_id)


@task()
def flush_outbox() -> None:
    """Deliver the due pending messages whose delivery task was lost (periodic safety net)."""
    messages_flush()
