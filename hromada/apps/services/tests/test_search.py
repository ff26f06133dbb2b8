"""Register search by Ukrainian words (runs on SQLite's FTS5 and, with DATABASE_URL, on PostgreSQL's pg_trgm)."""

import pytest

from hromada.apps.services import search
from hromada.apps.services.tests import register_data
from hromada.core import tenancy

OTHERS = [
    {"code": "x-birth", "name": "Державна реєстрація народження", "provider": "ДРАЦС"},
    {"code": "x-land", "name": "Надання відомостей з Державного земельного кадастру", "provider": "Держгеокадастр"},
    {"code": "x-address", "name": "Присвоєння поштової адреси об'єкту нерухомого майна", "provider": "Архітектура"},
    {"code": "x-leave", "name": "Зняття з реєстрації місця проживання", "provider": "Рада"},
]


@pytest.fixture
def registry(community):
    register_data.load(community, register_data.RESIDENCE, *OTHERS)
    with tenancy.scope(community):
        yield community


def codes(query):
    return [s.code for s in search.search(query)]


@pytest.mark.parametrize("word,stem", [("реєстрація", "реєстр"), ("реєстрації", "реєстр"),
                                       ("зареєструвати", "зареєстр"), ("проживання", "прожив"),
                                       ("місця", "місц"), ("земельної", "земельн")])
def test_stem(word, stem):
    assert search.stem(word) == stem


def test_a_verb_is_also_tried_without_its_prefix():
    assert search.stems("зареєструвати") == ["зареєстр", "реєстр"]
    assert search.stems("заява") == ["заяв"]  # too short to lose "за"


def test_the_noun_phrase_and_the_verb_phrase_find_the_same_card(registry):
    by_noun = codes("реєстрація місця проживання")
    by_verb = codes("зареєструвати проживання")
    assert "01-residence" in by_noun
    assert set(by_noun) == set(by_verb) == {"01-residence", "x-leave"}
    assert "x-birth" not in by_verb


def test_other_forms_and_keywords(registry):
    assert codes("кадастру") == ["x-land"]
    assert codes("прописка") == ["01-residence"]
    assert codes("Поштова адреса") == ["x-address"]
    assert codes("реєстрація народження") == ["x-birth"]
    assert codes("зовсім інше") == []


def test_the_name_match_comes_first(registry):
    assert codes("реєстрація")[0] in {"01-residence", "x-birth"}


def test_search_stays_in_the_community(registry, other_community):
    with tenancy.scope(other_community):
        assert codes("реєстрація місця проживання") == []


def test_punctuation_and_quotes_do_not_break_the_query(registry):
    assert codes('"реєстрація" (місця)* ^:-') == codes("реєстрація місця")
    assert len(codes("   ")) == 5  # no words: every service


def test_prepositions_and_short_words_do_not_narrow_the_search(registry):
    assert codes("реєстрація в місці проживання") == codes("реєстрація місці проживання")
    assert set(codes("довідка про реєстрацію місця проживання")) == set()  # "довідка" is not in these names
    assert codes("зняття з реєстрації") == ["x-leave"]


def test_the_communitys_search_finds_services_by_their_words(registry, client):
    """The search across the community's modules (`/c/<slug>/search/`) lists services with the register's matching."""
    response = client.get(f"/c/{registry.slug}/search/", {"q": "зареєструвати проживання"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "/services/01-residence/" in body and "/services/x-birth/" not in body
