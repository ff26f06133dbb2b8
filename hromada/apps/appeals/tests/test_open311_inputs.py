"""Open311 input that used to end in a server error, and GeoReport's error list for every failure."""

from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own answer in a test

import pytest

from hromada.apps.appeals.models import Appeal
from hromada.core import tenancy
from hromada.core.notifications.models import Message

from .test_open311 import BASE, post


def spec_error(response, status):
    """The GeoReport error list: [{"code": status, "description": ...}]."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


def stored(world):
    with tenancy.scope(world.community):
        return Appeal.objects.count()


@pytest.mark.parametrize("params", [
    {"service_code": "pothole\x00"},
    {"service_request_id": "KY-2026-000001\x00"},
    {"status": "open\x00"},
    {"start_date": "2026-01-01T00:00:00Z\x00"},
])
def test_nul_in_a_query_parameter_is_a_spec_error(client, world, params):
    description = spec_error(client.get(f"{BASE}/requests.json", params), 400)
    assert "NUL" in description


def test_nul_in_a_query_parameter_of_an_xml_request_is_an_xml_error(client, world):
    response = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "kyiv\x00"})
    assert response.status_code == 400
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "errors" and root.find("error/code").text == "400"


@pytest.mark.parametrize("field", ["phone", "service_code", "description", "first_name"])
def test_nul_in_a_posted_field_is_refused_and_stores_nothing(client, world, key, field):
    spec_error(post(client, key, **{field: "+380671234567\x00" if field == "phone" else "x\x00y"}), 400)
    assert stored(world) == 0


def test_nul_in_a_multipart_posted_field_is_refused(client, world, key):
    payload = {"api_key": key, "service_code": "pothole", "lat": "49.79", "long": "30.12", "phone": "067\x00"}
    response = client.post(f"{BASE}/requests.json", payload, format="multipart")  # the test client's default
    spec_error(response, 400)
    assert stored(world) == 0


@pytest.mark.parametrize("params", [
    {"start_date": "9999-12-31T00:00:00Z"},
    {"end_date": "0001-01-01T00:00:00Z"},
])
def test_dates_at_the_ends_of_the_calendar_answer_an_empty_list(client, world, params):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 200 and response.json() == []


def test_a_date_that_leaves_the_calendar_in_utc_is_a_spec_error(client, world):
    description = spec_error(client.get(f"{BASE}/requests.json", {"end_date": "0001-01-01T00:00:00+05:00"}), 400)
    assert "end_date" in description


@pytest.mark.parametrize("phone", ["<script>alert(1)</script>", "12345", "+1 202 555 0100"])
def test_a_phone_that_is_not_a_ukrainian_mobile_is_refused_and_no_sms_is_queued(client, world, key, phone):
    description = spec_error(post(client, key, phone=phone), 400)
    assert description.startswith("phone:")
    assert stored(world) == 0
    assert not Message.objects.filter(channel="sms").exists()


def test_a_phone_is_stored_in_one_form(client, world, key):
    response = post(client, key, phone="067 123 45 67")
    assert response.status_code == 200
    with tenancy.scope(world.community):
        assert Appeal.objects.get().author_phone == "+380671234567"


@pytest.mark.parametrize("path", ["requests", "requests.csv", "nothing.json", "services/pothole/extra.json",
                                  "requests/KY%00.json", "", "../v3/requests.json"])
def test_unknown_paths_answer_the_spec_error_list(client, world, path):
    spec_error(client.get(f"/c/kyiv/open311/v2/{path}" if path else "/c/kyiv/open311/"), 404)


@pytest.mark.parametrize("address", [
    {"path": "/c/nowhere/open311/v2/requests.json"},
    {"path": "/open311/v2/requests.json", "HTTP_HOST": "nowhere.example.org"},
])
def test_an_unknown_community_answers_open311_with_the_spec_error_list(client, world, address):
    spec_error(client.get(**address), 404)


def test_an_unknown_community_answers_open311_xml_in_xml(client, world):
    response = client.get("/c/nowhere/open311/v2/services.xml")
    assert response.status_code == 404
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "errors" and root.find("error/code").text == "404"


def test_unknown_xml_path_answers_the_spec_error_list_in_xml(client, world):
    response = client.get(f"{BASE}/nothing.xml")
    assert response.status_code == 404
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "errors" and root.find("error/code").text == "404"
