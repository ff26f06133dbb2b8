from __future__ import annotations

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hromada.apps.accounts.actions import user_register
from hromada.core.notifications.delivery import message_deliver
from hromada.core.notifications.models import DeliveryAttempt, Message, MessageStatus
from hromada.core.notifications.services import notify
from hromada.core.tasks.worker import run_due_tasks as run_jobs
from hromada.testing import factories
from hromada.testing.fake_gateways import FakeSMSGateway, FakeTelegramAPI
from hromada.testing.fake_smtp import FakeSMTPServer

pytestmark = pytest.mark.django_db

TOKEN = "123456:TEST-token"


@pytest.fixture
def smtp(settings):
    with FakeSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture
def sms_gateway(settings):
    with FakeSMSGateway() as gateway:
        settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMS_BACKEND":
                                  "hromada.core.notifications.adapters.HttpSMSAdapter",
                                  "SMS_GATEWAY_URL": gateway.endpoint}
        yield gateway


@pytest.fixture
def telegram(settings):
    with FakeTelegramAPI(token=TOKEN) as api:
        settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MESSENGER_BACKEND":
                                  "hromada.core.notifications.adapters.TelegramAdapter",
                                  "TELEGRAM_API_URL": api.url, "TELEGRAM_BOT_TOKEN": TOKEN}
        yield api


@pytest.fixture
def phone_user(community):
    return factories.make_user(community=community, phone="+380501234567")


def run_retries(seconds: int = 3, rounds: int = 1) -> None:
    """Let back-off time pass and run the jobs that became due."""
    start = timezone.now()
    for round_number in range(1, rounds + 1):
        with time_machine.travel(start + timedelta(seconds=seconds * round_number)):
            run_jobs()


def test_email_is_delivered_through_smtp(smtp, resident):
    message = notify(recipient=resident, channel="email", kind="test.hello", subject="Hello",
                     body="Your appeal was registered.")
    run_jobs()

    assert len(smtp.received) == 1
    _from, recipients, email = smtp.received[0]
    assert recipients == [resident.email]
    assert email["Subject"] == "Hello"
    assert "Your appeal was registered." in email.get_content()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    attempt = message.delivery_attempts.get()
    assert attempt.ok and attempt.provider_message_id == email["Message-ID"]


def test_email_temporarily_refused_by_smtp_is_retried(smtp, resident):
    smtp.reject_next = 1
    message = notify(recipient=resident, channel="email", kind="test.hello", subject="Hi", body="Text")
    run_jobs()
    message.refresh_from_db()
    assert (message.status, message.attempts, len(smtp.received)) == (MessageStatus.PENDING, 1, 0)

    run_retries()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(smtp.received) == 1
    assert [a.ok for a in message.delivery_attempts.all()] == [False, True]
    assert "451" in message.delivery_attempts.first().error


def test_sms_goes_to_the_http_gateway(sms_gateway, phone_user):
    message = notify(recipient=phone_user, channel="sms", kind="test.code", body="Code 1234")
    run_jobs()

    assert sms_gateway.accepted == [{"to": "+380501234567", "text": "Code 1234", "reference": str(message.pk)}]
    assert message.delivery_attempts.get().provider_message_id == "sms-1"


def test_sms_gateway_error_is_logged_and_retried_until_sent(sms_gateway, phone_user):
    sms_gateway.fail_next(1, status=500)
    message = notify(recipient=phone_user, channel="sms", kind="test.code", body="Code 1234")
    run_jobs()
    failed = message.delivery_attempts.get()
    assert not failed.ok and "500" in failed.error
    assert sms_gateway.accepted == []

    run_retries()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert len(sms_gateway.accepted) == 1


def test_telegram_message_uses_the_bot_api(telegram, resident):
    message = notify(recipient=resident, address="987654321", channel="messenger", kind="test.news",
                     subject="News", body="The budget vote opens tomorrow.")
    run_jobs()

    assert telegram.requests[0]["path"] == f"/bot{TOKEN}/sendMessage"
    assert telegram.accepted == [{"chat_id": "987654321", "text": "News\n\nThe budget vote opens tomorrow."}]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.delivery_attempts.get().provider_message_id == "1"


