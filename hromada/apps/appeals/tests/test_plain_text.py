"""Appeals keep no control or bidi characters, whichever channel brings them; the Open311 XML stays well-formed."""

import xml.etree.ElementTree as ET

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal
from hromada.core import tenancy

DIRTY = "Яма\x01 на\x1b дорозі\x7f \u202eілкш\u202c\x0c"
CLEAN = "Яма на дорозі ілкш"
ADDRESS = "вул.\x02 Соборна,\u2066 12\x1f"


def _appeal(world, **filters) -> Appeal:
    with tenancy.scope(world.community):
        return Appeal.objects.filter(**filters).latest("pk")


def _assert_clean(appeal: Appeal) -> None:
    assert appeal.text == CLEAN
    assert appeal.location_text == "вул. Соборна, 12"


def test_web_form_stores_clean_text(client, world):
    client.force_login(world.resident)
    response = client.post("/c/kyiv/appeals/new/", {
        "type": "complaint", "category": world.pothole.pk, "text": DIRTY, "location_text": ADDRESS,
        "address": "вул. Миру,\x03 1\u202e"})
    assert response.status_code == 302
    appeal = _appeal(world)
    _assert_clean(appeal)
    assert appeal.author_address == "вул. Миру, 1"


def test_api_stores_clean_text(client, world):
    client.force_login(world.resident)
    response = client.post("/c/kyiv/api/v1/appeals/", {"text": DIRTY, "category": "pothole", "address": "x\x01",
                                                       "location_text": ADDRESS}, content_type="application/json")
    assert response.status_code == 201, response.content
    _assert_clean(_appeal(world))


def test_open311_post_stores_clean_text_and_the_xml_parses(client, world):
    with tenancy.scope(world.community):
        key = actions.open311_key_issue(community=world.community, name="FixMyStreet", by=None)[1]
    response = client.post("/c/kyiv/open311/v2/requests.json", {
        "api_key": key, "service_code": "pothole", "lat": "49.79", "long": "30.12", "description": DIRTY,
        "address_string": ADDRESS, "first_name": "Олег\x08\u202e", "email": "citizen@example.test",
        "attribute[PUBLIC_DESCRIPTION]": "true"})  # the resident agreed to publish the description
    assert response.status_code == 200, response.content
    appeal = _appeal(world)
    _assert_clean(appeal)
    assert appeal.author_name == "Олег"
    listing = client.get("/c/kyiv/open311/v2/requests.xml")
    root = ET.fromstring(listing.content)  # noqa: S314 (our own response); a control character raises ParseError
    assert [e.text for e in root.iter("description")] == [CLEAN]


def test_operator_entry_stores_a_clean_resident_name(client, world):
    client.force_login(world.operator)
    response = client.post("/c/kyiv/appeals/office/new/", {
        "type": "complaint", "category": world.pothole.pk, "text": DIRTY, "address": "вул. Миру, 1",
        "full_name": "Марія\x1b[31m Коваль\u202e", "email": "maria@example.test"})
    assert response.status_code == 302, response.content
    appeal = _appeal(world)
    assert appeal.text == CLEAN and appeal.author.full_name == "Марія[31m Коваль"
