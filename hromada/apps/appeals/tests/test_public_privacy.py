"""What every public surface shows of appeals: the description only as the resident chose, the official's
public summary only (never the letter), and only appeals of public categories in publishable statuses.

Appeals are filed through every channel (web, operator, REST API, Open311) with private text in them;
then every public surface is read — the list, the map, GeoJSON, the statistics, Open311 in JSON and XML,
the open-data files (CSV, JSON, XLSX, the ZIP bundles and their members), the DCAT catalogue, the CKAN
API and the feeds — and none may hold the private strings, while the chosen-public ones are there."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, AppealStatus
from hromada.core import tenancy

pytestmark = pytest.mark.django_db

# Written by residents and officials; none of it may be published.
PRIVATE = [
    "Петренко Марія", "0671234567", "вул. Тиха, 77",  # a web appeal the resident did not make public
    "Шановна пані Петренко",  # the official's letter to her
    "Оператор записав: Іван Гончар, 0931112233",  # an appeal entered by an operator
    "Через API: пишу з дому на Лісовій, 5",  # an appeal filed through the REST API (default: not public)
    "Open311 без згоди: 0509998877",  # an Open311 request without the reporter's consent
    "Протікає дах у квартирі 12",  # a public-looking text in a category that is not public
    "Анонімна скарга на сусіда",  # an anonymous appeal: not subject to consideration
    "Повернуто: лист без підпису",  # a returned (non-compliant) appeal
]
# Chosen to be public: the resident's consent, the official's public summary.
PUBLIC = ["Розбита дорога на перехресті Соборної та Миру", "Яму засипано, покриття відновлено",
          "Open311 зі згодою: вибоїна біля зупинки"]
PLACE = {"latitude": 49.791, "longitude": 30.121}


def _texts_of(content: bytes) -> str:
    """The text of a response, with the members of a ZIP (and of the XLSX books inside it) unpacked."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(_texts_of(archive.read(name)) for name in archive.namelist())
    text = content.decode("utf-8", "replace")
    try:  # JSON may escape every Cyrillic letter (\u0410…): compare the strings it holds
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


@pytest.fixture
def filed(client, world):
    community = world.community
    with tenancy.scope(community):
        hidden = actions.appeal_register(
            community=community, author=actions.Author(user=world.resident, address="вул. Тиха, 77"),
            category=world.pothole, text="Я, Петренко Марія, тел. 0671234567, вул. Тиха, 77: яма біля під'їзду",
            **PLACE)
        chosen = actions.appeal_register(
            community=community, author=actions.Author(user=world.resident, address="вул. Тиха, 77"),
            category=world.pothole, text="Розбита дорога на перехресті Соборної та Миру", description_public=True,
            **PLACE)
        actions.appeal_register(
            community=community, category=world.pothole, channel="operator", by=world.operator,
            author=actions.Author(name="Іван Гончар", phone="0931112233", address="вул. Лісова, 1"),
            text="Оператор записав: Іван Гончар, 0931112233", **PLACE)
        actions.appeal_register(
            community=community, category=world.housing_cat, description_public=True,
            author=actions.Author(user=world.resident, address="вул. Тиха, 77"), text="Протікає дах у квартирі 12",
            **PLACE)
        anonymous = actions.appeal_register(community=community, category=world.pothole, description_public=True,
                                            text="Анонімна скарга на сусіда", **PLACE)
        returned = actions.appeal_register(
            community=community, category=world.pothole, description_public=True,
            author=actions.Author(name="Олег Без Підпису", email="oleg@example.test"),
            text="Повернуто: лист без підпису", **PLACE)
        actions.appeal_return(appeal=returned, reason="Немає підпису", by=world.operator)
        for appeal in (hidden, chosen):
            actions.appeal_take(appeal=appeal, by=world.executor)
            actions.appeal_answer(appeal=appeal, by=world.executor,
                                  text="Шановна пані Петренко! Ремонт біля вашого будинку (вул. Тиха, 77) виконано.",
                                  public_answer="Яму засипано, покриття відновлено.")
    assert anonymous.status == AppealStatus.NOT_CONSIDERED
    api = Client()
    api.force_login(world.resident)
    created = api.post("/c/kyiv/api/v1/appeals/",
                       {"text": "Через API: пишу з дому на Лісовій, 5", "category": "pothole",
                        "address": "вул. Лісова, 5", **PLACE}, content_type="application/json")
    assert created.status_code == 201 and created.json()["description_public"] is False
    with tenancy.scope(community):
        key = actions.open311_key_issue(community=community, name="FixMyStreet", by=None)[1]
    for description, consent in (("Open311 без згоди: 0509998877", ""),
                                 ("Open311 зі згодою: вибоїна біля зупинки", "true")):
        response = client.post("/c/kyiv/open311/v2/requests.json", {
            "api_key": key, "service_code": "pothole", "lat": "49.791", "long": "30.121", "description": description,
            "email": "reporter@example.test", "first_name": "Степан", "attribute[PUBLIC_DESCRIPTION]": consent})
        assert response.status_code == 200
    with tenancy.scope(community):
        return {"hidden": hidden.number, "chosen": chosen.number, "anonymous": anonymous.number,
                "returned": returned.number, "all": list(Appeal.objects.values_list("number", flat=True))}


