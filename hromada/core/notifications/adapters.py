"""Delivery adapters: one per provider. ``send()`` returns the provider's message id or
raises :class:`DeliveryError`."""

from __future__ import annotations

import json
import uuid
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from hromada.core.notifications.models import Channel, Message


class DeliveryError(Exception):
    """The provider did not accept the message (worth retrying)."""


class Adapter:
    def send(self, message: Message) -> str:
        raise NotImplementedError


def _config(name: str) -> Any:
    return settings.NOTIFICATIONS.get(name)


def _text(message: Message) -> str:
    return f"{message.subject}\n\n{message.body}" if message.subject else message.body


class EmailAdapter(Adapter):
    """Django's mail backend (SMTP in production, settings EMAIL_URL)."""

    def send(self, message: Message) -> str:
        message_id = make_msgid(domain="hromada.local")
        email = EmailMessage(subject=message.subject, body=message.body, to=[message.address],
                             headers={"Message-ID": message_id})
        try:
            email.send(fail_silently=False)
        except OSError as exc:  # smtplib errors are OSErrors
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return message_id


class _JsonLinesAdapter(Adapter):
    """Appends each message as a JSON line to a file in OUTBOX_DIR (development, demos)."""

    file_name = ""

    def send(self, message: Message) -> str:
        outbox = Path(_config("OUTBOX_DIR"))
        outbox.mkdir(parents=True, exist_ok=True)
        provider_id = uuid.uuid4().hex
        line = {"id": provider_id, "message": message.pk, "to": message.address, "kind": message.kind,
                "text": _text(message), "at": timezone.now().isoformat()}
        with (outbox / self.file_name).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return provider_id


class FileSMSAdapter(_JsonLinesAdapter):
    file_name = "sms.jsonl"


class FileMessengerAdapter(_JsonLinesAdapter):
    file_name = "messenger.jsonl"


def _post_json(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    try:
        response = requests.post(url, json=body, timeout=_config("HTTP_TIMEOUT") or 10)
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    try:
        data = response.json()
    except ValueError:
        data = None
    return response.status_code, data


class HttpSMSAdapter(Adapter):
    """POSTs ``{"to", "text", "reference"}`` as JSON to SMS_GATEWAY_URL; the gateway answers
    2xx with ``{"message_id": ...}``."""

    def send(self, message: Message) -> str:
        url = _config("SMS_GATEWAY_URL")
        if not url:
            raise DeliveryError("SMS_GATEWAY_URL is not configured")
        status, data = _post_json(url, {"to": message.address, "text": _text(message),
                                        "reference": str(message.pk)})
        if not 200 <= status < 300 or not isinstance(data, dict) or not data.get("message_id"):
            raise DeliveryError(f"SMS gateway answered {status}: {str(data)[:200]}")
        return str(data["message_id"])


class TelegramAdapter(Adapter):
    """Telegram Bot API ``sendMessage``; the address is the chat id."""

    def send(self, message: Message) -> str:
        token = _config("TELEGRAM_BOT_TOKEN")
        if not token:
            raise DeliveryError("TELEGRAM_BOT_TOKEN is not configured")
        base = str(_config("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/")
        try:
            status, data = _post_json(f"{base}/bot{token}/sendMessage",
                                      {"chat_id": message.address, "text": _text(message)})
        except DeliveryError as exc:  # the URL holds the bot token: keep it out of the log
            raise DeliveryError(str(exc).replace(token, "<token>")) from None
        if not isinstance(data, dict) or not data.get("ok"):
            description = data.get("description", "") if isinstance(data, dict) else ""
            raise DeliveryError(f"Telegram answered {status}: {description}".strip())
        return str(data["result"]["message_id"])


def adapter_for(channel: str) -> Adapter:
    if channel == Channel.EMAIL:
        return EmailAdapter()
    setting = {Channel.SMS: "SMS_BACKEND", Channel.MESSENGER: "MESSENGER_BACKEND"}.get(Channel(channel))
    if setting is None:
        raise ValueError(f"no adapter for channel {channel!r}")
    return import_string(_config(setting))()
