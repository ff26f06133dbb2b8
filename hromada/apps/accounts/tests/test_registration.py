"""Registration with e-mail confirmation, and the errors a person sees on bad input."""

import importlib
import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from hromada.apps.accounts import actions
from hromada.apps.accounts.models import IdentityLevel, User
from hromada.testing.factories import PASSWORD, make_user

REGISTER = "/c/kyiv/accounts/register/"
GOOD = {"full_name": "Ірина Коваль", "email": "iryna@example.test",
        "password": "sunflower-river-42", "password_again": "sunflower-river-42"}


def _outbox_model():
    """The notifications outbox, once that module provides it."""
    try:
        return importlib.import_module("hromada.core.notifications.models").Message
    except (ImportError, AttributeError):
        return None


@pytest.fixture
def sent(monkeypatch):
    """What the accounts module asked the notification service to send (the send itself still runs)."""
    calls = []
    original = actions.notify

    def spy(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(actions, "notify", spy)
    return calls


def _confirmation_path(sent) -> str:
    assert len(sent) == 1 and sent[0]["channel"] == "email" and sent[0]["kind"] == "accounts.confirm_email"
    link = re.search(r"https?://\S+/confirm/\S+/", sent[0]["body"])
    assert link is not None
    message_model = _outbox_model()
    if message_model is not None:
        assert message_model.objects.filter(body__contains=link.group(0)).exists()
    return urlsplit(link.group(0)).path


def test_registration_then_confirmation_raises_the_level(client, community, sent):
    response = client.post(REGISTER, GOOD)

    assert response.status_code == 302
    user = User.objects.get(email="iryna@example.test")
    assert user.identity_level == IdentityLevel.UNVERIFIED
    assert user.home_community == community
    path = _confirmation_path(sent)
    assert path.startswith("/c/kyiv/accounts/confirm/")

    confirmed = client.get(path)

    assert confirmed.status_code == 302
    user.refresh_from_db()
    assert user.identity_level == IdentityLevel.EMAIL
    assert client.login(username="iryna@example.test", password=GOOD["password"])


def test_used_or_bogus_confirmation_link_is_refused(client, community, sent):
    client.post(REGISTER, GOOD)
    path = _confirmation_path(sent)
    client.get(path)

    for link in (path, "/c/kyiv/accounts/confirm/made-up-token/"):
        response = client.get(link)
        assert response.status_code == 400
        assert "This confirmation link is invalid or has already been used." in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password": "password123", "password_again": "password123"}, "This password is too common."),
        ({"password": "12345678901234", "password_again": "12345678901234"}, "This password is entirely numeric."),
        ({"password": "short", "password_again": "short"}, "This password is too short."),
        ({"password_again": "something-else-42"}, "The passwords do not match."),
    ],
)
def test_bad_registration_shows_the_error_and_creates_nothing(client, community, change, message):
    make_user(email="taken@example.test")
    before = User.objects.count()

    response = client.post(REGISTER, {**GOOD, **change})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize("how", ["header", "cookie"])
@pytest.mark.parametrize(
    ("change", "english"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password": "password123", "password_again": "password123"}, "This password is too common."),
    ],
)
def test_errors_come_in_ukrainian_for_a_ukrainian_reader(client, community, settings, how, change, english):
    with translation.override("uk"):
        ukrainian = translation.gettext(english)
    assert ukrainian != english and re.search("[А-Яа-яІіЇїЄєҐґ]", ukrainian)
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
        extra = {}
    else:
        extra = {"HTTP_ACCEPT_LANGUAGE": "uk"}

    response = client.post(REGISTER, {**GOOD, **change}, **extra)

    assert response.status_code == 400
    page = response.content.decode()
    assert ukrainian in page and english not in page
    assert not User.objects.filter(email=GOOD["email"]).exists()


def test_registration_answers_the_same_for_a_taken_address_and_tells_its_owner(client, community):
    owner = make_user(email="taken@example.test", full_name="Тарас Власник")
    before = User.objects.count()

    new = client.post(REGISTER, GOOD, follow=True)
    taken = client.post(REGISTER, {**GOOD, "email": "TAKEN@Example.test"}, follow=True)

    assert new.redirect_chain == taken.redirect_chain == [("/c/kyiv/accounts/login/", 302)]
    assert [str(m) for m in new.context["messages"]] == [str(m) for m in taken.context["messages"]]
    assert "already" not in taken.content.decode()
    assert User.objects.count() == before + 1  # only the new address made an account
    owner.refresh_from_db()
    assert owner.full_name == "Тарас Власник" and owner.check_password(PASSWORD)
    Message = _outbox_model()
    notice = Message.objects.get(kind="accounts.already_registered")
    assert notice.address == "taken@example.test" and notice.recipient == owner
    assert "/c/kyiv/accounts/login/" in notice.body and "/c/kyiv/accounts/password-reset/" in notice.body


def test_registrations_from_one_address_are_limited(client, community, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register_address": "2/h"}
    for n in range(2):
        assert client.post(REGISTER, {**GOOD, "email": f"new{n}@example.test"}).status_code == 302

    refused = client.post(REGISTER, {**GOOD, "email": "new9@example.test"})

    assert refused.status_code == 429 and "Too many registrations" in refused.content.decode()
    assert not User.objects.filter(email="new9@example.test").exists()


def test_registered_name_keeps_no_control_or_bidi_characters(client, community):
    response = client.post(REGISTER, {**GOOD, "full_name": "Ірина\x01 \u202eКоваль\x1f"})
    assert response.status_code == 302
    assert User.objects.get(email=GOOD["email"]).full_name == "Ірина Коваль"
