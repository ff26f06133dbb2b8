"""The applications API: submit with a document (multipart), my cases, one case, errors in the envelope."""

from __future__ import annotations

import pytest
from django.test import Client

from hromada.apps.services.models import CaseAttachment, ServiceCase
from hromada.apps.services.tests.fixtures_apply import pdf_upload
from hromada.core import tenancy
from hromada.testing import factories

API = "/c/kyiv/api/v1/services/cases/"


@pytest.fixture
def api(resident):
    client = Client()
    client.force_login(resident)
    return client


def counts(community):
    with tenancy.scope(community):
        return ServiceCase.objects.count(), CaseAttachment.objects.count()


def test_submit_list_and_read_one(api, community, birth_service, answers):
    response = api.post(API, {"service": "birth", **answers, "certificate": pdf_upload()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["service"] == "birth" and body["card_version"] == 1
    assert len(body["status_code"]) == 8 and body["data"]["certificate"] == "certificate.pdf"
    listed = api.get(API).json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == body["number"]
    one = api.get(f"{API}{body['number']}/").json()
    assert [e["kind"] for e in one["events"]] == ["submit"]


def test_another_resident_does_not_see_the_case(api, community, birth_service, answers):
    number = api.post(API, {"service": "birth", **answers, "certificate": pdf_upload()}).json()["number"]
    other = Client()
    other.force_login(factories.make_user(community=community))
    response = other.get(f"{API}{number}/")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"
    assert other.get(API).json()["count"] == 0


@pytest.mark.parametrize(("change", "status", "code", "field"), [
    ({"certificate": None}, 400, "invalid_application", "certificate"),
    ({"child_name": None}, 400, "invalid_application", "child_name"),
    ({"service": "nope"}, 404, "not_found", "service"),
])
def test_bad_input_is_refused_in_the_envelope_and_writes_nothing(api, community, birth_service, answers, change,
                                                                 status, code, field):
    data = {"service": "birth", **answers, "certificate": pdf_upload()}
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    before = counts(community)
    response = api.post(API, data)
    assert response.status_code == status
    error = response.json()["errors"][0]
    assert (error["code"], error["field"]) == (code, field) and error["message"]
    assert counts(community) == before


def test_suspended_service_and_identity_level(api, community, birth_service, answers):
    with tenancy.scope(community):
        birth_service.identity_level = "verified"
        birth_service.save(update_fields=["identity_level"])
    before = counts(community)
    response = api.post(API, {"service": "birth", **answers, "certificate": pdf_upload()})
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "identity_not_verified"
    with tenancy.scope(community):
        birth_service.status = "suspended"
        birth_service.save(update_fields=["status"])
    response = api.post(API, {"service": "birth", **answers, "certificate": pdf_upload()})
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "service_not_accepting"
    assert counts(community) == before


def test_anonymous_callers_are_refused(community, birth_service):
    assert Client().get(API).status_code in (401, 403)
    assert Client().post(API, {"service": "birth"}).status_code in (401, 403)
