"""The CKAN Action API as data.gov.ua's harvester and ckanapi see it (Django test client)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Dataset, Publisher, ResourceVersion
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord
from hromada.testing import factories

pytestmark = pytest.mark.django_db
API = "/c/kyiv/api/3/action/"


def call(client, action, method="get", base=API, **params):
    if method == "get":
        response = client.get(base + action, params)
    else:
        response = client.post(base + action, json.dumps(params), content_type="application/json",
                               **params.pop("_headers", {}))
    return response, response.json()


@pytest.fixture
def catalogue(community, make_dataset):
    with tenancy.scope(community):
        department = factories.make_department(community, name_uk="Відділ транспорту")
        transport = Publisher.objects.create(community=community, name="transport", title_uk="Відділ транспорту",
                                             edrpou="12345678", department=department)
    made = [make_dataset(name=f"set-{n:02d}", identifier=f"2.{n}", title_uk=f"Набір {n}",
                         tags=("транспорт",) if n % 2 else ("бюджет",), themes=("TRAN",) if n % 2 else ("ECON",),
                         publisher=transport if n % 3 == 0 else None, csv=f"a,b\n{n},x\n")
            for n in range(1, 26)]
    return made


def test_envelope_and_status_show(client, community):
    response, body = call(client, "status_show")
    assert response.status_code == 200
    assert body["success"] is True and "help_show" in body["help"]
    assert body["result"]["ckan_version"].startswith("2.")


def test_both_api_paths_answer_the_same(client, catalogue):
    _r, versioned = call(client, "package_list")
    _r, plain = call(client, "package_list", base="/c/kyiv/api/action/")
    assert versioned["result"] == plain["result"] and len(plain["result"]) == 25


def test_package_show_by_name_and_id_with_passport_and_resources(client, catalogue):
    _r, by_name = call(client, "package_show", id="set-03")
    package = by_name["result"]
    _r, by_id = call(client, "package_show", id=package["id"])
    assert by_id["result"]["name"] == "set-03"
    assert package["organization"]["name"] == "transport" and package["publisher_edrpou"] == "12345678"
    assert package["update_frequency"] == "monthly" and package["identifier"] == "2.3"
    assert package["maintainer_email"] == "eco@rada.test"
    resource = package["resources"][0]
    assert resource["format"] == "CSV" and resource["size"] == len("a,b\n3,x\n") and len(resource["hash"]) == 64
    download = client.get(resource["url"].split("testserver", 1)[1])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n3,x\n"


def test_package_search_filters_sorts_and_facets(client, catalogue):
    _r, body = call(client, "package_search", fq="organization:transport", rows=100,
                    **{"facet.field": json.dumps(["organization", "tags", "res_format", "groups"])})
    result = body["result"]
    assert result["count"] == 8 and {p["organization"]["name"] for p in result["results"]} == {"transport"}
    assert result["facets"]["organization"] == {"transport": 8}
    assert result["search_facets"]["organization"]["items"][0]["display_name"] == "Відділ транспорту"
    _r, body = call(client, "package_search", fq="-organization:transport tags:транспорт", rows=100)
    assert body["result"]["count"] == 9  # odd numbers not divisible by 3
    _r, body = call(client, "package_search", fq="groups:transport res_format:CSV", rows=0)
    assert body["result"]["count"] == 13 and body["result"]["results"] == []
    _r, body = call(client, "package_search", q="Набір 17")
    assert [p["name"] for p in body["result"]["results"]] == ["set-17"]
    _r, body = call(client, "package_search", sort="metadata_modified desc", rows=3)
    assert [p["name"] for p in body["result"]["results"]] == ["set-25", "set-24", "set-23"]
    _r, body = call(client, "package_search", fq="metadata_modified:[2000-01-01T00:00:00Z TO *]", rows=1)
    assert body["result"]["count"] == 25
    _r, body = call(client, "package_search", fq="metadata_modified:[NOW+1DAY TO *]")
    assert body["result"]["count"] == 0


def test_harvester_paging_returns_every_dataset_exactly_once(client, catalogue):
    seen, pages, start, previous = [], 0, 0, None
    while True:
        _r, body = call(client, "package_search", start=start, rows=7, sort="id asc", nocache="0.123")
        page = [p["id"] for p in body["result"]["results"]]
        if not page:
            break
        assert page != previous, "two identical pages: the harvester would give up"
        seen += page
        previous, start, pages = page, start + 7, pages + 1
    assert pages == 4 and len(seen) == len(set(seen)) == 25
    assert seen == sorted(seen)


def test_post_json_and_unknown_parameters_are_accepted(client, catalogue):
    _r, body = call(client, "package_search", method="post", q="", rows=5, nocache="x", unheard_of="y")
    assert body["success"] is True and len(body["result"]["results"]) == 5


@pytest.mark.parametrize(("action", "params", "status", "kind"), [
    ("no_such_action", {}, 400, "Bad Request"),
    ("package_show", {"id": "missing"}, 404, "Not Found Error"),
    ("resource_show", {"id": "00000000-0000-0000-0000-000000000000"}, 404, "Not Found Error"),
    ("organization_show", {"id": "nobody"}, 404, "Not Found Error"),
    ("package_search", {"rows": "many"}, 409, "Validation Error"),
    ("package_search", {"start": "-5"}, 409, "Validation Error"),
    ("package_search", {"fq": "organization:(unclosed"}, 409, "Validation Error"),
    ("package_search", {"fq": "colour:blue"}, 409, "Validation Error"),
    ("package_search", {"sort": "bogus asc"}, 409, "Validation Error"),
])
def test_bad_input_gets_ckan_errors(client, catalogue, action, params, status, kind):
    response, body = call(client, action, **params)
    assert response.status_code == status
    assert body["success"] is False and body["error"]["__type"] == kind


def test_rows_are_capped_like_ckan(client, catalogue):
    _r, body = call(client, "package_search", rows=100000)
    assert body["success"] is True and len(body["result"]["results"]) == 25


def test_lists_organizations_groups_tags_and_resources(client, catalogue):
    _r, orgs = call(client, "organization_list", all_fields="true")
    counts = {o["name"]: o["package_count"] for o in orgs["result"]}
    assert counts == {"kyiv": 17, "transport": 8}
    _r, org = call(client, "organization_show", id="transport", include_datasets="true")
    assert len(org["result"]["packages"]) == 8
    _r, groups = call(client, "group_list")
    assert groups["result"] == ["economy", "transport"]
    _r, group = call(client, "group_show", id="economy")
    assert group["result"]["package_count"] == 12
    _r, tags = call(client, "tag_list")
    assert tags["result"] == ["бюджет", "транспорт"]
    _r, listing = call(client, "current_package_list_with_resources", limit=2)
    assert [p["name"] for p in listing["result"]] == ["set-25", "set-24"]
    assert listing["result"][0]["resources"][0]["format"] == "CSV"
    resource_id = listing["result"][0]["resources"][0]["id"]
    _r, resource = call(client, "resource_show", id=resource_id)
    assert resource["result"]["package_id"] == listing["result"][0]["id"]


def test_other_communities_data_is_invisible(client, catalogue, other_community):
    _r, body = call(client, "package_list", base="/c/lviv/api/3/action/")
    assert body["result"] == []


# ---------------------------------------------------------------- writes


def token_for(user):
    return factories.make_ckan_key(user)


def write(client, action, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    response = client.post(API + action, json.dumps(params), content_type="application/json", **headers)
    return response, response.json()


def test_staff_creates_and_updates_a_package_with_a_token_and_it_is_audited(client, community, staff):
    admin = staff("admin")
    token = token_for(admin)
    response, body = write(client, "package_create", token, name="bus-stops", title="Зупинки", notes="Усі зупинки",
                           identifier="5.1", maintainer="Петро", maintainer_email="p@rada.test",
                           legal_basis="835", update_frequency="yearly", tags=[{"name": "транспорт"}])
    assert response.status_code == 200, body
    assert body["result"]["organization"]["name"] == "kyiv" and body["result"]["tags"][0]["name"] == "транспорт"
    response, body = write(client, "package_update", token, id="bus-stops", title="Зупинки транспорту")
    assert body["result"]["title"] == "Зупинки транспорту"
    assert list(AuditRecord.objects.filter(action__startswith="opendata.dataset").values_list("action", flat=True)) \
        == ["opendata.dataset_create", "opendata.dataset_update"]


def test_resource_create_stores_windows_1251_as_utf8(client, community, staff, make_dataset):
    admin = staff("admin")
    dataset = make_dataset()
    upload = SimpleUploadedFile("stops.csv", "назва,район\nЗупинка Соборна,Центральний\n".encode("cp1251"))
    response = client.post(API + "resource_create", {"package_id": dataset.name, "name": "Зупинки",
                                                     "format": "CSV", "upload": upload},
                           HTTP_AUTHORIZATION=token_for(admin))
    assert response.status_code == 200, response.content
    with tenancy.scope(community):
        version = ResourceVersion.objects.get()
        with version.file.open("rb") as handle:
            assert handle.read().decode("utf-8") == "назва,район\nЗупинка Соборна,Центральний\n"


def test_mojibake_and_oversized_uploads_are_refused_and_store_nothing(client, community, staff, make_dataset,
                                                                      settings):
    admin = staff("admin")
    token = token_for(admin)
    dataset = make_dataset()
    garbled = "назва,район\nЗупинка Соборна,Центральний\n".encode().decode("cp1251").encode()
    response = client.post(API + "resource_create", {"package_id": dataset.name, "format": "CSV",
                                                     "upload": SimpleUploadedFile("bad.csv", garbled)},
                           HTTP_AUTHORIZATION=token)
    assert response.status_code == 409 and "upload" in response.json()["error"]
    settings.OPENDATA_MAX_UPLOAD_BYTES = 10
    response = client.post(API + "resource_create", {"package_id": dataset.name, "format": "CSV",
                                                     "upload": SimpleUploadedFile("big.csv", b"a,b\n" * 100)},
                           HTTP_AUTHORIZATION=token)
    assert response.status_code == 409 and "too large" in response.json()["error"]["upload"][0]
    with tenancy.scope(community):
        assert not ResourceVersion.objects.exists() and not dataset.resources.exists()


def test_a_two_gigabyte_upload_is_refused_before_it_is_read(client, community, staff, make_dataset):
    token = token_for(staff("admin"))
    make_dataset()
    response = client.post(API + "resource_create", data=b"", content_type="multipart/form-data; boundary=x",
                           HTTP_AUTHORIZATION=token, CONTENT_LENGTH=str(2 * 1024**3))
    assert response.status_code == 409 and "too large" in response.json()["error"]["upload"][0]


@pytest.mark.parametrize("who", ["anonymous", "resident", "operator", "other_admin", "executor_elsewhere"])
def test_writes_without_the_right_token_are_refused(client, community, other_community, staff, who):
    token = None
    if who == "resident":
        token = token_for(factories.make_user(community=community))
    elif who == "operator":
        token = token_for(staff("operator"))
    elif who == "other_admin":
        token = token_for(factories.make_staff(other_community, "admin"))
    elif who == "executor_elsewhere":
        token = token_for(staff("executor"))  # their department publishes nothing
    response, body = write(client, "package_create", token, name="x", title="X")
    assert response.status_code == 403 and body["error"]["__type"] == "Authorization Error"
    with tenancy.scope(community):
        assert not Dataset.objects.exists()


def test_executor_publishes_for_their_department_only(client, community, staff):
    department = factories.make_department(community)
    executor = staff("executor", department=department)
    with tenancy.scope(community):
        Publisher.objects.create(community=community, name="dept", title_uk="Відділ", department=department)
    token = token_for(executor)
    fields = {"title": "Набір відділу", "notes": "Опис", "identifier": "8.1", "maintainer": "Петро",
              "maintainer_email": "p@rada.test", "legal_basis": "835", "update_frequency": "monthly"}
    response, _b = write(client, "package_create", token, name="dept-set", owner_org="dept", **fields)
    assert response.status_code == 200
    response, _b = write(client, "package_create", token, name="council-set", owner_org="kyiv", **fields)
    assert response.status_code == 403


def test_invalid_package_is_a_validation_error_and_nothing_is_written(client, community, staff):
    token = token_for(staff("admin"))
    response, body = write(client, "package_create", token, name="Not A Slug!", title="X",
                           update_frequency="sometimes")
    assert response.status_code == 409
    assert "name" in body["error"] and "update_frequency" in body["error"]
    with tenancy.scope(community):
        assert not Dataset.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="opendata").exists()


def test_platform_datasets_cannot_be_overwritten_through_the_api(client, community, staff):
    token = token_for(staff("admin"))
    actions.ensure_platform_datasets(community=community)
    response, body = write(client, "package_update", token, id="dataset-register", title="Hacked")
    assert response.status_code == 409
