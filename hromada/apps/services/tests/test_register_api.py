"""The register in the REST API: list with search, a card by its code, life situations, offices."""

import pytest

from hromada.apps.services.tests import register_data

API = "/c/kyiv/api/v1/services/"


@pytest.fixture
def registry(community):
    register_data.load(community)
    return community


def test_list_and_search(client, registry):
    body = client.get(API).json()
    assert [s["code"] for s in body["results"]] == ["02-birth", "03-fop", "01-residence"]  # by Ukrainian name
    found = client.get(API, {"q": "зареєструвати проживання"}).json()["results"]
    assert [s["code"] for s in found] == ["01-residence"]
    assert found[0]["applies_online"] is True and found[0]["fee_amount"] == "25.50"
    by_situation = client.get(API, {"situation": "birth"}).json()["results"]
    assert [s["code"] for s in by_situation] == ["02-birth"]
    business = client.get(API, {"audience": "business"}).json()["results"]
    assert [s["code"] for s in business] == ["03-fop"]


def test_detail_by_code_carries_the_whole_card(client, registry):
    body = client.get(f"{API}register/01-residence/").json()
    assert body["card"]["documents"][0] == {"title": "Заява", "requirements": "за формою"}
    assert body["card"]["offices"] == ["cnap-centre", "cnap-north"]
    assert body["version"] == 1
    missing = client.get(f"{API}register/nothing/")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "not_found"


def test_situations_and_offices(client, registry):
    situations = client.get(f"{API}situations/").json()
    assert {s["code"] for s in situations} == {"residence", "birth", "business"}
    offices = client.get(f"{API}offices/").json()
    centre = next(o for o in offices if o["code"] == "cnap-centre")
    assert centre["hours"]["tue"] == "08:00-20:00"


def test_another_community_sees_none_of_it(client, registry, other_community):
    assert client.get("/c/lviv/api/v1/services/").json()["results"] == []
    assert client.get("/c/lviv/api/v1/services/register/01-residence/").status_code == 404


def test_api_query_counts_stay_flat(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(API, {"q": "реєстрація"})
    with django_assert_max_num_queries(8):
        client.get(f"{API}register/01-residence/")


def test_the_register_is_an_open_dataset(registry):
    from hromada.apps.opendata import files
    from hromada.apps.opendata import registry as datasets
    from hromada.core import tenancy

    spec = datasets.get("services-register")
    assert spec is not None and spec.identifier == "8.1"
    with tenancy.scope(registry):
        rows = list(spec.producer(registry))
    assert [r[0] for r in rows] == ["01-residence", "02-birth", "03-fop"]  # by code; retired ones would be left out
    header = [c.name for c in spec.columns]
    assert len(rows[0]) == len(header)
    residence = dict(zip(header, rows[0], strict=True))
    assert residence["offices"] == "cnap-centre;cnap-north" and str(residence["fee_amount"]) == "25.50"
    for fmt in spec.formats:
        written = files.write_format(fmt, rows, header)
        assert written.rows == 3 and written.size > 0
        written.file.close()
