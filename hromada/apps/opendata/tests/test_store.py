"""The stored CKAN package JSON stays in sync with every write, and the appeals export holds no personal data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import translation

from hromada.apps.opendata import actions
from hromada.apps.opendata.ckan import serialize, store
from hromada.apps.opendata.export import appeals_csv
from hromada.apps.opendata.models import Dataset
from hromada.core import tenancy

from .conftest import passport
from .test_privacy import FORBIDDEN

pytestmark = pytest.mark.django_db


def _assert_in_sync(community, dataset_pk):
    """Both stored texts equal a package dict freshly built from the models."""
    with tenancy.scope(community):
        dataset = serialize.with_related(Dataset.objects.filter(pk=dataset_pk)).get()
        stored = Dataset.objects.filter(pk=dataset_pk).values_list("ckan_uk", "ckan_en").get()
        for language, text in zip(store.LANGUAGES, stored, strict=True):
            with translation.override(language):
                expected = serialize.package_dict(dataset, serialize.Urls(store.PORTAL))
            assert text, f"no stored {language} package"
            assert json.loads(text) == expected
    return json.loads(stored[0])


def test_stored_package_follows_edits_resources_tags_and_refresh(community, make_dataset):
    dataset = make_dataset(name="sync-me", tags=("вода",))
    package = _assert_in_sync(community, dataset.pk)
    assert [t["name"] for t in package["tags"]] == ["вода"] and package["num_resources"] == 0

    with tenancy.scope(community):  # a passport edit
        actions.dataset_save(community=community, by=None, fields=passport(name="sync-me", title_uk="Нова назва"),
                             publisher=dataset.publisher, dataset=Dataset.objects.get(pk=dataset.pk))
    assert _assert_in_sync(community, dataset.pk)["title"] == "Нова назва"

    with tenancy.scope(community):  # a tag change
        actions.dataset_save(community=community, by=None, fields={}, publisher=dataset.publisher,
                             dataset=Dataset.objects.get(pk=dataset.pk), tags=["земля", "ліс"])
    assert [t["name"] for t in _assert_in_sync(community, dataset.pk)["tags"]] == ["земля", "ліс"]

    with tenancy.scope(community):  # a resource added
        actions.resource_upload(dataset=Dataset.objects.get(pk=dataset.pk), by=None, fmt="CSV",
                                raw=b"a,b\n1,2\n", name_uk="Файл")
    package = _assert_in_sync(community, dataset.pk)
    assert package["num_resources"] == 1 and package["resources"][0]["size"] == 8
    with tenancy.scope(community):  # the res_format facet's column follows too
        assert Dataset.objects.get(pk=dataset.pk).res_formats == "|CSV|"

    actions.platform_datasets_refresh(community=community)  # a platform refresh
    with tenancy.scope(community):
        register = Dataset.objects.get(platform_key="dataset-register")
    package = _assert_in_sync(community, register.pk)
    assert all(r["size"] for r in package["resources"]) and package["data_last_updated"]


def test_api_answers_from_the_stored_text_equal_the_model_dict(client, community, make_dataset):
    dataset = make_dataset(name="api-sync", csv="a,b\n1,2\n")
    portal = "http://testserver/c/kyiv/opendata/"
    with tenancy.scope(community):
        expected = serialize.package_dict(serialize.with_related(Dataset.objects.filter(pk=dataset.pk)).get(),
                                          serialize.Urls(portal))
    shown = client.get("/c/kyiv/api/3/action/package_show", {"id": "api-sync"}).json()["result"]
    assert shown == expected and shown["resources"][0]["url"].startswith(portal)
    found = client.get("/c/kyiv/api/3/action/package_search", {"q": "api-sync"}).json()["result"]
    assert found["results"] == [expected]
    # A data set written outside the actions (empty stored text) is rendered on the fly.
    with tenancy.scope(community):
        Dataset.objects.filter(pk=dataset.pk).update(ckan_uk="", ckan_en="")
    assert client.get("/c/kyiv/api/3/action/package_show", {"id": "api-sync"}).json()["result"] == expected


def test_appeals_export_streams_the_producer_columns_without_personal_data(community, seeded):
    text = b"".join(appeals_csv(community)).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["number", "type", "channel", "category", "district", "department", "status",
                       "registered_on", "due_on", "answered_on", "term_met"]
    assert len(rows) == 2 and rows[1][0] == "ЗВ-2026-000017" and rows[1][9] == "" and rows[1][10] == ""
    for secret in FORBIDDEN:
        assert secret not in text, f"{secret!r} leaked into the appeals export"
