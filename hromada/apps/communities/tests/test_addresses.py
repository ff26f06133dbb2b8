"""The address register: normalising typed Ukrainian addresses, the CSV import (page and command), geocoding."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from hromada.apps.communities import geocoding
from hromada.apps.communities.models import Address
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord
from hromada.testing.factories import make_district, make_staff, make_user

SQUARE = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.1], [30.0, 50.0]]]}
GOOD = """street,house,latitude,longitude,district
вулиця Соборна,12,50.01,30.01,CEN
вулиця Соборна,12а,50.02,30.02,
проспект Незалежності,7,50.03,30.03,Центр
провулок Шевченка,1,50.04,30.04,
вулиця Шевченка,1,50.05,30.05,
вулиця Обʼєднання,3,50.06,30.06,
"""


@pytest.mark.parametrize(("typed", "expected"), [
    ("вул. Соборна, 12а", ("вул", "соборна", "12а")),
    ("вулиця Соборна, буд. 12-А", ("вул", "соборна", "12а")),
    ("Соборна вулиця 12 а", ("вул", "соборна", "12а")),
    ("СОБОРНА, 12 Б", ("", "соборна", "12б")),
    ("м. Демо, вул. Соборна, 5, кв. 3", ("вул", "соборна", "5")),
    ("09100, м. Демо, вулиця Соборна, будинок 1", ("вул", "соборна", "1")),
    ("вул.Соборна,12/1", ("вул", "соборна", "12/1")),
    ("просп. Незалежності 7", ("просп", "незалежності", "7")),
    ("проспект Незалежності, № 7", ("просп", "незалежності", "7")),
    ("пр-т Незалежності 7", ("просп", "незалежності", "7")),
    ("пров. Шевченка 1", ("пров", "шевченка", "1")),
    ("вул. Обʼєднання, 3", ("вул", "обєднання", "3")),
    ("вул. Об'єднання, 3", ("вул", "обєднання", "3")),
    ("вул. Об’єднання, 3", ("вул", "обєднання", "3")),
    ("вул. 8 Березня, 12", ("вул", "8 березня", "12")),
    ("вул. Miська 4", ("вул", "міська", "4")),  # a Latin "M" and "i" typed in a Cyrillic word
    ("вул. Соборна", ("вул", "соборна", "")),
])
def test_typed_addresses_are_normalised(typed, expected):
    parsed = geocoding.parse_address(typed)
    assert parsed is not None and (parsed.street_type, parsed.street_key, parsed.house_key) == expected


@pytest.mark.parametrize("typed", ["", "   ", "кв. 3", "м. Демо", "09100"])
def test_text_without_a_street_is_not_an_address(typed):
    assert geocoding.parse_address(typed) is None


@pytest.fixture
def register(community):
    make_district(community, SQUARE, name_uk="Центр", code="CEN")
    with tenancy.scope(community):
        from hromada.apps.communities.actions import addresses_import

        addresses_import(community=community, data=GOOD.encode(), by=None)
        yield community


@pytest.mark.parametrize(("typed", "house"), [
    ("вул. Соборна, 12а", "12а"),
    ("Соборна, буд. 12 А", "12а"),
    ("вулиця соборна 12", "12"),
    ("Соборна 12в", "12"),  # 12в is not in the register: the plot of 12
    ("вул. Обєднання, 3", "3"),
    ("пров. Шевченка, 1", "1"),
])
def test_geocoder_finds_the_register_building(register, typed, house):
    found = geocoding.geocode(typed)
    assert found is not None and found.house == house


@pytest.mark.parametrize("typed", [
    "Шевченка, 1",  # a street and a lane of that name: the text does not say which
    "вул. Соборна",  # no house
    "вул. Соборна, 99",
    "вул. Невідома, 1",
    "просто біля парку",
])
def test_geocoder_gives_nothing_rather_than_a_guess(register, typed):
    assert geocoding.geocode(typed) is None


def test_import_reads_districts_and_updates_on_the_second_run(register):
    soborna = Address.objects.get(street_key="соборна", house_key="12")
    assert soborna.district is not None and soborna.district.code == "CEN"
    assert Address.objects.get(street_key="незалежності").district.name_uk == "Центр"
    from hromada.apps.communities.actions import addresses_import

    changed = GOOD.replace("вулиця Соборна,12,50.01", "вулиця Соборна,12,50.011")
    result = addresses_import(community=register, data=("\ufeff" + changed).encode(), by=None)
    assert (result.created, result.updated, result.deleted, result.total) == (0, 1, 0, 6)
    assert Address.objects.get(street_key="соборна", house_key="12").latitude == 50.011
    only_two = "вулиця;будинок;широта;довгота\nвулиця Соборна;12;50,011;30,01\nвулиця Соборна;14;50,1;30,1\n"
    result = addresses_import(community=register, data=only_two.encode("cp1251"), by=None, replace=True)
    assert (result.created, result.updated, result.deleted) == (1, 1, 5)
    assert sorted(Address.objects.values_list("house", flat=True)) == ["12", "14"]
    assert Address.objects.get(house="12").district is None  # the file said no district
    assert AuditRecord.objects.filter(action="communities.addresses_import").count() == 3


@pytest.mark.parametrize(("content", "message"), [
    ("street,house\nвулиця Соборна,1\n", "missing: latitude, longitude"),
    ("street,house,latitude,longitude\nвулиця Соборна,1,50.0,30.0\n,2,50.0,30.0\n", "Line 3: the street is empty"),
    ("street,house,latitude,longitude\nвулиця Соборна,корпус,50.0,30.0\n", "Line 2: “корпус” is not a house number"),
    ("street,house,latitude,longitude\nвулиця Соборна,1,пів,30.0\n", "Line 2: latitude and longitude must be"),
    ("street,house,latitude,longitude\nвулиця Соборна,1,95,30.0\n", "Line 2: latitude and longitude must be"),
    ("street,house,latitude,longitude,district\nвулиця Соборна,1,50,30,Марс\n", "unknown district “Марс”"),
    ("street,house,latitude,longitude\nвул. Соборна,1,50,30\nвулиця соборна,1,50,30\n", "the same address as line 2"),
    ("street,house,latitude,longitude\n", "The file has no addresses."),
])
def test_a_bad_file_changes_nothing_and_names_the_line(register, content, message):
    from django.core.exceptions import ValidationError

    from hromada.apps.communities.actions import addresses_import

    before = list(Address.objects.values_list("street", "house", "latitude"))
    with pytest.raises(ValidationError) as error:
        addresses_import(community=register, data=content.encode(), by=None, replace=True)
    assert any(message in text for text in error.value.messages)
    assert list(Address.objects.values_list("street", "house", "latitude")) == before


def test_community_admin_imports_on_the_back_office_page(client, community, staff):
    make_district(community, SQUARE, name_uk="Центр", code="CEN")
    admin = staff("admin")
    client.force_login(admin)
    upload = SimpleUploadedFile("addresses.csv", GOOD.encode(), content_type="text/csv")
    response = client.post("/c/kyiv/office/community/addresses/", {"file": upload})
    assert response.status_code == 302
    page = client.get("/c/kyiv/office/community/addresses/?q=Соборна 12").content.decode()
    assert "Imported 6 addresses: 6 added" in page and "вулиця Соборна" in page and "Незалежності" not in page
    with tenancy.scope(community):
        assert Address.objects.count() == 6
        record = AuditRecord.objects.get(action="communities.addresses_import")
    assert record.actor_id == admin.pk and record.data["created"] == 6


def test_a_bad_upload_on_the_page_lists_the_lines_and_imports_nothing(client, community, staff):
    client.force_login(staff("admin"))
    bad = "street,house,latitude,longitude\nвулиця Соборна,1,50,30\nвулиця Соборна,2,x,30\n"
    response = client.post("/c/kyiv/office/community/addresses/",
                           {"file": SimpleUploadedFile("a.csv", bad.encode(), content_type="text/csv")})
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode() and "Line 3" in response.content.decode()
    with tenancy.scope(community):
        assert not Address.objects.exists()
        assert not AuditRecord.objects.filter(action="communities.addresses_import").exists()


@pytest.mark.parametrize("role", ["operator", "executor", "controller", "resident"])
def test_only_the_community_admin_may_import(client, community, staff, role):
    client.force_login(make_user(community=community) if role == "resident" else staff(role))
    upload = SimpleUploadedFile("a.csv", GOOD.encode(), content_type="text/csv")
    assert client.get("/c/kyiv/office/community/addresses/").status_code == 403
    assert client.post("/c/kyiv/office/community/addresses/", {"file": upload}).status_code == 403


def test_admin_of_another_community_cannot_import(client, community, other_community):
    client.force_login(make_staff(other_community, "admin"))
    upload = SimpleUploadedFile("a.csv", GOOD.encode(), content_type="text/csv")
    assert client.post("/c/kyiv/office/community/addresses/", {"file": upload}).status_code == 403


def test_import_command(community, tmp_path):
    make_district(community, SQUARE, name_uk="Центр", code="CEN")
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("addresses_import", "kyiv", str(good), stdout=out)
    assert "6 addresses in the file: 6 added" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("street,house,latitude,longitude\nвулиця Нова,1,50,300\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported.\nLine 2"):
        call_command("addresses_import", "kyiv", str(bad), "--replace")
    with pytest.raises(CommandError, match="No community"):
        call_command("addresses_import", "nowhere", str(good))
    with tenancy.scope(community):
        assert Address.objects.count() == 6


def test_the_import_form_names_the_kind_and_size_of_file_before_choosing(client, community, staff):
    client.force_login(staff("admin"))
    page = client.get("/c/kyiv/office/community/addresses/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Files: CSV." in page and "Up to 20.0\xa0MB each." in page
    assert 'aria-current="page">Address register</a>' in page  # the settings tab of this page
    assert "The register is empty" in page