def test_no_public_surface_shows_private_text_and_the_chosen_public_text_is_there(client, world, filed):
    call_command("opendata", "refresh", world.community.slug)
    pages = ["/c/kyiv/appeals/", "/c/kyiv/appeals/?status=answered", "/c/kyiv/appeals/map/",
             "/c/kyiv/appeals/map.geojson", "/c/kyiv/appeals/statistics/",
             "/c/kyiv/open311/v2/requests.json", "/c/kyiv/open311/v2/requests.xml",
             "/c/kyiv/open311/v2/requests.json?status=closed", "/c/kyiv/open311/v2/services.json",
             *[f"/c/kyiv/open311/v2/requests/{number}.{fmt}" for number in filed["all"] for fmt in ("json", "xml")],
             *[f"/c/kyiv/appeals/problems/{number}/" for number in filed["all"]],
             "/c/kyiv/opendata/", "/c/kyiv/opendata/opendata.zip", "/c/kyiv/opendata/catalog.ttl",
             "/c/kyiv/opendata/catalog.jsonld", "/c/kyiv/opendata/dataset/appeals/",
             "/c/kyiv/opendata/dataset/appeals/dataset.zip",
             "/c/kyiv/api/3/action/package_search?rows=1000", "/c/kyiv/api/3/action/package_show?id=appeals",
             "/c/kyiv/api/3/action/current_package_list_with_resources",
             "/c/kyiv/petitions/feed/rss/", "/c/kyiv/petitions/feed/atom/"]
    visitor = Client()
    seen: dict[str, str] = {}
    found: list[str] = []  # the pages that answered (a 404 names the number it was asked for)
    for path in pages:
        response = visitor.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        seen[path] = _texts_of(content)
        if response.status_code == 200:
            found.append(seen[path])
    dataset = visitor.get("/c/kyiv/api/3/action/package_show?id=appeals").json()["result"]
    for resource in dataset["resources"]:  # every download of the appeals data set (CSV, JSON, XLSX)
        response = visitor.get(resource["url"])
        assert response.status_code == 200, resource["url"]
        content = b"".join(response.streaming_content) if response.streaming else response.content
        seen[resource["url"]] = _texts_of(content)
    assert len(dataset["resources"]) == 3
    everything = "\n".join(found)
    for path, text in seen.items():
        for secret in PRIVATE:
            assert secret not in text, f"{secret!r} is published at {path}"
    for hidden in (filed["anonymous"], filed["returned"]):  # not subject to consideration, returned
        assert hidden not in everything
    for public in PUBLIC:
        assert public in seen["/c/kyiv/open311/v2/requests.json"] and public in seen["/c/kyiv/appeals/map.geojson"]
    assert filed["hidden"] in seen["/c/kyiv/opendata/opendata.zip"]  # the appeal itself is there, de-identified
    detail = seen[f"/c/kyiv/open311/v2/requests/{filed['chosen']}.xml"]
    assert "<status_notes>Яму засипано, покриття відновлено.</status_notes>" in detail
    assert "Розбита дорога на перехресті Соборної та Миру" in detail


