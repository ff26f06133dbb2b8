"""``notify()``: put a message in the outbox. Call it inside the transaction of the change
the message is about; it is delivered only if that transaction commits."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, connections, router, transaction

from hromada.core import tenancy
from hromada.core.notifications.models import Channel, Message
from hromada.core.notifications.tasks import deliver_message
from hromada.core.tasks import enqueue

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
    if not address and recipient is not None:
        address = _address_of(recipient, channel)
    if not address:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            logger.warning("notification %s not queued: no %s address for recipient %s", kind, channel,
                           getattr(recipient, "pk", None))
        return existing
    community_id = community.pk if community is not None else tenancy.current_community_id()
    message = Message(community_id=community_id, recipient=recipient, address=address, channel=channel, kind=kind,
                      subject=subject[:255], body=body, idempotency_key=idempotency_key or None)
    if not idempotency_key:
        message.save(force_insert=True)  # nothing can conflict: one INSERT, no savepoint
    elif not _insert_unless_sent_before(message):
        return Message.objects.get(idempotency_key=idempotency_key)
    enqueue(deliver_message, message_id=message.pk)
    return message


def _insert_unless_sent_before(message: Message) -> bool:
    """Insert `message` unless a message with its idempotency key exists; False if one does.

    One `INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id` where the database has it
    (PostgreSQL, SQLite ≥ 3.35): a concurrent twin waits for the other transaction and then skips, and
    the caller's transaction is never broken, so no look-up first and no savepoint are needed.
    Elsewhere: the look-up and an INSERT in a savepoint."""
    alias = router.db_for_write(Message)
    connection = connections[alias]
    if not (connection.features.can_return_columns_from_insert
            and connection.features.supports_update_conflicts_with_target):
        if Message.objects.using(alias).filter(idempotency_key=message.idempotency_key).exists():
            return False
        try:
            with transaction.atomic(using=alias):  # a savepoint: a lost race must not break the caller's
                message.save(force_insert=True, using=alias)
        except IntegrityError:
            return False
        return True
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    pk_column = str(Message._meta.pk.column)  # type: ignore[union-attr]
    sql = (f"INSERT INTO {qn(Message._meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT ({qn('idempotency_key')}) DO NOTHING RETURNING {qn(pk_column)}")
    values = [f.get_db_prep_save(f.pre_save(message, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding, message._state.db = False, alias
    return True
