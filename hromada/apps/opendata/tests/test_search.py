"""package_search's count and facets: one statement per search, the same numbers as the catalogue says."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Dataset, Format, License, Publisher
from hromada.core import tenancy

pytestmark = pytest.mark.django_db
API = "/c/kyiv/api/3/action/package_search"
ALL_FACETS = ["organization", "groups", "tags", "res_format", "license_id", "update_frequency"]


def search(client, language="uk", **params):
    params.setdefault("facet.field", json.dumps(ALL_FACETS))
    response = client.get(API, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:300]
    return response.json()["result"]


@pytest.fixture
def varied(community, other_community, make_dataset):
    """30 data sets with mixed publishers, themes, keywords (some none), licences, frequencies and formats;
    one unpublished; and a community next door with the same publisher, theme and keyword names."""
    with tenancy.scope(community):
        roads = Publisher.objects.create(community=community, name="roads", title_uk="Відділ доріг",
                                         title_en="Roads department")
    frequencies = ["monthly", "yearly", "daily"]
    licences = [License.CC_BY, License.CC_ZERO, License.ODC_BY]
    for n in range(30):
        tags = [("бюджет", "дороги"), ("бюджет",), (), ("освіта", "дороги", "вода")][n % 4]
        themes = [("ECON",), ("TRAN", "REGI"), ("EDUC",)][n % 3]
        dataset = make_dataset(
            name=f"set-{n:02d}", identifier=f"9.{n}", title_uk=f"Набір {n}", title_en=f"Data set {n}",
            tags=tags, themes=themes, publisher=roads if n % 5 == 0 else None, frequency=frequencies[n % 3],
            license_id=licences[n % 3], is_published=n != 29, csv="a,b\n1,2\n" if n % 2 else None)
        if n % 3 == 0:
            actions.resource_upload(dataset=dataset, by=None, fmt="JSON", raw=b'{"a": 1}', name_uk="json")
        if n % 7 == 0:
            actions.resource_upload(dataset=dataset, by=None, fmt="GeoJSON",
                                    raw=b'{"type": "FeatureCollection", "features": []}', name_uk="geo")
    with tenancy.scope(other_community):
        publisher = Publisher.objects.create(community=other_community, name="roads", title_uk="Дороги Львова")
        for n in range(4):
            neighbour = actions.dataset_save(
                community=other_community, by=None, publisher=publisher, tags=["бюджет", "дороги"],
                themes=[actions.theme_for(other_community, "ECON")],
                fields={"name": f"lviv-{n}", "identifier": f"1.{n}", "title_uk": f"Набір {n} Львова",
                        "description_uk": "Опис", "responsible_person": "Особа", "responsible_email": "a@b.test",
                        "legal_basis": "835", "frequency": "daily"})
            actions.resource_upload(dataset=neighbour, by=None, fmt="CSV", raw=b"a\n1\n", name_uk="csv")


def expected(community, q="", keep=lambda d: True):
    """The count and facets computed from the models one data set at a time: the oracle."""
    with tenancy.scope(community):
        datasets = [d for d in Dataset.objects.filter(is_published=True).select_related("publisher")
                    .prefetch_related("themes", "tags", "resources")
                    if all(word in d.search_text for word in q.lower().split()) and keep(d)]
        facets = {
            "organization": Counter(d.publisher.name for d in datasets),
            "groups": Counter(t.name for d in datasets for t in d.themes.all()),
            "tags": Counter(t.name for d in datasets for t in d.tags.all()),
            "res_format": {fmt: sum(fmt in formats_of(d) for d in datasets) for fmt in Format.values},
            "license_id": Counter(d.license_id for d in datasets),
            "update_frequency": Counter(d.frequency for d in datasets),
        }
    return len(datasets), facets


def ckan_order(counts, mincount=1, limit=-1):
    items = sorted(((k, n) for k, n in counts.items() if n >= mincount), key=lambda item: (-item[1], item[0]))
    return dict(items if limit < 0 else items[:limit])


def formats_of(dataset):
    return {r.format for r in dataset.resources.all()}


@pytest.mark.parametrize(("params", "q", "keep"), [
    ({}, "", lambda d: True),
    ({"q": "набір 1"}, "набір 1", lambda d: True),
    ({"q": "NABIR"}, "nabir", lambda d: True),  # nothing matches
    ({"fq": "-organization:roads tags:дороги"}, "", lambda d: d.publisher.name != "roads"
     and "дороги" in {t.name for t in d.tags.all()}),
    ({"q": "набір", "fq": "res_format:JSON groups:transport"}, "набір",
     lambda d: "JSON" in formats_of(d) and "transport" in {t.name for t in d.themes.all()}),
    ({"fq": "license_id:cc-zero", "fq_list": ["update_frequency:(monthly OR yearly)"]}, "",
     lambda d: d.license_id == "cc-zero" and d.frequency in ("monthly", "yearly")),
])
def test_count_and_every_facet_match_the_catalogue(client, community, varied, params, q, keep):
    count, facets = expected(community, q, keep)
    result = search(client, rows=0, **{"facet.limit": "-1"}, **params)
    assert result["count"] == count
    assert result["facets"] == {field: ckan_order(facets[field]) for field in ALL_FACETS}
    everything = search(client, rows=0, **{"facet.limit": "-1", "facet.mincount": "0"}, **params)
    # with mincount=0 every format is listed, also one that no matching data set has
    assert everything["facets"]["res_format"] == ckan_order(facets["res_format"], mincount=0)
    assert set(everything["facets"]["res_format"]) == set(Format.values)


def test_facets_are_ordered_by_count_then_name_and_limited(client, community, varied):
    _count, facets = expected(community)
    result = search(client, rows=0, **{"facet.limit": "2"})
    assert result["facets"]["tags"] == ckan_order(facets["tags"], limit=2)
    assert list(result["facets"]["tags"]) == ["бюджет", "дороги"]  # 16 and 15 of the 29 published


def test_display_names_of_organizations_and_groups_follow_the_language(client, community, varied):
    result = search(client, rows=0, fq="organization:roads")
    items = {i["name"]: i["display_name"] for i in result["search_facets"]["organization"]["items"]}
    assert items == {"roads": "Відділ доріг"}
    groups = {i["name"]: i["display_name"] for i in result["search_facets"]["groups"]["items"]}
    assert groups["transport"] == "Транспорт"
    english = search(client, language="en", rows=0, fq="organization:roads")
    assert {i["display_name"] for i in english["search_facets"]["organization"]["items"]} == {"Roads department"}
    assert {i["name"]: i["display_name"] for i in english["search_facets"]["groups"]["items"]}["transport"] == \
        "Transport"
    tags = {i["name"]: i["display_name"] for i in result["search_facets"]["tags"]["items"]}
    assert tags["дороги"] == "дороги"


def test_a_search_reads_the_catalogue_twice_however_many_facets(client, community, varied):
    """The filters are evaluated once for the count and all facets, once more for the page."""
    def catalogue_queries(**params):
        with CaptureQueriesContext(connection) as queries:
            result = search(client, q="набір", fq="-organization:roads", rows=5, **params)
        return result, [q["sql"] for q in queries.captured_queries if "search_text" in q["sql"]]

    result, queries = catalogue_queries()
    assert len(queries) == 2 and len(result["results"]) == 5 and set(result["facets"]) == set(ALL_FACETS)
    _result, without_facets = catalogue_queries(**{"facet.field": "[]"})
    assert len(without_facets) == 2


def test_portal_facets_count_like_the_api(client, community, varied):
    page = client.get("/c/kyiv/opendata/", {"q": "набір", "format": "JSON"}, HTTP_ACCEPT_LANGUAGE="uk")
    _count, facets = expected(community, "набір", lambda d: "JSON" in formats_of(d))
    text = page.content.decode()
    assert f"Відділ доріг ({facets['organization']['roads']})" in text
    assert f"Економіка і фінанси ({facets['groups']['economy']})" in text
    assert f"Щомісяця ({facets['update_frequency']['monthly']})" in text