def test_the_forms_say_plainly_what_is_published(client, world):
    client.force_login(world.resident)
    form = client.get("/c/kyiv/appeals/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="description_public"' in form and "Show my description and photos publicly" in form
    assert "Your name, contacts and place of residence never do" in form
    with tenancy.scope(world.community):
        appeal = actions.appeal_register(community=world.community, category=world.pothole, text="Яма",
                                         author=actions.Author(user=world.resident, address="вул. Тиха, 77"))
        actions.appeal_take(appeal=appeal, by=world.executor)
    client.force_login(world.executor)
    office = client.get(f"/c/kyiv/appeals/office/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="public_answer"' in office and "Sent to the resident only; never published." in office
    assert "Published on the problem map and in Open311" in office
    assert "The description is not public." in office


def test_a_reopened_appeal_no_longer_shows_the_old_public_answer(client, world, filed):
    with tenancy.scope(world.community):
        chosen = Appeal.objects.get(number=filed["chosen"])
        actions.appeal_reopen(appeal=chosen, reason="Яму не засипали", by=world.resident)
    geojson = client.get("/c/kyiv/appeals/map.geojson").json()
    answers = {f["properties"]["number"]: f["properties"]["answer"] for f in geojson["features"]}
    assert answers[filed["chosen"]] is None and answers[filed["hidden"]] == "Яму засипано, покриття відновлено."
    detail = client.get(f"/c/kyiv/open311/v2/requests/{filed['chosen']}.json").json()[0]
    assert "Яму засипано" not in (detail.get("status_notes") or "")


def test_every_public_surface_rounds_the_place_alike(client, world):
    with tenancy.scope(world.community):
        appeal = actions.appeal_register(
            community=world.community, category=world.pothole, text="Яма", description_public=True,
            author=actions.Author(user=world.resident, address="вул. Тиха, 77"), latitude=49.79137, longitude=30.12149)
    feature = next(f for f in client.get("/c/kyiv/appeals/map.geojson").json()["features"]
                   if f["properties"]["number"] == appeal.number)
    assert feature["geometry"]["coordinates"] == [30.121, 49.791]
    request = client.get(f"/c/kyiv/open311/v2/requests/{appeal.number}.json").json()[0]
    assert (request["lat"], request["long"]) == (49.791, 30.121)
    assert "49.7914" not in client.get("/c/kyiv/appeals/").content.decode()


def test_a_problem_page_shows_only_what_the_map_shows(client, world, filed):
    """The public page of one problem: what the list and the map publish of it, and nothing more."""
    with tenancy.scope(world.community):
        numbers = dict(Appeal.objects.values_list("number", "category__is_public"))
    visitor = Client()
    pages = {number: visitor.get(f"/c/kyiv/appeals/problems/{number}/", HTTP_ACCEPT_LANGUAGE="en")
             for number in numbers}
    # Published: the two web appeals, the operator's, the API's, the two Open311 requests. Not: the
    # category that is not public, the anonymous one (not considered), the returned one.
    shown = {number for number, response in pages.items() if response.status_code == 200}
    assert {number for number, response in pages.items() if response.status_code == 404} == set(numbers) - shown
    assert filed["anonymous"] not in shown and filed["returned"] not in shown
    assert {filed["hidden"], filed["chosen"]} <= shown and len(shown) == 6
    assert not any(numbers[number] is False for number in shown)
    texts = {number: pages[number].content.decode() for number in shown}
    for number, text in texts.items():
        for secret in PRIVATE:
            assert secret not in text, f"{secret!r} is on the page of {number}"
        assert world.resident.full_name not in text and world.resident.email not in text
        assert "Степан" not in text and "reporter@example.test" not in text
    chosen, hidden = texts[filed["chosen"]], texts[filed["hidden"]]
    assert "Розбита дорога на перехресті Соборної та Миру" in chosen
    assert '<p lang="uk">Яму засипано, покриття відновлено.</p>' in chosen
    assert "The resident did not choose to show the description publicly." in hidden
    assert "Answered" in chosen and "Potholes" in chosen and "49.791, 30.121" in chosen


def test_a_problem_page_rounds_the_place_as_the_map_does(client, world):
    with tenancy.scope(world.community):
        appeal = actions.appeal_register(
            community=world.community, category=world.pothole, text="Яма", description_public=True,
            author=actions.Author(user=world.resident, address="вул. Тиха, 77"), latitude=49.79137, longitude=30.12149)
    page = client.get(f"/c/kyiv/appeals/problems/{appeal.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "49.791, 30.121" in page
    assert "49.7913" not in page and "30.1214" not in page and "30.1215" not in page
    assert "вул. Тиха" not in page


def test_a_problem_page_is_linked_from_the_list_and_the_map_and_unknown_numbers_are_not_found(client, world, filed):
    page = f"/c/kyiv/appeals/problems/{filed['chosen']}/"
    assert f'<a href="{page}">{filed["chosen"]}</a>' in client.get("/c/kyiv/appeals/").content.decode()
    urls = {f["properties"]["number"]: f["properties"]["url"]
            for f in client.get("/c/kyiv/appeals/map.geojson").json()["features"]}
    assert urls[filed["chosen"]] == page
    for number in ("NOPE-2026-000001", "x" * 500, "%00", filed["anonymous"], filed["returned"]):
        assert client.get(f"/c/kyiv/appeals/problems/{number}/").status_code == 404


def test_a_duplicate_and_a_reopened_problem_show_no_more_than_the_map(client, world, filed):
    with tenancy.scope(world.community):
        chosen = Appeal.objects.get(number=filed["chosen"])
        actions.appeal_reopen(appeal=chosen, reason="Яму не засипали", by=world.resident)
    page = client.get(f"/c/kyiv/appeals/problems/{filed['chosen']}/").content.decode()
    assert "Яму засипано" not in page and "Яму не засипали" not in page
