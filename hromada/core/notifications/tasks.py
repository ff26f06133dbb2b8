from __future__ import annotations

from hromada.core.jobs import job
from hromada.core.notifications.adapters import DeliveryError
from hromada.core.notifications.delivery import message_deliver
from hromada.core.notifications.models import MessageStatus


@job(max_attempts=5)
def deliver_message(*, message_id: int) -> None:
    """The failure is recorded (committed) first, then raised so the job queue retries it."""
    if message_deliver(message_id=message_id) == MessageStatus.PENDING:
        raise DeliveryError(f"message {message_id} not delivered yet")
