"""The problem map, the point picker of the forms and typed addresses located through the address register."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, AppealStatus, Category, Channel
from hromada.apps.communities.actions import addresses_import
from hromada.core import tenancy

# Centre: lon 30.10–30.14, lat 49.78–49.82; North: lon 30.10–30.14, lat 49.82–49.86 (see conftest.world).
REGISTER = """street,house,latitude,longitude
вулиця Соборна,12а,49.7930,30.1120
проспект Незалежності,7,49.8310,30.1200
вулиця Далека,1,48.0000,25.0000
"""


@pytest.fixture
def register(world):
    with tenancy.scope(world.community):
        addresses_import(community=world.community, data=REGISTER.encode(), by=None)
    return world


def form(world, **extra):
    return {"type": "complaint", "category": world.pothole.pk, "text": "Вибоїна біля будинку",
            "address": "вул. Соборна, 5", **extra}


def test_web_form_with_a_typed_address_is_located_and_routed_by_district(client, register):
    client.force_login(register.resident)
    response = client.post("/c/kyiv/appeals/new/", form(register, location_text="Незалежності просп., буд. 7"))
    assert response.status_code == 302
    with tenancy.scope(register.community):
        appeal = Appeal.objects.get()
    assert (appeal.latitude, appeal.longitude) == (49.831, 30.12)
    # potholes × North go to housing, not to the roads department of the other districts
    assert appeal.district_id == register.north.pk and appeal.department_id == register.housing.pk
    assert appeal.status == AppealStatus.ROUTED and appeal.location_text == "Незалежності просп., буд. 7"


def test_a_point_given_wins_over_the_typed_address(client, register):
    client.force_login(register.resident)
    client.post("/c/kyiv/appeals/new/", form(register, location_text="вул. Соборна, 12а", latitude="49.84",
                                              longitude="30.12"))
    with tenancy.scope(register.community):
        appeal = Appeal.objects.get()
    assert appeal.latitude == 49.84 and appeal.district_id == register.north.pk


@pytest.mark.parametrize("typed", ["вул. Невідома, 1", "десь біля річки"])
def test_an_unknown_address_leaves_the_appeal_unlocated_without_an_error(client, register, typed):
    client.force_login(register.resident)
    response = client.post("/c/kyiv/appeals/new/", form(register, category=register.other.pk, location_text=typed))
    assert response.status_code == 302
    with tenancy.scope(register.community):
        appeal = Appeal.objects.get()
    assert appeal.latitude is None and appeal.district_id is None and appeal.location_text == typed
    assert appeal.status == AppealStatus.REGISTERED  # triage, as for any appeal the rules cannot route


def test_a_register_point_outside_every_district_is_kept_but_not_an_error(register):
    with tenancy.scope(register.community):
        appeal = actions.appeal_register(community=register.community, text="Яма", category="pothole",
                                         author=actions.Author(user=register.resident),
                                         location_text="вул. Далека, 1")
    assert appeal.latitude == 48.0 and appeal.district_id is None
    assert appeal.department_id == register.roads.pk  # the category's rule for any district


def test_operator_entry_locates_a_typed_address(client, register):
    client.force_login(register.operator)
    page = client.get("/c/kyiv/appeals/office/new/").content.decode()
    assert 'name="latitude"' in page and "data-map-picker" in page and "leaflet/leaflet.js" in page
    response = client.post("/c/kyiv/appeals/office/new/", {
        **form(register), "location_text": "Соборна 12 А", "full_name": "Олег Телефонний", "phone": "+380501112200"})
    assert response.status_code == 302
    with tenancy.scope(register.community):
        appeal = Appeal.objects.get()
    assert appeal.channel == Channel.OPERATOR and appeal.district_id == register.centre.pk
    assert appeal.department_id == register.roads.pk


def test_open311_address_string_is_located_and_routed(client, register):
    with tenancy.scope(register.community):
        api_key = actions.open311_key_issue(community=register.community, name="FixMyStreet", by=None)[1]
    response = client.post("/c/kyiv/open311/v2/requests.json", {
        "api_key": api_key, "service_code": "pothole", "address_string": "проспект Незалежності, 7",
        "description": "Яма на дорозі", "email": "citizen@example.test", "first_name": "Олег"})
    assert response.status_code == 200
    number = response.json()[0]["service_request_id"]
    with tenancy.scope(register.community):
        appeal = Appeal.objects.get(number=number)
    assert appeal.district_id == register.north.pk and appeal.department_id == register.housing.pk
    row = client.get(f"/c/kyiv/open311/v2/requests/{number}.json").json()[0]
    # The place to about ten metres; the typed address is not published (it is often the resident's own house).
    assert row["lat"] == 49.831 and row["long"] == 30.12 and row["address"] is None
    unknown = client.post("/c/kyiv/open311/v2/requests.json", {
        "api_key": api_key, "service_code": "pothole", "address_string": "вул. Невідома, 3",
        "description": "Яма", "email": "citizen@example.test"})
    assert unknown.status_code == 200  # accepted, unlocated
    with tenancy.scope(register.community):
        assert Appeal.objects.get(number=unknown.json()[0]["service_request_id"]).latitude is None


def test_the_form_works_without_javascript(client, world):
    client.force_login(world.resident)
    page = client.get("/c/kyiv/appeals/new/").content.decode()
    for name in ("location_text", "latitude", "longitude"):
        assert re.search(rf'<input[^>]+name="{name}"', page)
    # the map is an addition: hidden until the script runs
    assert re.search(r'<div class="map map-picker" data-map-picker data-config="[^"]+" hidden>', page)
    assert 'data-suggest-url="/c/kyiv/appeals/addresses.json"' in page
    assert re.search(r'<div class="map__canvas" role="region" aria-label="[^"]+" aria-describedby="[^"]+"', page)
    assert static("leaflet/leaflet.js") in page and static("appeals/maps.js") in page


def test_problem_map_page_has_markers_data_districts_filters_and_the_text_list(client, world, settings):
    settings.MAP_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    with tenancy.scope(world.community):
        public = actions.appeal_register(community=world.community, text="Яма", category="pothole",
                                         author=actions.Author(user=world.resident), latitude=49.79, longitude=30.12)
        hidden = actions.appeal_register(community=world.community, text="Дах", category="housing",
                                         author=actions.Author(user=world.resident), latitude=49.79, longitude=30.12)
    page = client.get(f"/c/kyiv/appeals/map/?category={world.pothole.pk}&status=open")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/c/kyiv/appeals/?category={world.pothole.pk}&amp;status=open"' in html  # the text list
    assert "tiles.example.test" in html and "/c/kyiv/appeals/districts.geojson" in html
    assert f"/c/kyiv/appeals/map.geojson?category={world.pothole.pk}&amp;status=open" in html
    assert '<select id="f-category" name="category">' in html and "<noscript>" in html
    # the map is a named landmark (a label on a plain div is not announced)
    assert re.search(r'<div class="map__canvas[^"]*" role="region" aria-label="[^"]+" hidden>', html)
    # and its text version, a labelled region beside it, lists the same problems without JavaScript
    assert re.search(r'<div class="map__text" role="region" aria-label="[^"]+">', html)
    assert f'<a href="/c/kyiv/appeals/problems/{public.number}/">{public.number}</a>' in html
    assert hidden.number not in html
    data = client.get(f"/c/kyiv/appeals/map.geojson?category={world.pothole.pk}&status=open").json()
    assert [f["properties"]["number"] for f in data["features"]] == [public.number]
    assert hidden.number not in client.get("/c/kyiv/appeals/map.geojson").content.decode()
    text = str(data)
    assert world.resident.full_name not in text and world.resident.email not in text and "Соборна" not in text
    assert client.get("/c/kyiv/appeals/map.geojson?status=closed").json()["features"] == []
    districts = client.get("/c/kyiv/appeals/districts.geojson").json()
    assert {f["properties"]["name"] for f in districts["features"]} == {"Центр", "Північ"}
    assert districts["features"][0]["geometry"]["type"] == "Polygon"


def test_address_suggestions_are_bounded_and_public(client, register):
    with tenancy.scope(register.community):
        many = "street,house,latitude,longitude\n" + "".join(
            f"вулиця Соборна,{n},49.79,30.11\n" for n in range(1, 40))
        addresses_import(community=register.community, data=many.encode(), by=None)
    results = client.get("/c/kyiv/appeals/addresses.json", {"q": "вул. Соборна"}).json()["results"]
    assert len(results) == 10 and results[0]["label"].startswith("вулиця Соборна")
    one = client.get("/c/kyiv/appeals/addresses.json", {"q": "Незалежності 7"}).json()["results"]
    assert one == [{"label": "проспект Незалежності, 7", "latitude": 49.831, "longitude": 30.12}]
    assert client.get("/c/kyiv/appeals/addresses.json", {"q": "вул. Со"}).json()["results"] == []
    assert client.get("/c/kyiv/appeals/addresses.json", {"q": "x" * 10_000}).status_code == 200


def test_leaflet_comes_from_npm_through_the_static_files(client):
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/marker-icon.png",
                 "appeals/maps.js", "appeals/maps.css"):
        assert finders.find(name), name
    response = client.get(static("leaflet/leaflet.js"))
    assert response.status_code == 200 and b"Leaflet" in b"".join(response.streaming_content)
    assert "node_modules" in finders.find("leaflet/leaflet.js")


def test_public_categories_only_on_the_map_filter(client, world):
    with tenancy.scope(world.community):
        public = set(Category.objects.filter(is_public=True).values_list("pk", flat=True))
    html = client.get("/c/kyiv/appeals/map/").content.decode()
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)}
    assert offered == public
