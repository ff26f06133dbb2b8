"""CKAN Action API input that used to end in a server error or in stored garbage."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hromada.apps.opendata.models import Dataset, ResourceVersion
from hromada.core import tenancy
from hromada.testing import factories

pytestmark = pytest.mark.django_db
API = "/c/kyiv/api/3/action/"


def token_for(user):
    return factories.make_ckan_key(user)


def write(client, action, token, **params):
    response = client.post(API + action, json.dumps(params), content_type="application/json",
                           HTTP_AUTHORIZATION=token)
    return response, response.json()


def package(**overrides):
    return {"name": "bus-stops", "title": "Зупинки", "notes": "Усі зупинки", "identifier": "5.1",
            "maintainer": "Петро", "maintainer_email": "p@rada.test", "legal_basis": "835",
            "update_frequency": "yearly", **overrides}


@pytest.fixture
def token(staff):
    return token_for(staff("admin"))


@pytest.mark.parametrize("action,params", [
    ("package_search", {"q": "зупинки\x00"}),
    ("package_search", {"fq": "tags:транспорт\x00"}),
    ("package_show", {"id": "bus-stops\x00"}),
    ("resource_show", {"id": "\x00"}),
    ("organization_show", {"id": "kyiv\x00"}),
])
def test_nul_in_a_query_parameter_is_a_ckan_bad_request(client, community, make_dataset, action, params):
    make_dataset()
    response = client.get(API + action, params)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == "Bad Request" and "NUL" in body["error"]["message"]


@pytest.mark.parametrize("params", [{"q": "зупинки\x00"}, {"fq": "name:a\x00"}, {"id": "x\x00"}])
def test_nul_in_a_json_body_is_a_ckan_bad_request(client, community, make_dataset, params):
    make_dataset()
    response = client.post(API + "package_search", json.dumps(params), content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["__type"] == "Bad Request"


def test_nul_in_a_written_title_is_refused_and_nothing_is_stored(client, community, token):
    response, body = write(client, "package_create", token, **package(title="Зупинки\x00"))
    assert response.status_code == 400 and body["error"]["__type"] == "Bad Request"
    with tenancy.scope(community):
        assert not Dataset.objects.exists()


@pytest.mark.parametrize("action,params", [
    ("package_list", {"offset": str(2**70)}),
    ("package_list", {"offset": "9" * 40}),
    ("current_package_list_with_resources", {"offset": str(2**64)}),
    ("current_package_list_with_resources", {"page": str(2**64)}),
    ("package_search", {"start": str(2**64)}),
    ("organization_list", {"offset": str(2**64)}),
])
def test_huge_offsets_are_validation_errors(client, community, make_dataset, action, params):
    make_dataset()
    response = client.get(API + action, params)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["__type"] == "Validation Error"


@pytest.mark.parametrize("params", [
    {"q": " ".join(f"слово{n}" for n in range(3000))},
    {"fq": " ".join(f"tags:t{n}" for n in range(3000))},
    {"fq": "text:(" + " ".join(f"w{n}" for n in range(3000)) + ")"},
])
def test_a_search_with_thousands_of_terms_is_a_validation_error(client, community, make_dataset, params):
    make_dataset()
    assert client.get(API + "package_search", {"q": "якість повітря"}).json()["result"]["count"] == 1
    response = client.post(API + "package_search", json.dumps(params), content_type="application/json")
    assert response.status_code == 409, response.content
    assert "Search Query is invalid" in response.json()["error"]["query"][0]


def test_a_deeply_nested_json_body_is_a_bad_request(client, community):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(API + "package_search", '{"q": ' + body + "}", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["__type"] == "Bad Request"


def test_a_deeply_nested_facet_field_is_a_validation_error(client, community):
    response = client.get(API + "package_search", {"facet.field": "[" * 5000 + "]" * 5000})
    assert response.status_code == 409 and "facet.field" in response.json()["error"]


@pytest.mark.parametrize("field,value", [
    ("title", {"uk": "Зупинки"}), ("title", ["Зупинки"]), ("notes", {"a": 1}), ("name", ["bus-stops"]),
])
def test_a_title_given_as_a_dict_or_list_is_refused(client, community, token, field, value):
    response, body = write(client, "package_create", token, **package(**{field: value}))
    assert response.status_code == 409 and body["error"]["__type"] == "Validation Error"
    assert body["error"][field] == ["Must be a string"]
    with tenancy.scope(community):
        assert not Dataset.objects.exists()


@pytest.mark.parametrize("groups", [5, 2.5, True])
def test_groups_of_the_wrong_type_are_refused(client, community, token, groups):
    response, body = write(client, "package_create", token, **package(groups=groups))
    assert response.status_code == 409 and "groups" in body["error"]
    with tenancy.scope(community):
        assert not Dataset.objects.exists()


@pytest.mark.parametrize("value", [{"from": "2024"}, ["2024-01-01"], 2024, True])
def test_temporal_start_of_the_wrong_type_is_refused(client, community, token, value):
    response, body = write(client, "package_create", token, **package(temporal_start=value))
    assert response.status_code == 409 and "temporal_start" in body["error"], body
    with tenancy.scope(community):
        assert not Dataset.objects.exists()


def _upload(client, token, dataset, name, content, fmt):
    return client.post(API + "resource_create", {"package_id": dataset.name, "format": fmt,
                                                 "upload": SimpleUploadedFile(name, content)},
                       HTTP_AUTHORIZATION=token)


def test_a_file_over_two_and_a_half_megabytes_is_uploaded(client, community, token, make_dataset):
    dataset = make_dataset()
    content = b"id,value\n" + b"".join(b"%d,%s\n" % (n, b"x" * 40) for n in range(80_000))
    assert len(content) > 3 * 1024 * 1024
    response = _upload(client, token, dataset, "big.csv", content, "CSV")
    assert response.status_code == 200, response.content[:500]
    with tenancy.scope(community):
        assert ResourceVersion.objects.get().size == len(content)


def _xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    workbook.save(out)
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


GOOD = {"CSV": b"a,b\n1,2\n", "JSON": b'[{"a": 1}]', "GeoJSON": b'{"type": "FeatureCollection", "features": []}',
        "XLSX": _xlsx()}
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("name,content,fmt", [
    ("data.csv", SVG, "CSV"),
    ("data.csv", b"<html><body>a,b</body></html>", "CSV"),
    ("data.csv", b"a,b\n1,\x00\n", "CSV"),
    ("data.json", b"{not json", "JSON"),
    ("data.json", SVG, "JSON"),
    ("data.geojson", b'{"a": 1}', "GeoJSON"),
    ("data.xlsx", b"a,b\n1,2\n", "XLSX"),
    ("data.xlsx", _zip_without_workbook(), "XLSX"),
])
def test_an_upload_that_is_not_its_declared_format_is_refused(client, community, token, make_dataset,
                                                              name, content, fmt):
    dataset = make_dataset()
    good = _upload(client, token, dataset, name, GOOD[fmt], fmt)
    assert good.status_code == 200, good.content
    response = _upload(client, token, dataset, name, content, fmt)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["upload"]
    with tenancy.scope(community):
        assert ResourceVersion.objects.count() == 1
