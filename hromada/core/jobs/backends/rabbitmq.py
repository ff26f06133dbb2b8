"""RabbitMQ: a durable queue per job queue, persistent messages, manual ack after the job
succeeded and prefetch 1. The broker redelivers an unacknowledged message when the worker's
connection drops, so a killed worker's job is run again.

Retries go through ``<queue>.delay.<seconds>`` queues whose message TTL dead-letters the
message back into the main queue when the back-off is over.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from typing import Any

import pika
import pika.exceptions

from hromada.core.jobs.backends.base import Backend, Delivery

_PERSISTENT = 2


class RabbitMQBackend(Backend):
    def __init__(self, broker_url: str = "") -> None:
        super().__init__(broker_url)
        self.parameters = pika.URLParameters(broker_url or "amqp://guest:guest@127.0.0.1:5672/%2F")
        self._connection: pika.BlockingConnection | None = None
        self._channel: Any = None
        self._consumer: Iterator[Any] | None = None
        self._declared: set[str] = set()
        self._delayed_until: list[float] = []  # retries this process scheduled (for --burst)

    @staticmethod
    def _name(queue: str) -> str:
        return f"hromada.jobs.{queue}"

    def _open(self) -> Any:
        if self._connection is None or self._connection.is_closed or self._channel is None or self._channel.is_closed:
            self._connection = pika.BlockingConnection(self.parameters)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            self._declared.clear()
            self._consumer = None
        return self._channel

    def _declare(self, queue: str) -> str:
        name = self._name(queue)
        if name not in self._declared:
            self._open().queue_declare(queue=name, durable=True)
            self._declared.add(name)
        return name

    def _publish(self, queue: str, body: str, delay_seconds: float) -> None:
        channel = self._open()
        target = self._declare(queue)
        if delay_seconds > 0:
            seconds = max(1, math.ceil(delay_seconds))
            delay_queue = f"{target}.delay.{seconds}"
            channel.queue_declare(queue=delay_queue, durable=True, arguments={
                "x-message-ttl": seconds * 1000,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": target,
                # Unused delay queues go away, but only well after their messages moved on.
                "x-expires": seconds * 1000 + 600_000,
            })
            target = delay_queue
        channel.basic_publish(exchange="", routing_key=target, body=body.encode(),
                              properties=pika.BasicProperties(delivery_mode=_PERSISTENT,
                                                              content_type="application/json"))

    def push(self, queue: str, name: str, payload: dict[str, Any], *, delay_seconds: float = 0,
             max_attempts: int = 5) -> None:
        body = json.dumps({"id": uuid.uuid4().hex, "name": name, "payload": payload, "attempts": 0,
                           "max_attempts": max_attempts})
        try:
            self._publish(queue, body, delay_seconds)
        except (pika.exceptions.AMQPConnectionError, pika.exceptions.AMQPChannelError,
                pika.exceptions.StreamLostError):
            # A publishing connection idle for long may have been closed by the broker.
            self._connection = None
            self._publish(queue, body, delay_seconds)

    def claim(self, queue: str, worker_id: str, timeout: float) -> Delivery | None:
        channel = self._open()
        if self._consumer is None:
            channel.basic_qos(prefetch_count=1)
            self._consumer = channel.consume(self._declare(queue), auto_ack=False, inactivity_timeout=timeout)
        method, _properties, body = next(self._consumer)
        if method is None:
            return None
        message = json.loads(body)
        attempts = int(message.get("attempts", 0)) + 1
        if method.redelivered:
            attempts += 1  # the run on the worker that died counts
        return Delivery(id=message["id"], queue=queue, name=message["name"], payload=message["payload"],
                        attempts=attempts, max_attempts=int(message.get("max_attempts", 5)),
                        raw=(method.delivery_tag, message))

    def heartbeat(self, delivery: Delivery, worker_id: str) -> None:
        # Lets pika answer the broker's heartbeats while a long job runs in another thread.
        if self._connection is not None:
            self._connection.process_data_events(time_limit=0)

    def _ack(self, delivery: Delivery) -> None:
        self._open().basic_ack(delivery_tag=delivery.raw[0])

    def complete(self, delivery: Delivery, worker_id: str) -> None:
        self._ack(delivery)

    def retry(self, delivery: Delivery, worker_id: str, *, delay_seconds: float, error: str) -> None:
        message = dict(delivery.raw[1], attempts=delivery.attempts, last_error=error)
        self._publish(delivery.queue, json.dumps(message), delay_seconds)
        self._delayed_until.append(self.now() + delay_seconds)
        self._ack(delivery)

    def fail(self, delivery: Delivery, worker_id: str, *, error: str) -> None:
        message = dict(delivery.raw[1], attempts=delivery.attempts, last_error=error)
        failed = f"{self._name(delivery.queue)}.failed"
        self._open().queue_declare(queue=failed, durable=True)
        self._open().basic_publish(exchange="", routing_key=failed, body=json.dumps(message).encode(),
                                   properties=pika.BasicProperties(delivery_mode=_PERSISTENT))
        self._ack(delivery)

    def pending_count(self, queue: str) -> int:
        """Ready messages plus the retries this process delayed (delays set by other
        processes are not visible here)."""
        result = self._open().queue_declare(queue=self._name(queue), durable=True, passive=True)
        now = self.now()
        self._delayed_until = [due for due in self._delayed_until if due > now - 2]
        return int(result.method.message_count) + len(self._delayed_until)

    def close(self, worker_id: str | None = None) -> None:
        if self._connection is not None and self._connection.is_open:
            if self._consumer is not None:
                self._channel.cancel()  # unacknowledged prefetched messages go back to the queue
            self._connection.close()
        self._connection = None
