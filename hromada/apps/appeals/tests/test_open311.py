"""Open311 GeoReport v2: responses valid against the official JSON Schemas, POST with api_key, errors."""

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry

from hromada.apps.appeals.models import Appeal, Channel
from hromada.core import tenancy

SCHEMAS = Path(__file__).resolve().parents[5] / "shared" / "data" / "open311"  # ../shared beside the checkout
BASE = "/c/kyiv/open311/v2"
pytestmark = pytest.mark.skipif(not SCHEMAS.exists(), reason="GeoReport schemas not available")


def validate(data, name):
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resources(
        (p.name, DRAFT4.create_resource(json.loads(p.read_text()))) for p in SCHEMAS.glob("*.json")
        if p.name != "swagger.json")
    jsonschema.Draft4Validator(json.loads((SCHEMAS / name).read_text()), registry=registry).validate(data)


def post(client, key, **data):
    payload = {"api_key": key, "service_code": "pothole", "lat": "49.79", "long": "30.12",
               "description": "Яма на дорозі", "email": "citizen@example.test", "first_name": "Олег", **data}
    return client.post(f"{BASE}/requests.json", payload)


def test_services_and_definition_follow_the_schemas(client, world):
    services = client.get(f"{BASE}/services.json").json()
    validate(services, "services.json")
    assert [s["service_code"] for s in services] == ["pothole"]  # only public categories
    definition = client.get(f"{BASE}/services/pothole.json").json()
    validate(definition, "service-definition.json")
    assert client.get(f"{BASE}/services/housing.json").status_code == 404
    xml = client.get(f"{BASE}/services.xml")
    assert xml["Content-Type"].startswith("text/xml") and b"<service_code>pothole</service_code>" in xml.content
    assert client.get(f"{BASE}/discovery.json").json()["endpoints"][0]["formats"]


def test_post_then_read_back(client, world, key):
    response = post(client, key, **{"attribute[LANDMARK]": "біля школи"})
    assert response.status_code == 200
    number = response.json()[0]["service_request_id"]
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get(number=number)
    assert appeal.channel == Channel.OPEN311 and appeal.department_id == world.roads.pk and "біля школи" in appeal.text
    one = client.get(f"{BASE}/requests/{number}.json").json()
    validate(one, "requests.json")
    assert one[0]["status"] == "open" and "Олег" not in json.dumps(one) and "citizen@" not in json.dumps(one)
    listed = client.get(f"{BASE}/requests.json", {"service_code": "pothole", "status": "open"}).json()
    validate(listed, "requests.json")
    assert [r["service_request_id"] for r in listed] == [number]
    token = client.get(f"{BASE}/tokens/{appeal.token}.json").json()
    assert token[0]["service_request_id"] == number
    assert client.get(f"{BASE}/requests/{number}.xml").content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_post_with_address_string_only(client, world, key):
    response = post(client, key, lat="", long="", address_string="вул. Соборна, 10")
    assert response.status_code == 200


@pytest.mark.parametrize("change,status", [
    ({"api_key": ""}, 403),
    ({"api_key": "wrong"}, 403),
    ({"service_code": "nope"}, 404),
    ({"service_code": ""}, 400),
    ({"lat": "", "long": ""}, 400),
    ({"lat": "50.45", "long": "30.52"}, 400),  # outside the community
    ({"description": "x" * 4001}, 400),
])
def test_bad_posts_get_spec_errors_and_store_nothing(client, world, key, change, status):
    response = post(client, key, **change)
    assert response.status_code == status
    body = response.json()
    assert body[0]["code"] == status and body[0]["description"]
    with tenancy.scope(world.community):
        assert not Appeal.objects.exists()


def test_malformed_date_and_unknown_jurisdiction(client, world):
    bad = client.get(f"{BASE}/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and "start_date" in bad.json()[0]["description"]
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "lviv"}).status_code == 404
    assert client.get(f"{BASE}/requests/KY-2026-999999.json").status_code == 404


def test_key_command_prints_a_working_key(client, world, capsys):
    from django.core.management import call_command

    call_command("open311_key", "kyiv", "Mobile app")
    api_key = capsys.readouterr().out.strip()
    assert post(client, api_key).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_georeport_client_reads_services_and_requests(live_server, world, key):
    georeport = pytest.importorskip("georeport")
    import requests

    requests.post(f"{live_server.url}{BASE}/requests.json", data={
        "api_key": key, "service_code": "pothole", "lat": "49.79", "long": "30.12", "description": "Яма",
        "email": "a@example.test"}, timeout=10).raise_for_status()
    api = georeport.GeoReport(f"{live_server.url}{BASE}/", jurisdiction="kyiv")
    assert api.get_service_list()[0]["service_code"] == "pothole"
    listed = api.get_service_requests()
    assert listed and listed[0]["status"] == "open"
