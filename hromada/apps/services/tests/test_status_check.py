"""The status check by number and code: no sign-in, nothing revealed by a wrong pair, guessing limited."""

from __future__ import annotations

import pytest
from django.test import Client

from hromada.apps.services.actions import intake
from hromada.apps.services.models import ServiceCase
from hromada.apps.services.tests.fixtures_apply import pdf_upload
from hromada.core import tenancy

URL = "/c/kyiv/services/status/"


@pytest.fixture
def case(community, resident, birth_service, answers):
    with tenancy.scope(community):
        return intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})


def test_anyone_with_number_and_code_sees_the_status_without_personal_data(case):
    response = Client().get(URL, {"number": case.number.lower(), "code": case.status_code})
    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page and "Submitted" in page and "Реєстрація народження" in page
    assert case.applicant_name not in page and "Марко" not in page


def test_the_form_is_shown_without_a_query(community):
    response = Client().get(URL)
    assert response.status_code == 200 and 'name="code"' in response.content.decode()


def test_a_wrong_code_and_an_unknown_number_say_the_same(case):
    wrong = Client().get(URL, {"number": case.number, "code": "00000000" if case.status_code != "00000000"
                               else "11111111"})
    unknown = Client().get(URL, {"number": "KY-S-1999-000999", "code": case.status_code})
    assert wrong.status_code == unknown.status_code == 404
    message = "No application matches this number and status code."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert "Реєстрація народження" not in wrong.content.decode()


def test_repeated_guessing_from_one_address_is_stopped_with_429(case, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "services_status_address": "3/15m"}
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.get(URL, {"number": case.number, "code": f"{n:08d}"}).status_code
                for n in range(6) if f"{n:08d}" != case.status_code][:5]
    assert statuses == [404, 404, 404, 429, 429]
    blocked = client.get(URL, {"number": case.number, "code": case.status_code})
    assert blocked.status_code == 429
    assert "Too many wrong numbers or codes from your network." in blocked.content.decode()
    assert "Реєстрація народження" not in blocked.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.9").get(URL, {"number": case.number, "code": case.status_code})
    assert other.status_code == 200
    with tenancy.scope(case.community):
        assert ServiceCase.objects.count() == 1  # a check writes nothing


def test_the_api_answers_the_same(case, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "services_status_address": "2/15m"}
    api = "/c/kyiv/api/v1/services/status/"
    ok = Client().get(api, {"number": case.number, "code": case.status_code})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted" and "data" not in ok.json()
    client = Client(REMOTE_ADDR="203.0.113.8")
    first = client.get(api, {"number": case.number, "code": "x"})
    assert first.status_code == 404 and first.json()["errors"][0]["code"] == "not_found"
    assert client.get(api, {"number": case.number, "code": "y"}).status_code == 404
    limited = client.get(api, {"number": case.number, "code": case.status_code})
    assert limited.status_code == 429 and limited.json()["errors"][0]["code"] == "rate_limited"
    assert Client().get(api, {"number": case.number}).status_code == 400
