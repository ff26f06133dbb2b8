"""Recoverable accounts: a password reset by e-mail (through the outbox), a password change in the
cabinet that ends the other sessions and API tokens, API tokens that expire, and a cabinet list of
the person's sessions and tokens where each can be ended."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from hromada.apps.accounts.models import User
from hromada.core.audit.models import AuditRecord
from hromada.core.notifications.models import Message
from hromada.testing.factories import PASSWORD, make_user

RESET = "/c/kyiv/accounts/password-reset/"
CHANGE = "/c/kyiv/accounts/cabinet/password/"
CABINET = "/c/kyiv/accounts/cabinet/"
LOGIN = "/c/kyiv/accounts/login/"
ME = "/c/kyiv/api/v1/me/"
TOKEN = "/c/kyiv/api/v1/auth/token/"
NEW = "a-brand-new-river-77"


@pytest.fixture
def person(community):
    return make_user(email="olena@example.test", community=community, full_name="Олена Коваль")


def _api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _sign_in(email: str, password: str, **extra) -> Client:
    device = Client(**extra)
    response = device.post(LOGIN, {"username": email, "password": password})
    assert response.status_code == 302
    return device


def test_reset_email_arrives_in_the_outbox_and_its_link_sets_a_new_password(client, person):
    response = client.post(RESET, {"email": "Olena@Example.test"})

    assert response.status_code == 302 and urlsplit(response["Location"]).path == RESET + "sent/"
    message = Message.objects.get(kind="accounts.password_reset")
    assert message.address == person.email and message.recipient == person and message.channel == "email"
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", message.body)
    assert link is not None and urlsplit(link.group(0)).path.startswith(RESET)

    form_page = client.get(urlsplit(link.group(0)).path, follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW) and not person.check_password(PASSWORD)
    assert client.get(urlsplit(link.group(0)).path, follow=True).context["validlink"] is False  # used once
    assert AuditRecord.objects.filter(action="accounts.password_reset", target_id=str(person.pk)).exists()


def test_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(client, person):
    response = client.post(RESET, {"email": "nobody@example.test"})
    assert response.status_code == 302 and urlsplit(response["Location"]).path == RESET + "sent/"
    assert not Message.objects.filter(kind="accounts.password_reset").exists()


def test_reset_requests_are_limited_and_the_refusal_sends_nothing(client, person):
    for _ in range(3):
        assert client.post(RESET, {"email": person.email}).status_code == 302

    refused = client.post(RESET, {"email": person.email})

    assert refused.status_code == 429 and "Too many password reset requests" in refused.content.decode()
    assert Message.objects.filter(kind="accounts.password_reset").count() == 3


def test_reset_ends_the_api_token_and_the_sessions(client, person):
    token = Token.objects.create(user=person).key
    device = _sign_in(person.email, PASSWORD)
    client.post(RESET, {"email": person.email})
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", Message.objects.get().body).group(0)
    form_page = client.get(urlsplit(link).path, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert _api(token).get(ME).status_code == 401
    assert device.get(CABINET).status_code == 302


def test_password_change_revokes_api_tokens_and_other_sessions_but_keeps_this_one(person):
    token = Token.objects.create(user=person).key
    assert _api(token).get(ME).status_code == 200
    phone = _sign_in(person.email, PASSWORD, HTTP_USER_AGENT="Phone")
    laptop = _sign_in(person.email, PASSWORD, HTTP_USER_AGENT="Laptop")

    response = laptop.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert _api(token).get(ME).status_code == 401
    assert not Token.objects.filter(user=person).exists()
    assert phone.get(CABINET).status_code == 302  # signed out
    page = laptop.get(CABINET)
    assert page.status_code == 200
    assert [s.user_agent for s in page.context["signed_in_sessions"]] == ["Laptop"]
    record = AuditRecord.objects.get(action="accounts.password_change")
    assert record.actor == person and record.data == {"sessions_ended": 1}


def test_a_wrong_old_password_changes_nothing(person):
    token = Token.objects.create(user=person).key
    laptop = _sign_in(person.email, PASSWORD)
    response = laptop.post(CHANGE, {"old_password": "wrong-one-123", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 400 and "incorrect" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and _api(token).get(ME).status_code == 200


def test_an_expired_api_token_is_refused_and_a_new_one_is_issued(client, person, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    old = Token.objects.create(user=person)
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=31))

    refused = _api(old.key).get(ME)

    assert refused.status_code == 401
    assert refused.json()["errors"][0]["code"] == "token_expired"
    fresh = client.post(TOKEN, {"username": person.email, "password": PASSWORD}, content_type="application/json")
    assert fresh.status_code == 200 and fresh.json()["token"] != old.key
    assert _api(fresh.json()["token"]).get(ME).json()["email"] == person.email


def test_a_token_within_its_lifetime_works(person, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=person)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=29))
    assert _api(token.key).get(ME).status_code == 200


def test_cabinet_lists_sessions_and_a_resident_ends_one_that_then_no_longer_signs_in(person):
    phone = _sign_in(person.email, PASSWORD, HTTP_USER_AGENT="Phone browser", REMOTE_ADDR="198.51.100.4")
    laptop = _sign_in(person.email, PASSWORD, HTTP_USER_AGENT="Laptop browser")

    page = laptop.get(CABINET)
    html = page.content.decode()
    assert "Phone browser" in html and "198.51.100.4" in html and "Laptop browser" in html
    phone_session = next(s for s in page.context["signed_in_sessions"] if s.user_agent == "Phone browser")

    assert laptop.get(f"/c/kyiv/accounts/cabinet/sessions/{phone_session.pk}/end/").status_code == 405
    ended = laptop.post(f"/c/kyiv/accounts/cabinet/sessions/{phone_session.pk}/end/")

    assert ended.status_code == 302
    assert phone.get(CABINET).status_code == 302  # the phone is signed out
    assert laptop.get(CABINET).status_code == 200
    assert AuditRecord.objects.filter(action="accounts.session_revoke", actor=person).exists()


def test_a_resident_cannot_end_someone_elses_session(person, community):
    other = make_user(email="taras@example.test", community=community)
    victim = _sign_in(other.email, PASSWORD)
    theirs = other.signed_in_sessions.get()
    me = _sign_in(person.email, PASSWORD)

    assert me.post(f"/c/kyiv/accounts/cabinet/sessions/{theirs.pk}/end/").status_code == 404
    assert victim.get(CABINET).status_code == 200


def test_session_end_needs_the_csrf_token(person):
    laptop = Client(enforce_csrf_checks=True)
    laptop.force_login(person)
    session = person.signed_in_sessions.get()
    assert laptop.post(f"/c/kyiv/accounts/cabinet/sessions/{session.pk}/end/").status_code == 403
    assert laptop.get(CABINET).status_code == 200


def test_cabinet_shows_the_api_token_and_revokes_it(person):
    token = Token.objects.create(user=person).key
    laptop = _sign_in(person.email, PASSWORD)
    assert token[:8] in laptop.get(CABINET).content.decode()

    revoked = laptop.post("/c/kyiv/accounts/cabinet/api-token/revoke/", {"token": token[:8]})

    assert revoked.status_code == 302
    assert _api(token).get(ME).status_code == 401
    assert AuditRecord.objects.filter(action="accounts.api_token_revoke", actor=person).exists()


def test_signing_out_takes_the_session_off_the_list(person):
    laptop = _sign_in(person.email, PASSWORD)
    assert User.objects.get(pk=person.pk).signed_in_sessions.count() == 1
    laptop.post("/c/kyiv/accounts/logout/")
    assert not person.signed_in_sessions.exists()


def test_a_password_set_anywhere_ends_the_api_token_and_the_ckan_key(person, community):
    from hromada.testing.factories import make_ckan_key

    token = Token.objects.create(user=person).key
    ckan_key = make_ckan_key(person)
    person.set_password(NEW)  # as Django admin's password form and `hromada changepassword` do
    person.save()
    assert _api(token).get(ME).status_code == 401
    from hromada.apps.opendata.models import ApiToken

    assert not ApiToken.objects.filter(user=person).exists() and ckan_key
    person.full_name = "Нове ім'я"  # other saves keep the credentials
    fresh = Token.objects.create(user=person).key
    person.save()
    assert _api(fresh).get(ME).status_code == 200


def test_guesses_at_the_current_password_are_paused_like_sign_in(person, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in_account": "3/15m"}
    laptop = _sign_in(person.email, PASSWORD)
    for _attempt in range(3):
        wrong = laptop.post(CHANGE, {"old_password": "wrong-one-123", "new_password1": NEW, "new_password2": NEW})
        assert wrong.status_code == 400
    refused = laptop.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert refused.status_code == 429 and "Too many wrong passwords" in refused.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
