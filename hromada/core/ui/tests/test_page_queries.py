"""The public pages built from the components: their queries do not grow with what they show, and what the
home and the statistics compute is kept a minute per community and language (docs/decisions.md)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.opendata import actions as opendata_actions
from hromada.apps.opendata.models import Frequency
from hromada.apps.petitions import actions as petition_actions
from hromada.core import memo, tenancy
from hromada.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish_petition(community, staff):
    author = factories.make_user(community=community, level=IdentityLevel.VERIFIED, birth_date=date(1990, 4, 1))
    moderator = staff("moderator")

    def make(title: str) -> None:
        with tenancy.scope(community):
            petition = petition_actions.petition_create(community=community, author=author, title=title,
                                                        text="Просимо раду розглянути це питання.")
            petition_actions.petition_submit(petition=petition, by=author)
            petition_actions.petition_moderate(petition=petition, by=moderator, publish=True)

    return make


def _dataset(community, name: str) -> None:
    with tenancy.scope(community):
        opendata_actions.dataset_save(
            community=community, by=None, publisher=opendata_actions.council_publisher(community), tags=[],
            themes=[], fields={
                "name": name, "identifier": f"9.{name}", "title_uk": f"Набір {name}", "title_en": "",
                "description_uk": "Опис набору даних.", "description_en": "", "responsible_person": "Ірина",
                "responsible_email": "data@rada.test", "legal_basis": "Постанова КМУ № 835",
                "frequency": Frequency.MONTHLY})


def _queries(client: Client, path: str) -> tuple[int, str]:
    client.get(path)  # the community, the language and the process memories warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_petition_cards_make_no_query_of_their_own(client, community, publish_petition):
    publish_petition("Велодоріжка 1")
    one, page = _queries(client, "/c/kyiv/petitions/")
    assert page.count('class="card"') == 1
    for n in range(2, 7):
        publish_petition(f"Велодоріжка {n}")
    six, page = _queries(client, "/c/kyiv/petitions/")
    assert page.count('class="card"') == 6 and page.count('class="tag tag--') >= 6
    assert six == one


def test_the_data_set_cards_make_no_query_of_their_own(client, community):
    _dataset(community, "parks")
    one, page = _queries(client, "/c/kyiv/opendata/")
    assert "Набір parks" in page
    for name in ("trees", "roads", "lamps", "bins"):
        _dataset(community, name)
    five, page = _queries(client, "/c/kyiv/opendata/")
    assert "Набір bins" in page
    assert five == one


class _Clock:
    """Stands for the monotonic clock the process memories read, so a test can let a minute pass."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now


def test_the_home_asks_the_modules_once_a_minute_and_then_shows_the_change(client, community, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(memo, "time", clock)
    _dataset(community, "parks")
    _queries(client, "/c/kyiv/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/c/kyiv/").content.decode()
    # an anonymous visitor's home: the figures, the entry points and the search box are drawn already
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert _data_sets(page) == "1"

    _dataset(community, "trees")
    clock.now += 30  # within the minute the home still shows what it counted
    assert _data_sets(client.get("/c/kyiv/").content.decode()) == "1"
    clock.now += 31
    assert _data_sets(client.get("/c/kyiv/").content.decode()) == "2"


def _data_sets(page: str) -> str:
    match = re.search(r'<span class="stat__value">(\d+)</span>\s*<span class="stat__label">open data set', page)
    assert match, "no figure of open data sets"
    return match.group(1)


def test_the_home_keeps_each_language_and_address_apart(client, community):
    _dataset(community, "parks")
    english = client.get("/c/kyiv/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ukrainian = client.get("/c/kyiv/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "What is happening now" in english and _data_sets(english) == "1"
    assert "What is happening now" not in ukrainian and 'stat__label">open data set' not in ukrainian
    assert 'href="/c/kyiv/opendata/"' in english and 'action="/c/kyiv/search/"' in english
    on_own_host = client.get("/", HTTP_HOST="kyiv.example.org", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/opendata/"' in on_own_host and 'action="/search/"' in on_own_host
    assert "/c/kyiv/" not in on_own_host