def test_telegram_refusals_are_retried_and_logged(telegram):
    telegram.fail_next(1, status=429, body=FakeTelegramAPI.too_many_requests())
    telegram.fail_next(1, status=500)
    message = notify(address="42", channel="messenger", kind="test.news", body="Hello")

    run_jobs()
    run_retries(seconds=5, rounds=2)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    attempts = list(message.delivery_attempts.all())
    assert [a.ok for a in attempts] == [False, False, True]
    assert "Too Many Requests" in attempts[0].error
    assert "500" in attempts[1].error
    assert all(TOKEN not in a.error for a in attempts)
    assert len(telegram.accepted) == 1


def test_message_is_failed_and_logged_after_the_last_attempt(settings, sms_gateway, phone_user, caplog):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 2}
    sms_gateway.fail_next(10, status=503)
    message = notify(recipient=phone_user, channel="sms", kind="test.code", body="Code")
    with caplog.at_level(logging.ERROR, logger="hromada.notifications"):
        run_jobs()
        run_retries(rounds=3)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)
    assert message.delivery_attempts.filter(ok=False).count() == 2
    assert any("failed after 2 attempts" in r.getMessage() for r in caplog.records)


def test_message_of_a_rolled_back_transaction_is_never_sent(sms_gateway, phone_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=phone_user, channel="sms", kind="test.code", body="Code")
        raise RuntimeError("the appeal could not be saved")

    run_jobs()
    assert Message.objects.count() == 0
    assert sms_gateway.requests == []


def test_idempotency_key_gives_one_message(sms_gateway, phone_user):
    first = notify(recipient=phone_user, channel="sms", kind="test.code", body="Code",
                   idempotency_key="code:1")
    second = notify(recipient=phone_user, channel="sms", kind="test.code", body="Code",
                    idempotency_key="code:1")
    run_jobs()

    assert first is not None and second is not None and first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(sms_gateway.accepted) == 1


def test_delivery_running_twice_sends_once(sms_gateway, phone_user):
    message = notify(recipient=phone_user, channel="sms", kind="test.code", body="Code")
    assert message_deliver(message_id=message.pk) == MessageStatus.SENT
    run_jobs()  # the scheduled job runs too
    assert message_deliver(message_id=message.pk) == MessageStatus.SENT

    assert len(sms_gateway.requests) == 1
    assert DeliveryAttempt.objects.count() == 1


def test_flush_delivers_messages_whose_job_was_lost(sms_gateway, phone_user):
    notify(recipient=phone_user, channel="sms", kind="test.code", body="Code")
    DBTaskResult.objects.all().delete()
    out = StringIO()

    call_command("notifications_flush", stdout=out)

    assert "Sent 1 messages." in out.getvalue()
    assert len(sms_gateway.accepted) == 1


def test_default_adapters_write_to_the_outbox_directory(settings, tmp_path, phone_user):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "OUTBOX_DIR": tmp_path}
    notify(recipient=phone_user, channel="sms", kind="test.code", body="Code 42")
    notify(address="777", channel="messenger", kind="test.news", body="News")
    run_jobs()

    sms = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    chat = [json.loads(line) for line in (tmp_path / "messenger.jsonl").read_text().splitlines()]
    assert [(line["to"], line["text"]) for line in sms] == [("+380501234567", "Code 42")]
    assert [(line["to"], line["text"]) for line in chat] == [("777", "News")]


def test_recipient_without_an_address_gets_nothing(resident):
    assert notify(recipient=resident, channel="sms", kind="test.code", body="Code") is None
    assert Message.objects.count() == 0


def test_registration_sends_the_confirmation_email(smtp, community):
    user = user_register(email="Olena@Example.test", password="correct-horse-battery-9",
                         full_name="Olena", community=community, base_url="http://kyiv.example.org")
    run_jobs()

    message = Message.objects.get(recipient=user)
    assert (message.kind, message.status) == ("accounts.confirm_email", MessageStatus.SENT)
    assert smtp.received[0][1] == ["olena@example.test"]
    assert "http://kyiv.example.org/" in smtp.messages[0].get_content()
