"""The REST API: reads, open data (JSON and CSV), signing with a token or a session, the error envelope."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition
from hromada.core import tenancy

pytestmark = pytest.mark.django_db
API = "/c/kyiv/api/v1/petitions/"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_list_and_detail_show_published_petitions_only(make_petition):
    published = make_petition(threshold=7, title="Сквер на Подолі")
    draft = make_petition("draft", title="Чернетка")
    client = APIClient()
    data = client.get(API).json()
    assert data["count"] == 1
    item = data["results"][0]
    assert (item["title"], item["signature_count"], item["threshold"], item["author_name"]) == (
        "Сквер на Подолі", 1, 7, "Олена Авторка")
    assert "email" not in str(item)
    assert client.get(f"{API}?status=answered").json()["count"] == 0
    assert client.get(f"{API}?q=сквер").json()["count"] == 1
    assert client.get(f"{API}{published.pk}/").json()["text"] == "Просимо облаштувати велодоріжку."
    missing = client.get(f"{API}{draft.pk}/")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "not_found"


def test_sign_and_withdraw_with_a_token(make_petition, person):
    petition = make_petition(threshold=10)
    client = token_client(person())
    response = client.post(f"{API}{petition.pk}/sign/", {"notify_on_answer": False}, format="json")
    assert response.status_code == 201 and response.json() == {"signed": True, "count": 2, "status": "collecting"}
    again = client.post(f"{API}{petition.pk}/sign/", {}, format="json")
    assert again.status_code == 409
    assert again.json() == {"errors": [{"code": "already_signed", "message": "You have already signed this petition.",
                                        "field": None}]}
    response = client.post(f"{API}{petition.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert client.post(f"{API}{petition.pk}/withdraw/").json()["errors"][0]["code"] == "not_signed"


def test_signing_errors_have_codes_and_change_nothing(make_petition, person, community):
    petition = make_petition(threshold=10)
    anonymous = APIClient().post(f"{API}{petition.pk}/sign/", {}, format="json")
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["code"] == "not_authenticated"
    unverified = token_client(person(level=IdentityLevel.PHONE)).post(f"{API}{petition.pk}/sign/", {}, format="json")
    assert unverified.status_code == 403 and unverified.json()["errors"][0]["code"] == "identity_not_verified"
    draft = make_petition("draft")
    closed = token_client(person()).post(f"{API}{draft.pk}/sign/", {}, format="json")
    assert closed.status_code == 409 and closed.json()["errors"][0]["code"] == "petition_not_published"
    bad = token_client(person()).post(f"{API}{petition.pk}/sign/", {"notify_on_answer": "maybe"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "notify_on_answer"
    assert token_client(person()).post(f"{API}999999/sign/", {}, format="json").status_code == 404
    with tenancy.scope(community):
        assert Petition.objects.get(pk=petition.pk).signature_count == 1


def test_session_signing_needs_csrf(make_petition, person):
    petition = make_petition(threshold=10)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(person())
    response = client.post(f"{API}{petition.pk}/sign/", {}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["errors"][0]["message"]


def test_count_endpoint(make_petition):
    petition = make_petition(threshold=10)
    response = APIClient().get(f"{API}{petition.pk}/count/")
    assert response.json()["count"] == 1 and response.json()["threshold"] == 10
    assert response["Cache-Control"] == "public, max-age=1"


def test_signatories_as_json_and_streamed_csv_names_only(make_petition, person, community):
    petition = make_petition(threshold=10)
    with tenancy.scope(community):
        for name in ["Марко Вовчок", "Леся Українка"]:
            actions.petition_sign(petition=petition, person=person(full_name=name))
        withdrawn = person(full_name="Передумав Назад")
        actions.petition_sign(petition=petition, person=withdrawn)
        actions.petition_withdraw_signature(petition=petition, person=withdrawn)
    data = APIClient().get(f"{API}{petition.pk}/signatories/").json()
    assert [row["name"] for row in data["results"]] == ["Олена Авторка", "Марко Вовчок", "Леся Українка"]
    assert set(data["results"][0]) == {"name", "signed_at"}
    response = APIClient().get(f"{API}{petition.pk}/signatories.csv")
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["name", "signed_at"] and [r[0] for r in rows[1:]] == [
        "Олена Авторка", "Марко Вовчок", "Леся Українка"]


def test_api_errors_follow_the_request_language(make_petition, person):
    petition = make_petition(threshold=10)
    client = token_client(person(level=IdentityLevel.EMAIL))
    response = client.post(f"{API}{petition.pk}/sign/", {}, format="json", HTTP_ACCEPT_LANGUAGE="uk")
    assert "підтвердженою особою" in response.json()["errors"][0]["message"]


def test_detail_carries_the_official_response(make_petition, community, controller):
    petition = make_petition(threshold=1)
    with tenancy.scope(community):
        actions.petition_start_consideration(petition=petition, by=controller)
        actions.petition_answer(petition=petition, by=controller, decision="not_supported", text="Коштів немає.")
    data = APIClient().get(f"{API}{petition.pk}/").json()
    assert data["status"] == "answered" and data["status_name"] == "Answered"
    assert data["response"]["decision"] == "not_supported" and data["response"]["text"] == "Коштів немає."
    assert data["response"]["documents"] == []
