"""Guessing passwords stops: after the wrong passwords of a window, even the right one is refused,
at every door that takes a password (the web sign-in, the API token endpoint, the admin site)."""

from __future__ import annotations

import pytest
from django.utils import translation

from hromada.apps.accounts.models import User
from hromada.testing.factories import PASSWORD, make_user

LOGIN = "/c/kyiv/accounts/login/"
TOKEN = "/c/kyiv/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
WRONG = "not-the-password-1"


@pytest.fixture
def person(community):
    return make_user(email="olena@example.test", community=community)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_web_sign_in_refuses_the_right_password_after_50_wrong_ones(client, person):
    for _ in range(50):
        assert client.post(LOGIN, {"username": person.email, "password": WRONG}).status_code in (400, 429)

    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert not _signed_in(client)


def test_the_limit_is_per_address_too_whichever_accounts_are_tried(client, person):
    for n in range(50):
        client.post(LOGIN, {"username": f"guess{n}@example.test", "password": WRONG})

    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD})
    assert response.status_code == 429 and not _signed_in(client)

    elsewhere = client.post(LOGIN, {"username": person.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302 and _signed_in(client)  # the person, from their own network


def test_a_few_wrong_passwords_do_not_lock_the_person_out(client, person):
    for _ in range(3):
        client.post(LOGIN, {"username": person.email, "password": WRONG})
    assert client.post(LOGIN, {"username": person.email, "password": PASSWORD}).status_code == 302


def test_the_refusal_is_in_ukrainian_for_a_ukrainian_reader(client, person):
    for _ in range(50):
        client.post(LOGIN, {"username": person.email, "password": WRONG})
    with translation.override("uk"):
        from hromada.apps.accounts.limits import sign_in_message

        ukrainian = sign_in_message()
    assert ukrainian != "" and "Too many" not in ukrainian

    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="uk")

    assert response.status_code == 429 and ukrainian in response.content.decode()


def test_api_token_endpoint_refuses_the_right_password_after_50_wrong_ones(client, person):
    for _ in range(50):
        assert client.post(TOKEN, {"username": person.email, "password": WRONG},
                           content_type="application/json").status_code in (400, 429)

    response = client.post(TOKEN, {"username": person.email, "password": PASSWORD}, content_type="application/json")

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "rate_limited"
    assert "token" not in response.json()


def test_admin_sign_in_refuses_the_right_password_after_50_wrong_ones(client, db):
    admin = User.objects.create_superuser("root@example.test", PASSWORD)
    for _ in range(50):
        client.post(ADMIN_LOGIN, {"username": admin.email, "password": WRONG})

    response = client.post(ADMIN_LOGIN, {"username": admin.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert not _signed_in(client)
    assert client.get("/admin/").status_code == 302  # still the sign-in page
