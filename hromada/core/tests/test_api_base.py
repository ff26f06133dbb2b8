"""The API's shared behaviour: one error envelope in the caller's language, token and session auth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from hromada.testing import factories

CYRILLIC = re.compile(r"[а-яіїєґА-ЯІЇЄҐ]")
SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.yaml"


def _single_error(response) -> dict:
    body = response.json()
    assert set(body) == {"errors"}
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert set(error) == {"code", "message", "field"}
    return error


def test_unauthenticated_me_is_401_with_the_envelope(client, community):
    response = client.get("/c/kyiv/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    error = _single_error(response)
    assert error["code"] == "not_authenticated"
    assert error["field"] is None


def test_error_message_in_ukrainian(client, community):
    response = client.get("/c/kyiv/api/v1/me/", HTTP_ACCEPT_LANGUAGE="uk")
    error = _single_error(response)
    assert error["code"] == "not_authenticated"
    assert CYRILLIC.search(error["message"]), error["message"]


def test_error_message_in_english(client, community):
    response = client.get("/c/kyiv/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    error = _single_error(response)
    assert error["message"] == "Authentication credentials were not provided."


def test_token_auth(client, community):
    user = factories.make_user(community=community, email="Olena@Example.test", full_name="Олена")
    response = client.post("/c/kyiv/api/v1/auth/token/",
                           {"username": "olena@example.test", "password": factories.PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = client.get("/c/kyiv/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    assert me.json()["full_name"] == "Олена"


def test_wrong_password_gets_no_token(client, community):
    factories.make_user(community=community, email="olena@example.test")
    response = client.post("/c/kyiv/api/v1/auth/token/", {"username": "olena@example.test", "password": "nope"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"code", "message", "field"} for e in errors)
    assert "token" not in response.json()


def test_bad_token_is_401(client, community):
    response = client.get("/c/kyiv/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert _single_error(response)["code"] == "authentication_failed"


def test_session_auth(client, community, staff):
    operator = staff("operator")
    client.force_login(operator)
    response = client.get("/c/kyiv/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == operator.pk
    assert body["roles"] == ["operator"]


def test_roles_are_those_of_the_community_asked(client, community, other_community, staff):
    operator = staff("operator")
    client.force_login(operator)
    assert client.get("/c/lviv/api/v1/me/").json()["roles"] == []


@pytest.mark.parametrize("path", ["/c/kyiv/api/v1/nothing-here/", "/c/kyiv/api/v2/", "/c/kyiv/api/v1/me/extra/"])
def test_unknown_api_path_is_json_404(client, community, path):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert _single_error(response)["code"] == "http_404"


def test_committed_openapi_schema_is_up_to_date(tmp_path, settings):
    settings.LANGUAGE_CODE = "uk"  # what `make schema` runs with
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--urlconf", "hromada.config.urls_community", "--file", str(generated))
    assert SCHEMA.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
        "docs/api/openapi.yaml is out of date: run 'make schema' and commit it"
    )
