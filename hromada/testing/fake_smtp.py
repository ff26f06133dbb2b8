"""A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from hromada.testing.services import free_port


class _Handler:
    def __init__(self, server: FakeSMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        if self.server.reject_next > 0:
            self.server.reject_next -= 1
            return "451 Requested action aborted: local error in processing"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class FakeSMTPServer:
    """Use as a context manager; ``received`` holds (mail_from, rcpt_tos, message) tuples."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port()
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.reject_next = 0  # answer the next N messages with a temporary failure
        self._controller = Controller(_Handler(self), hostname=host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _from, _to, message in self.received]

    def __enter__(self) -> FakeSMTPServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
