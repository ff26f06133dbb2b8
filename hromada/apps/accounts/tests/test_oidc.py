"""Sign-in through an OpenID Connect identity provider, against a real local provider."""

from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection

from hromada.apps.accounts.models import IdentityLevel, User, VerificationMethod, tax_number_hash
from hromada.core.audit.models import AuditRecord
from hromada.testing.factories import PASSWORD, make_user
from hromada.testing.oidc_provider import GENERIC_PERSON, IDGOVUA_PERSON, OIDCTestProvider

LOGIN = "/c/kyiv/accounts/oidc/login/"


@pytest.fixture
def provider(settings, community):
    with OIDCTestProvider(client_id="hromada", client_secret="s3cret-value") as running:
        settings.OIDC = running.settings()
        yield running


def go_to_provider(client, path=LOGIN) -> str:
    """Start the sign-in and let the provider answer; returns the callback path with its query."""
    response = client.get(path)
    assert response.status_code == 302
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    callback = urlsplit(answer.headers["Location"])
    assert callback.netloc == "testserver"
    return f"{callback.path}?{callback.query}"


def sign_in(client, path=LOGIN):
    return client.get(go_to_provider(client, path))


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_sign_in_creates_a_verified_account(client, provider, community):
    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/c/kyiv/accounts/cabinet/"
    user = User.objects.get()
    assert user.identity_level == IdentityLevel.VERIFIED
    assert user.verification_method == VerificationMethod.PROVIDER
    assert user.verified_at is not None
    assert user.full_name == "Шевченко Олена Петрівна"
    assert str(user.birth_date) == "1984-08-24"
    assert user.address == IDGOVUA_PERSON["address"]
    assert user.email == IDGOVUA_PERSON["email"]
    assert user.home_community == community
    assert user.tax_number_hash == tax_number_hash(IDGOVUA_PERSON["drfocode"])
    assert (user.oidc_issuer, user.oidc_subject) == (provider.issuer, "person-1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
        row = cursor.fetchone()
    assert IDGOVUA_PERSON["drfocode"] not in " ".join(str(value) for value in row)
    assert logged_in_user_id(client) == str(user.pk)
    cabinet = client.get(response["Location"])
    assert "Шевченко Олена Петрівна" in cabinet.content.decode()
    assert "Identity verified" in cabinet.content.decode()
    record = AuditRecord.objects.get(action="accounts.verify_with_provider")
    assert record.actor == user and record.community == community
    assert IDGOVUA_PERSON["drfocode"] not in str(record.data) and "Хрещатик" not in str(record.data)


def test_login_page_shows_the_provider_button_only_when_configured(client, provider, settings):
    page = client.get("/c/kyiv/accounts/login/").content.decode()
    assert "Sign in with Test ID" in page and "/c/kyiv/accounts/oidc/login/" in page
    settings.OIDC = {**settings.OIDC, "ISSUER": ""}
    assert "Sign in with" not in client.get("/c/kyiv/accounts/login/").content.decode()
    assert client.get(LOGIN).status_code == 404


@pytest.mark.parametrize("state", ["forged-state", ""])
def test_bad_or_missing_state_is_refused_and_changes_nothing(client, provider, state):
    callback = go_to_provider(client)
    path, _, query = callback.partition("?")
    code = dict(part.split("=", 1) for part in query.split("&"))["code"]

    response = client.get(path, {"code": code, "state": state} if state else {"code": code})

    assert response.status_code == 400
    assert "This sign-in link is invalid or has expired" in response.content.decode()
    assert not User.objects.exists()
    assert logged_in_user_id(client) is None
    assert provider.token_requests == 0  # the code was never even exchanged


def test_callback_without_a_started_sign_in_is_refused(client, provider):
    response = client.get("/c/kyiv/accounts/oidc/callback/", {"code": "x", "state": "y"})
    assert response.status_code == 400
    assert not User.objects.exists()


def test_replayed_code_is_refused_and_changes_nothing(client, provider):
    first = go_to_provider(client)
    assert client.get(first).status_code == 302
    user = User.objects.get()
    verified_at = user.verified_at
    client.logout()

    # The same callback again: its state was used up with the first sign-in.
    assert client.get(first).status_code == 400
    # A fresh sign-in carrying the old code: the provider answers invalid_grant.
    fresh = go_to_provider(client)
    old_code = first.split("code=")[1].split("&")[0]
    new_code = fresh.split("code=")[1].split("&")[0]
    response = client.get(fresh.replace(new_code, old_code))

    assert response.status_code == 400
    assert "This sign-in has already been used or has expired" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.verified_at == verified_at
    assert AuditRecord.objects.filter(action="accounts.verify_with_provider").count() == 1


@pytest.mark.parametrize("misbehaviour", ["bad_signature", "wrong_nonce", "wrong_audience", "wrong_issuer", "expired"])
def test_untrustworthy_id_token_is_rejected(client, provider, misbehaviour):
    provider.misbehave.add(misbehaviour)

    response = sign_in(client)

    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert not User.objects.exists()
    assert logged_in_user_id(client) is None


def test_refusal_at_the_provider_is_explained(client, provider):
    provider.deny = True
    response = sign_in(client)
    assert response.status_code == 400
    assert "cancelled at the identity provider" in response.content.decode()
    assert not User.objects.exists()


def test_same_tax_number_through_another_subject_is_the_same_person(client, provider):
    sign_in(client)
    first = User.objects.get()
    client.logout()
    provider.subject = "bankid-77"
    provider.person = {**IDGOVUA_PERSON, "email": "olena@another.example.test", "address": "м. Київ, нова адреса"}

    response = sign_in(client)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert logged_in_user_id(client) == str(first.pk)
    first.refresh_from_db()
    assert first.oidc_subject == "bankid-77"
    assert first.email == IDGOVUA_PERSON["email"]  # the person's own address is kept
    assert first.address == "м. Київ, нова адреса"


def test_confirmed_account_with_the_same_email_is_verified_not_duplicated(client, provider, community):
    existing = make_user(community=community, level=IdentityLevel.EMAIL, email=IDGOVUA_PERSON["email"])

    sign_in(client)

    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.identity_level == IdentityLevel.VERIFIED
    assert existing.check_password(PASSWORD)


def test_unconfirmed_squatter_account_loses_its_password(client, provider, community):
    squatter = make_user(community=community, level=IdentityLevel.UNVERIFIED, email=IDGOVUA_PERSON["email"])

    sign_in(client)

    squatter.refresh_from_db()
    assert squatter.identity_level == IdentityLevel.VERIFIED
    assert not squatter.check_password(PASSWORD)


def test_account_verified_as_someone_else_is_not_taken_over(client, provider, community):
    other = make_user(community=community, level=IdentityLevel.VERIFIED, email=IDGOVUA_PERSON["email"])
    User.objects.filter(pk=other.pk).update(tax_number_hash=tax_number_hash("1111111111"))

    response = sign_in(client)

    assert response.status_code == 400
    assert "verified as a different person" in response.content.decode()
    assert User.objects.count() == 1
    assert logged_in_user_id(client) is None


def test_generic_provider_profile_and_basic_client_auth(client, provider, settings):
    settings.OIDC = provider.settings(CLAIM_PROFILE="generic", TOKEN_AUTH_METHOD="client_secret_basic")
    provider.person = dict(GENERIC_PERSON)

    response = sign_in(client)

    assert response.status_code == 302
    user = User.objects.get()
    assert (user.full_name, user.email, str(user.birth_date)) == ("Taras Melnyk", GENERIC_PERSON["email"],
                                                                  "1990-02-01")
    assert user.address == "Lviv, Rynok Square 1"
    assert user.tax_number_hash is None
    assert user.identity_level == IdentityLevel.VERIFIED


def test_wrong_client_secret_is_refused(client, provider, settings):
    settings.OIDC = {**settings.OIDC, "CLIENT_SECRET": "not-it"}
    response = sign_in(client)
    assert response.status_code == 400
    assert not User.objects.exists()


def test_provider_checks_pkce_and_client_credentials(provider):
    status, location = provider.authorize({
        "response_type": "code", "client_id": "hromada", "scope": "openid", "state": "s",
        "redirect_uri": "http://testserver/cb", "code_challenge": "x" * 43, "code_challenge_method": "S256",
    })
    code = location.split("code=")[1].split("&")[0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://testserver/cb",
            "client_id": "hromada", "client_secret": "s3cret-value", "code_verifier": "wrong-verifier"}
    answer = requests.post(f"{provider.issuer}/token", data=form, timeout=5)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert requests.post(f"{provider.issuer}/token", data={**form, "client_secret": "nope"},
                         timeout=5).status_code == 401
