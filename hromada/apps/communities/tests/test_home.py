"""The community home page and the search across modules, as a resident meets them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.appeals import actions as appeal_actions
from hromada.apps.appeals.models import Category as AppealCategory
from hromada.apps.appeals.models import RoutingRule
from hromada.apps.budgeting.models import ProjectStatus
from hromada.apps.budgeting.tests import factories as budget
from hromada.apps.opendata import actions as opendata_actions
from hromada.apps.opendata.models import Frequency
from hromada.apps.petitions import actions as petition_actions
from hromada.apps.petitions.models import Petition, PetitionStatus
from hromada.core import tenancy
from hromada.testing import factories

pytestmark = pytest.mark.django_db

VOTING_DAY = budget.kyiv(2026, 4, 19)  # voting ends on 1 May 2026, 00:00 Kyiv: 12 days left
PRIVATE_TEXT = "Таємниця Петренка з під'їзду 3"
PUBLIC_TEXT = "Зламана лавка у сквері біля фонтану"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def citizen(community):
    """A verified adult resident: may write petitions, vote and file appeals."""
    return factories.make_user(community=community, level=IdentityLevel.VERIFIED, birth_date=date(1990, 4, 1))


@pytest.fixture
def on_voting_day(time_machine):
    time_machine.move_to(VOTING_DAY, tick=False)
    return VOTING_DAY


@pytest.fixture
def petition_of(community, staff):
    moderator = staff("moderator")

    def make(author, title: str, *, state: str = "collecting") -> Petition:
        with tenancy.scope(community):
            petition = petition_actions.petition_create(community=community, author=author, title=title,
                                                        text="Просимо раду розглянути це питання.")
            if state == "draft":
                return petition
            petition_actions.petition_submit(petition=petition, by=author)
            return petition_actions.petition_moderate(petition=petition, by=moderator, publish=True)

    return make


@pytest.fixture
def appeals_world(community, staff):
    roads = factories.make_department(community, name_uk="Дороги", code="ROADS")
    with tenancy.scope(community):
        pothole = AppealCategory.objects.create(community=community, code="pothole", name_uk="Вибоїни",
                                                name_en="Potholes", is_public=True, needs_study=False)
        RoutingRule.objects.create(community=community, category=pothole, district=None, department=roads)
    return {"category": pothole, "executor": staff("executor", department=roads)}


def _appeal(community, world, author, text: str, *, public: bool = False, answer: str = ""):
    with tenancy.scope(community):
        appeal = appeal_actions.appeal_register(
            community=community, author=appeal_actions.Author(user=author, address="вул. Тиха, 7"),
            category=world["category"], text=text, description_public=public, latitude=49.79, longitude=30.12)
        if answer:
            appeal_actions.appeal_take(appeal=appeal, by=world["executor"])
            appeal_actions.appeal_answer(appeal=appeal, by=world["executor"], text="Шановний пане! Виконано.",
                                         public_answer=answer)
    return appeal


def _dataset(community, name: str, title: str, *, published: bool = True):
    with tenancy.scope(community):
        dataset = opendata_actions.dataset_save(
            community=community, by=None, publisher=opendata_actions.council_publisher(community), tags=[],
            themes=[], fields={
                "name": name, "identifier": f"9.{len(name)}", "title_uk": title, "title_en": "",
                "description_uk": "Опис набору даних.", "description_en": "", "responsible_person": "Ірина",
                "responsible_email": "data@rada.test", "legal_basis": "Постанова КМУ № 835",
                "frequency": Frequency.MONTHLY})
        if not published:
            type(dataset).objects.filter(pk=dataset.pk).update(is_published=False)
    return dataset


def _card_links(page: str) -> list[str]:
    return re.findall(r'class="card__title"><a href="([^"]+)"', page)


def _figure(page: str, label: str) -> str:
    match = re.search(r'<span class="stat__value">([^<]*)</span>\s*<span class="stat__label">' + re.escape(label),
                      page)
    assert match, f"no figure {label!r}"
    return match.group(1)


def test_an_anonymous_visitor_is_led_to_the_public_map_and_petitions_not_to_sign_in(client, community):
    page = client.get("/c/kyiv/").content.decode()
    links = _card_links(page)
    assert links[:4] == ["/c/kyiv/appeals/map/", "/c/kyiv/petitions/", "/c/kyiv/budget/", "/c/kyiv/opendata/"]
    assert not [link for link in links if "/accounts/" in link or "/mine/" in link]
    for link in links:  # each entry point opens for a visitor without signing in
        response = client.get(link)
        assert response.status_code in (200, 302), link
        assert "/accounts/login/" not in response.get("Location", ""), link
    assert 'action="/c/kyiv/search/"' in page and 'role="search"' in page


def test_the_signed_in_home_keeps_the_public_entry_points_and_links_the_cabinet(client, community, resident):
    client.force_login(resident)
    page = client.get("/c/kyiv/").content.decode()
    assert _card_links(page)[-5:] == ["/c/kyiv/appeals/map/", "/c/kyiv/petitions/", "/c/kyiv/budget/",
                                      "/c/kyiv/opendata/", "/c/kyiv/services/"]
    assert 'href="/c/kyiv/accounts/cabinet/"' in page
    assert "You have nothing in progress" in page


def test_the_figures_tell_what_happens_in_the_community(client, community, citizen, appeals_world, petition_of,
                                                       on_voting_day):
    _appeal(community, appeals_world, citizen, "Яма на дорозі", answer="Яму засипано.")
    _appeal(community, appeals_world, citizen, "Ще одна яма")
    _appeal(community, appeals_world, citizen, "Третя яма")
    petition_of(citizen, "Велодоріжка на Соборній")
    petition_of(citizen, "Новий сквер")
    petition_of(citizen, "Чернетка", state="draft")
    ended = petition_of(citizen, "Стара петиція")
    with tenancy.scope(community):  # its collection period is over: no longer collecting
        Petition.objects.filter(pk=ended.pk).update(collection_ends_at=on_voting_day - timedelta(days=1))
        answered = petition_of(citizen, "Відповіли")
        Petition.objects.filter(pk=answered.pk).update(status=PetitionStatus.ANSWERED)
    _dataset(community, "parks", "Парки")
    _dataset(community, "trees", "Дерева")
    _dataset(community, "hidden", "Прихований", published=False)
    budget.make_cycle(community)

    page = client.get("/c/kyiv/").content.decode()
    assert _figure(page, "appeal answered this month") == "1"
    assert _figure(page, "appeals being worked on") == "2"
    assert _figure(page, "petitions collecting signatures") == "2"
    assert _figure(page, "petition answered by the council") == "1"
    assert _figure(page, "open data sets") == "2"
    assert _figure(page, "days left to vote for budget projects") == "12"
    assert 'href="/c/kyiv/budget/pb2026/"' in page


def test_the_budget_figure_names_the_vote_over_last_years_implementation(client, community, on_voting_day):
    last_year = budget.make_cycle(community, slug="pb2025", year=2025, with_categories=False)
    with tenancy.scope(community):  # last year's winners are still being built while this year's vote runs
        last_year.phases.exclude(kind="implementation").delete()
        last_year.phases.update(starts_at=budget.kyiv(2025, 6, 1), ends_at=budget.kyiv(2026, 12, 1))
    budget.make_cycle(community, with_categories=False)
    page = client.get("/c/kyiv/").content.decode()
    assert _figure(page, "days left to vote for budget projects") == "12"
    assert 'href="/c/kyiv/budget/pb2026/"' in page and "/budget/pb2025/" not in page


def test_the_budget_figure_says_when_the_next_phase_opens(client, community, time_machine):
    time_machine.move_to(budget.BEFORE, tick=False)
    budget.make_cycle(community)
    page = client.get("/c/kyiv/").content.decode()
    assert "participatory budget: Submission of projects opens" in page


def test_the_home_page_reads_a_handful_of_queries(client, community, citizen, appeals_world, petition_of,
                                                  on_voting_day):
    cycle = budget.make_cycle(community)
    for n in range(3):
        _appeal(community, appeals_world, citizen, f"Яма {n}")
        petition_of(citizen, f"Петиція {n}")
        budget.make_project(cycle, author=citizen, status=ProjectStatus.PUBLISHED)
        _dataset(community, f"set{n}", f"Набір {n}")
    client.force_login(citizen)
    client.get("/c/kyiv/")  # the session, the community and the permissions warm up
    tenancy_free = CaptureQueriesContext(connection)
    with tenancy_free:
        page = client.get("/c/kyiv/").content.decode()
    assert "Петиція 2" in page and "Яма 2" in page and "Проєкт 3" in page
    # figures (kept a minute) and the citizen's appeals, petitions, projects and ballots: not one per item
    assert len(tenancy_free.captured_queries) <= 12, [q["sql"] for q in tenancy_free.captured_queries]
    budget.make_project(cycle, author=citizen, status=ProjectStatus.PUBLISHED)
    with CaptureQueriesContext(connection) as more:
        client.get("/c/kyiv/")
    assert len(more.captured_queries) == len(tenancy_free.captured_queries)


def test_a_resident_sees_their_own_open_items_and_not_anothers(client, community, citizen, appeals_world,
                                                               petition_of, on_voting_day):
    neighbour = factories.make_user(community=community, level=IdentityLevel.VERIFIED, birth_date=date(1991, 1, 1))
    _appeal(community, appeals_world, citizen, "Моя яма біля школи")
    _appeal(community, appeals_world, citizen, "Моя давня яма", answer="Засипано.")  # answered: not open
    _appeal(community, appeals_world, neighbour, "Сусідова яма біля гаража")
    petition_of(citizen, "Моя петиція про ліхтарі")
    petition_of(neighbour, "Сусідова петиція про паркування")
    cycle = budget.make_cycle(community)
    mine = budget.make_project(cycle, author=citizen, title="Мій проєкт дитмайданчика")
    budget.make_project(cycle, author=neighbour, title="Сусідів проєкт стоянки")
    budget.cast(cycle, citizen, [mine])

    client.force_login(citizen)
    page = client.get("/c/kyiv/").content.decode()
    for own in ("Моя яма біля школи", "Моя петиція про ліхтарі", "Мій проєкт дитмайданчика",
                "Your ballot: Participatory budget 2026"):
        assert own in page
    for other in ("Моя давня яма", "Сусідова яма", "Сусідова петиція", "Сусідів проєкт"):
        assert other not in page
    assert 'href="/c/kyiv/appeals/mine/"' in page and 'href="/c/kyiv/petitions/mine/"' in page
    assert 'lang="uk">Моя петиція про ліхтарі</a>' in page

    client.force_login(neighbour)
    page = client.get("/c/kyiv/").content.decode()
    assert "Сусідова петиція про паркування" in page and "Моя петиція про ліхтарі" not in page

    client.logout()
    page = client.get("/c/kyiv/").content.decode()
    assert "Моя петиція про ліхтарі" not in page and "Your open items" not in page


def test_search_finds_a_petition_and_a_dataset_by_a_word(client, community, citizen, petition_of):
    petition_of(citizen, "Зелений сквер на Подолі")
    petition_of(citizen, "Сквер без машин", state="draft")  # a draft is its author's only
    _dataset(community, "squares", "Сквери та парки громади")
    _dataset(community, "old-squares", "Старі сквери", published=False)

    response = client.get("/c/kyiv/search/", {"q": "сквер"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Зелений сквер на Подолі" in page and "Сквери та парки громади" in page
    assert "Сквер без машин" not in page and "Старі сквери" not in page
    assert "2 results for" in page
    assert re.search(r'Petitions <span class="counter"[^>]*>1<', page)
    assert 'href="/c/kyiv/opendata/dataset/squares/"' in page


def test_search_never_finds_an_appeal_by_its_private_text(client, community, citizen, appeals_world):
    _appeal(community, appeals_world, citizen, PRIVATE_TEXT)  # the citizen did not make it public
    _appeal(community, appeals_world, citizen, PUBLIC_TEXT, public=True)
    _appeal(community, appeals_world, citizen, "Приватний опис ями", answer="Відремонтовано лавку біля школи.")

    page = client.get("/c/kyiv/search/", {"q": "Таємниця"}).content.decode()
    assert "Nothing found" in page and "Петренка" not in page
    page = client.get("/c/kyiv/search/", {"q": "лавка"}).content.decode()
    assert PUBLIC_TEXT in page and PRIVATE_TEXT not in page
    link = re.search(r'href="(/c/kyiv/appeals/problems/[^"]+/)"', page)
    assert link, "a problem found leads to its public page"
    assert PUBLIC_TEXT in client.get(link.group(1)).content.decode()
    page = client.get("/c/kyiv/search/", {"q": "Відремонтовано"}).content.decode()  # the public answer
    assert "Відремонтовано лавку біля школи." in page and "Приватний опис ями" not in page
    assert "Шановний пане" not in client.get("/c/kyiv/search/", {"q": "Шановний"}).content.decode()


def test_search_pages_one_module_and_keeps_the_words(client, community, citizen, petition_of):
    for n in range(7):
        petition_of(citizen, f"Ліхтарі на вулиці {n}")
    page = client.get("/c/kyiv/search/", {"q": "Ліхтарі"}).content.decode()
    assert page.count('class="card__title"') == 5
    assert 'href="/c/kyiv/search/?q=%D0%9B%D1%96%D1%85%D1%82%D0%B0%D1%80%D1%96&amp;in=petitions"' in page
    page = client.get("/c/kyiv/search/", {"q": "Ліхтарі", "in": "petitions"}).content.decode()
    assert page.count('class="card__title"') == 7
    assert 'name="in" value="petitions"' in page


def test_search_pagination(client, community, citizen, petition_of, monkeypatch):
    from hromada.apps.communities import views

    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 2)
    for n in range(5):
        petition_of(citizen, f"Тротуар {n}")
    page = client.get("/c/kyiv/search/", {"q": "Тротуар", "in": "petitions", "page": "3"}).content.decode()
    assert page.count('class="card__title"') == 1
    assert 'rel="prev"' in page and "q=%D0%A2" in page


@pytest.mark.parametrize(("query", "message"), [
    ("ab", "Type at least 3 characters to search."),
    ("", "Type what you are looking for."),
    ("а" * 101, "Search with at most 100 characters."),
])
def test_a_query_too_short_or_too_long_is_explained(client, community, query, message):
    response = client.get("/c/kyiv/search/", {"q": query})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "error-summary" in page


def test_the_search_page_without_words_explains_itself(client, community):
    response = client.get("/c/kyiv/search/")
    assert response.status_code == 200
    assert "Type a few words" in response.content.decode()


def test_search_of_unknown_module_or_odd_input_is_no_error(client, community):
    assert client.get("/c/kyiv/search/", {"q": "сквер", "in": "nothing", "page": "x"}).status_code == 200
    assert client.get("/c/kyiv/search/", {"q": "сквер\x00"}).status_code in (200, 400)
