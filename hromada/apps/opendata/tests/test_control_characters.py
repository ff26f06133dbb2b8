"""A control character in one data set's text neither breaks the RDF/XML catalogue nor stops the refresh."""

from __future__ import annotations

from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own catalogue in a test

import pytest
from django.core.management import call_command
from django.db import connection
from rdflib import Graph

from hromada.apps.opendata import actions, registry
from hromada.apps.opendata.models import Dataset, Format, Frequency
from hromada.apps.opendata.registry import Column, register_dataset
from hromada.core import tenancy

pytestmark = pytest.mark.django_db
# PostgreSQL cannot store NUL in text at all; other C0 controls reach it from old imports and admin edits.
BAD = "\x00\x0b" if connection.vendor == "sqlite" else "\x0b\x01"


@pytest.fixture
def spoiled(community, make_dataset):
    """A published data set whose title holds control characters (written past the actions, as old data was)."""
    dataset = make_dataset(csv="a,b\n1,2\n")
    with tenancy.scope(community):
        Dataset.objects.filter(pk=dataset.pk).update(title_uk=f"Якість{BAD} повітря", description_uk=f"Опис{BAD}")
    return dataset


def test_rdf_xml_catalogue_stays_valid_xml(client, spoiled):
    response = client.get("/c/kyiv/opendata/catalog.rdf")
    assert response.status_code == 200
    ET.fromstring(response.content)  # noqa: S314 - raises on a character XML cannot carry
    graph = Graph().parse(data=response.content.decode(), format="xml")
    assert "Якість повітря" in {str(o) for o in graph.objects()}


def test_refresh_publishes_every_platform_data_set_despite_the_bad_title(community, spoiled):
    call_command("opendata", "refresh", community.slug)
    with tenancy.scope(community):
        register = Dataset.objects.get(platform_key="dataset-register")
        xlsx = register.resources.get(format=Format.XLSX)
        assert xlsx.current_version is not None
        assert not Dataset.objects.exclude(platform_key="").filter(last_updated_at__isnull=True).exists()


def test_one_failing_platform_data_set_does_not_stop_the_others(community):
    def broken(_community):
        raise RuntimeError("the source table is gone")
        yield  # pragma: no cover

    register_dataset("broken-module", identifier="99.2", title_uk="Зламаний", title_en="Broken",
                     frequency=Frequency.WEEKLY, producer=broken, columns=[Column("n", "Номер", "Number")],
                     formats=(Format.CSV,))
    try:
        refreshed = actions.platform_datasets_refresh(community=community)
        keys = {d.platform_key for d in refreshed}
        assert "broken-module" not in keys and {"petitions", "dataset-register"} <= keys
        with tenancy.scope(community):
            assert Dataset.objects.get(platform_key="broken-module").last_updated_at is None
    finally:
        registry._registry.pop("broken-module")
