"""ckanapi from PyPI against a running server, exactly as data.gov.ua's tools use it."""

from __future__ import annotations

import io

import ckanapi
import pytest

from hromada.apps.opendata import actions
from hromada.testing import factories


@pytest.fixture
def live_catalogue(transactional_db, make_dataset, community):
    return [make_dataset(name=f"live-{n:02d}", identifier=f"4.{n}", title_uk=f"Живий набір {n}",
                         tags=("жива",), csv=f"n\n{n}\n") for n in range(1, 13)]


def test_ckanapi_dumps_the_catalogue_and_pages_the_search(live_server, live_catalogue):
    portal = ckanapi.RemoteCKAN(f"{live_server.url}/c/kyiv", user_agent="ckanapi-test/1.0")
    names = portal.action.package_list()
    assert len(names) == 12
    dump = [portal.action.package_show(id=name) for name in names]
    assert {d["name"] for d in dump} == set(names)
    assert all(d["resources"][0]["format"] == "CSV" for d in dump)
    seen, start = [], 0
    while True:
        page = portal.action.package_search(q="*:*", rows=5, start=start, sort="id asc")["results"]
        if not page:
            break
        seen += [p["id"] for p in page]
        start += 5
    assert len(seen) == len(set(seen)) == 12
    get_only = ckanapi.RemoteCKAN(f"{live_server.url}/c/kyiv", get_only=True)
    assert get_only.action.package_search(fq="tags:жива", rows=1, nocache="123")["count"] == 12
    with pytest.raises(ckanapi.NotFound):
        portal.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError):
        portal.action.package_search(rows="lots")


def test_ckanapi_writes_with_a_staff_token_and_is_refused_without(live_server, transactional_db, community):
    admin = factories.make_staff(community, "admin")
    token = actions.api_token_rotate(community=community, by=admin)
    anonymous = ckanapi.RemoteCKAN(f"{live_server.url}/c/kyiv")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(name="nope", title="Nope")
    portal = ckanapi.RemoteCKAN(f"{live_server.url}/c/kyiv", apikey=token)
    package = portal.action.package_create(
        name="trees", title="Дерева", notes="Реєстр дерев", identifier="3.9", maintainer="Ірина",
        maintainer_email="eco@rada.test", legal_basis="835", update_frequency="yearly", tags=[{"name": "зелень"}])
    resource = portal.action.resource_create(package_id=package["id"], name="Дерева", format="CSV",
                                             upload=io.BytesIO("вид,кількість\nлипа,12\n".encode("cp1251")))
    assert resource["size"] == len("вид,кількість\nлипа,12\n".encode())
    shown = portal.action.package_show(id="trees")
    assert shown["resources"][0]["id"] == resource["id"] and shown["tags"][0]["name"] == "зелень"
