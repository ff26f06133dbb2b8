"""Input no view can use is refused once, before the view, in the user's language; filters and JSON are bounded."""

from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token

from hromada.apps.appeals.models import Appeal
from hromada.core import tenancy
from hromada.core.inputs import bounded_int, json_depth_ok
from hromada.testing import factories

CYRILLIC = re.compile(r"[а-яіїєґА-ЯІЇЄҐ]")
HUGE = "99999999999999999999"  # beyond 64 bits: SQLite cannot bind it


@pytest.mark.parametrize("url,params", [
    ("/c/kyiv/petitions/", {"q": "вода\x00"}),
    ("/c/kyiv/budget/", {"q": "\x00"}),
    ("/c/kyiv/opendata/", {"q": "бюджет\x00"}),
    ("/c/kyiv/opendata/", {"tags\x00": "x"}),
    ("/c/kyiv/appeals/map/", {"status": "\x00"}),
])
def test_nul_in_a_search_parameter_is_a_400_page_in_ukrainian(client, community, url, params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="uk", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "NUL" in text and CYRILLIC.search(text)


@pytest.mark.parametrize("url,params", [
    ("/c/kyiv/api/v1/petitions/", {"q": "вода\x00"}),
    ("/c/kyiv/api/v1/petitions/", {"status": "open\x00"}),
    ("/c/kyiv/api/v1/budget/projects/", {"cycle": "\x00"}),
    ("/c/kyiv/api/v1/budget/projects/", {"status": "\x00"}),
    ("/c/kyiv/api/v1/budget/cycles/", {"page": "1\x00"}),
])
def test_nul_in_an_api_parameter_is_a_400_envelope_naming_the_parameter(client, community, url, params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"errors": [{
        "code": "null_character", "field": next(iter(params)),
        "message": f"The parameter “{next(iter(params))}” contains a NUL character, which is not allowed."}]}


def test_the_api_answers_nul_in_ukrainian(client, community):
    response = client.get("/c/kyiv/api/v1/petitions/", {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400 and CYRILLIC.search(response.json()["errors"][0]["message"])


@pytest.mark.parametrize("url", [
    f"/c/kyiv/api/v1/budget/projects/?category={HUGE}",
    f"/c/kyiv/api/v1/petitions/?category={HUGE}",
    f"/c/kyiv/api/v1/petitions/?category=-{HUGE}",
])
def test_an_integer_filter_beyond_64_bits_finds_nothing_instead_of_failing(client, community, url):
    response = client.get(url)
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("url,header", [(f"/c/kyiv/api/v1/budget/projects.csv?category={HUGE}", "id,"),
                                        ("/c/kyiv/api/v1/budget/implementation.csv", "cycle,")])
def test_a_csv_stream_is_read_in_the_community_after_the_view_returned(client, community, url, header):
    response = client.get(url)  # the body is read here, after the middleware has left the community's scope
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(header)


def test_office_drilldown_with_a_huge_department(client, community, staff):
    client.force_login(staff("controller"))
    response = client.get(f"/c/kyiv/appeals/office/list/?kind=open&department={HUGE}&category={HUGE}")
    assert response.status_code == 400 and "error-summary" in response.content.decode()


def test_a_deeply_nested_json_body_is_a_400_envelope_and_stores_nothing(client, community):
    user = factories.make_user(community=community)
    token = Token.objects.create(user=user).key
    body = '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = client.post("/c/kyiv/api/v1/appeals/", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
    with tenancy.scope(community):
        assert not Appeal.objects.exists()


@pytest.mark.parametrize("value,expected", [
    ("42", 42), (" 7 ", 7), ("", None), (None, None), ("x", None), ("-1", None), (HUGE, None),
    ("2147483647", 2147483647), ("2147483648", None), ("1" * 5000, None),
])
def test_bounded_int(value, expected):
    assert bounded_int(value) == expected


def test_json_depth():
    assert json_depth_ok({"a": [1, {"b": []}]}, limit=4)
    assert not json_depth_ok({"a": [1, {"b": [[]]}]}, limit=4)


def test_a_csv_stream_of_an_unknown_cycle_is_a_404_before_it_starts(client, community):
    response = client.get("/c/kyiv/api/v1/budget/implementation.csv", {"cycle": "no-such-cycle"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
