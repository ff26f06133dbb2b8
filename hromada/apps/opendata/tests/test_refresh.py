"""Platform-produced data sets: registered once, refreshed with versions kept, by command and by job."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from hromada.apps.opendata import actions, registry
from hromada.apps.opendata.models import Dataset, Format, Frequency, Resource
from hromada.apps.opendata.registry import Column, register_dataset
from hromada.core import tenancy

pytestmark = pytest.mark.django_db


def _csv_rows(resource):
    with resource.current_version.file.open("rb") as handle:
        return list(csv.reader(io.StringIO(handle.read().decode())))


def test_every_module_registers_its_datasets_through_the_registry():
    keys = {spec.key for spec in registry.registered()}
    assert {"dataset-register", "petitions", "petition-signatories", "budget-projects"} <= keys
    register = registry.get("dataset-register")
    assert register.identifier == "1.7"
    assert [c.name for c in register.columns][:3] == ["identifier", "title", "description"]


def test_refresh_command_publishes_every_platform_dataset_with_checksum_and_size(community, seeded, capsys):
    call_command("opendata", "refresh", community.slug)
    out = capsys.readouterr().out
    assert "petitions" in out and "refreshed" in out
    with tenancy.scope(community):
        petitions = Dataset.objects.get(platform_key="petitions")
        formats = {r.format for r in petitions.resources.all()}
        assert formats == {Format.CSV, Format.JSON, Format.XLSX}
        csv_resource = petitions.resources.get(format=Format.CSV)
        assert csv_resource.size == csv_resource.current_version.size > 0
        assert len(csv_resource.checksum) == 64 and csv_resource.last_modified is not None
        rows = _csv_rows(csv_resource)
        assert rows[0][:2] == ["petition_id", "title"]
        assert [r[1] for r in rows[1:]] == ["Велодоріжка на Соборній"]  # drafts are not public
        assert petitions.next_update_at > petitions.last_updated_at
        register_rows = _csv_rows(Dataset.objects.get(identifier="1.7").resources.get(format=Format.CSV))
        assert "accrualPeriodicity" in register_rows[0]
        assert any(row[0] == "6.1" for row in register_rows[1:])


def test_unchanged_data_keeps_its_version_and_changed_data_adds_one(community, seeded):
    with tenancy.scope(community):
        actions.platform_dataset_refresh(community=community, key="petitions")
        resource = Resource.objects.get(dataset__platform_key="petitions", format=Format.CSV)
        first = resource.current_version
        actions.platform_dataset_refresh(community=community, key="petitions")
        resource.refresh_from_db()
        assert resource.current_version_id == first.pk and resource.versions.count() == 1
        seeded.signature_count = 57
        seeded.save(update_fields=["signature_count"])
        actions.platform_dataset_refresh(community=community, key="petitions")
        resource.refresh_from_db()
        assert resource.versions.count() == 2
        assert resource.current_version.number == 2 and resource.checksum != first.checksum
        with first.file.open("rb") as old:
            assert b",2,100," in old.read()  # the old version is still downloadable as it was


def test_a_module_added_later_publishes_the_same_way(community):
    register_dataset("late-module", identifier="99.1", title_uk="Пізній модуль", title_en="Late module",
                     frequency=Frequency.WEEKLY, producer=lambda c: iter([(1, "a"), (2, "b")]),
                     columns=[Column("n", "Номер", "Number", "integer"), Column("v", "Значення", "Value")],
                     formats=(Format.CSV,))
    try:
        call_command("opendata", "refresh", community.slug, "late-module")
        with tenancy.scope(community):
            resource = Resource.objects.get(dataset__name="late-module")
            assert _csv_rows(resource) == [["n", "v"], ["1", "a"], ["2", "b"]]
            assert resource.dataset.get_frequency_display() == "Weekly"
    finally:
        registry._registry.pop("late-module")


def test_refresh_of_an_unknown_community_or_dataset_is_a_clear_error(community):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no community"):
        call_command("opendata", "refresh", "nowhere")
    with pytest.raises(CommandError, match="unknown data sets: nope"):
        call_command("opendata", "refresh", community.slug, "nope")


def test_tick_refreshes_only_due_datasets(community, seeded):
    from django.utils import timezone

    call_command("opendata", "refresh", community.slug)
    with tenancy.scope(community):
        Dataset.objects.filter(platform_key="petitions").update(next_update_at=timezone.now())
        before = {d.platform_key: d.last_updated_at for d in Dataset.objects.exclude(platform_key="")}
    call_command("opendata", "tick", "--now")
    with tenancy.scope(community):
        after = {d.platform_key: d.last_updated_at for d in Dataset.objects.exclude(platform_key="")}
    assert after["petitions"] > before["petitions"]
    assert after["petition-signatories"] == before["petition-signatories"]
