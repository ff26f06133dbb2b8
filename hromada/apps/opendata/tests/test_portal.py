"""The portal pages: search with facets, passport, previews, downloads, office by role, both languages."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Dataset
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord
from hromada.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(community, make_dataset, seeded):
    dataset = make_dataset(csv="район,кількість\nЦентральний,12\nПівнічний,7\n")
    call_command("opendata", "refresh", community.slug)
    return dataset


def test_search_page_lists_datasets_with_facets_and_filters_by_them(client, portal):
    page = client.get("/c/kyiv/opendata/").content.decode()
    assert "Якість повітря" in page or "Air quality" in page
    assert "Publisher" in page and "Update frequency" in page and "GeoJSON" not in page.split("Format")[0]
    filtered = client.get("/c/kyiv/opendata/", {"frequency": "monthly"}).content.decode()
    assert "Air quality" in filtered and "Electronic petitions" not in filtered
    searched = client.get("/c/kyiv/opendata/", {"q": "петиц"}).content.decode()
    assert "Electronic petitions" in searched and "Air quality" not in searched


def test_dataset_page_shows_passport_update_line_and_api_snippets(client, portal):
    page = client.get("/c/kyiv/opendata/dataset/air-quality/").content.decode()
    for text in ("Ірина Відповідальна", "eco@rada.test", "Постанова КМУ № 835", "Monthly", "Last updated",
                 "Next update", "package_show?id=air-quality", "ckanapi.RemoteCKAN", "3.2"):
        assert text in page, text


def test_ukrainian_is_the_default_language_of_the_portal(client, portal, settings):
    settings.LANGUAGE_CODE = "uk"
    page = client.get("/c/kyiv/opendata/dataset/air-quality/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Відповідальна особа" in page and "Наступне оновлення" in page
    english = client.get("/c/kyiv/opendata/dataset/air-quality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Responsible person" in english


def test_csv_and_xlsx_previews_show_the_first_rows(client, portal, community):
    with tenancy.scope(community):
        csv_resource = Dataset.objects.get(name="air-quality").resources.get()
        xlsx = Dataset.objects.get(name="petitions").resources.get(format="XLSX")
    page = client.get(f"/c/kyiv/opendata/dataset/air-quality/resource/{csv_resource.pk}/").content.decode()
    assert "<th scope=\"col\">район</th>" in page and "<td>Північний</td>" in page
    page = client.get(f"/c/kyiv/opendata/dataset/petitions/resource/{xlsx.pk}/").content.decode()
    assert "signature_count" in page and "Велодоріжка на Соборній" in page


def test_geojson_preview_has_a_map_and_a_text_alternative(client, community, make_dataset, staff):
    dataset = make_dataset(name="stops")
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.11, 49.79]},
         "properties": {"name": "Зупинка Соборна"}}]}
    with tenancy.scope(community):
        resource = actions.resource_upload(dataset=dataset, by=staff("admin"), fmt="GeoJSON",
                                           raw=json.dumps(geo).encode())
    page = client.get(f"/c/kyiv/opendata/dataset/stops/resource/{resource.pk}/").content.decode()
    assert "<svg" in page and "<circle" in page
    assert "Text alternative of the map" in page
    assert '<td>Зупинка Соборна</td><td class="num">30.11</td><td class="num">49.79</td>' in page


def test_download_and_dataset_zip(client, portal, community):
    with tenancy.scope(community):
        resource = Dataset.objects.get(name="air-quality").resources.get()
    response = client.get(f"/c/kyiv/opendata/dataset/air-quality/resource/{resource.pk}/download/air-quality.csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).decode() == "район,кількість\nЦентральний,12\nПівнічний,7\n"
    archive = client.get("/c/kyiv/opendata/dataset/petitions/dataset.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as bundle:
        assert sorted(bundle.namelist()) == ["petitions/petitions.csv", "petitions/petitions.json",
                                             "petitions/petitions.xlsx"]


def test_bulk_zip_is_streamed_in_chunks(client, portal):
    response = client.get("/c/kyiv/opendata/opendata.zip")
    chunks = list(response.streaming_content)
    assert len(chunks) > 3 and response["Content-Type"] == "application/zip"


def test_home_page_has_the_open_data_section(client, community):
    page = client.get("/c/kyiv/").content.decode()
    assert "/c/kyiv/opendata/" in page


def _form(**overrides):
    data = {"name": "parks", "identifier": "9.9", "title_uk": "Парки", "title_en": "Parks",
            "description_uk": "Парки громади", "responsible_person": "Ірина", "responsible_email": "i@rada.test",
            "legal_basis": "835", "frequency": "yearly", "license_id": "cc-by", "language": "uk",
            "is_published": "on", "keywords": "парки, зелень"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", True), ("executor", False), ("operator", False), ("moderator", False), ("resident", False),
])
def test_office_publishing_by_role(client, community, staff, role, allowed):
    user = factories.make_user(community=community) if role == "resident" else staff(role)
    client.force_login(user)
    with tenancy.scope(community):
        publisher = actions.council_publisher(community)
    response = client.post("/c/kyiv/opendata/office/new/", _form(publisher=publisher.pk))
    assert (response.status_code == 302) is allowed
    with tenancy.scope(community):
        assert Dataset.objects.filter(name="parks").exists() is allowed
    assert AuditRecord.objects.filter(action="opendata.dataset_create").exists() is allowed


def test_office_form_shows_field_errors_and_saves_nothing(client, community, staff):
    client.force_login(staff("admin"))
    with tenancy.scope(community):
        publisher = actions.council_publisher(community)
    response = client.post("/c/kyiv/opendata/office/new/", _form(publisher=publisher.pk, responsible_email="nope"))
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    with tenancy.scope(community):
        assert not Dataset.objects.exists()


def test_admin_refreshes_a_platform_dataset_from_the_office(client, community, staff, seeded):
    client.force_login(staff("admin"))
    actions.ensure_platform_datasets(community=community)
    response = client.post("/c/kyiv/opendata/office/petitions/refresh/")
    assert response.status_code == 302
    with tenancy.scope(community):
        assert Dataset.objects.get(name="petitions").resources.filter(current_version__isnull=False).count() == 3
    office = client.get("/c/kyiv/opendata/office/").content.decode()
    assert "Refresh now" in office
