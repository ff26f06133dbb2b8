"""The clubs' pages through the test client: the list and its filters, a club, a parent's children and
enrolments, the club's office; the permission matrix."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.models import Child, ClubGroup, Enrolment, EnrolmentStatus
from hromada.apps.equeue.tests.clubs_helpers import make_child, make_club, make_group, make_parent
from hromada.core import tenancy
from hromada.core.notifications.models import Message
from hromada.testing import factories

pytestmark = pytest.mark.django_db
E = EnrolmentStatus


@pytest.fixture(autouse=True)
def _scoped(community):
    """The test's own reads run in the community (each request sets its own scope)."""
    with tenancy.scope(community):
        yield
BASE = "/c/kyiv/clubs/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(community):
    return make_parent(community, full_name="Тренер Олег")


@pytest.fixture
def club(community, manager):
    return make_club(community, managers=(manager,), name_uk="Футбольна школа «Зірка»", kind="sport",
                     address="Оболонський район, просп. Героїв Сталінграду, 10")


def test_list_filters_in_the_url_and_empty_states(client, community, club):
    make_group(club, age_min=6, age_max=8, capacity=1)
    music = make_club(community, name_uk="Музична студія «Ля»", kind="music",
                      address="Подільський район, вул. Сагайдачного 5")
    make_group(music, age_min=10, age_max=14, capacity=1, enrolled=1)
    for n in range(21):
        make_club(community, name_uk=f"Шаховий клуб {n:02d}", kind="science")
    html = client.get(BASE).content.decode()
    assert "23 clubs found" in html and "Футбольна школа" in html and 'href="?page=2"' in html
    html = client.get(BASE + "?kind=music").content.decode()
    assert "1 club found" in html and "Музична студія" in html and "Футбольна" not in html
    html = client.get(BASE + "?age=7").content.decode()
    assert "Футбольна школа" in html and "Музична" not in html
    html = client.get(BASE + "?free=on").content.decode()
    assert "Футбольна школа" in html and "Музична" not in html
    html = client.get(BASE + "?q=Подільський").content.decode()
    assert "Музична студія" in html and "Футбольна" not in html
    empty = client.get(BASE + "?q=балет")
    assert empty.status_code == 200 and "No clubs match your search." in empty.content.decode()
    bad = client.get(BASE + "?age=abc")
    assert bad.status_code == 400


def test_empty_list_says_so(client, community):
    assert "No clubs are listed yet." in client.get(BASE).content.decode()


def test_a_parent_adds_a_child_and_enrols_then_the_club_confirms(community, club, manager):
    group = make_group(club, name="Юні футболісти", capacity=1, fee="300.00", schedule="Пн, Ср 17:00")
    parent = make_parent(community)
    browser = signed_in(parent)
    page = browser.get(f"{BASE}{club.pk}/").content.decode()
    assert "Юні футболісти" in page and "Add a child first" in page and "300" in page and "Пн, Ср 17:00" in page
    response = browser.post(f"{BASE}children/", {"full_name": "Андрій Коваль", "birth_date": "2019-05-04",
                                                 "next": f"{BASE}{club.pk}/"})
    assert response.status_code == 303 and response["Location"] == f"{BASE}{club.pk}/"
    child = Child.objects.get(parent=parent)
    page = browser.get(f"{BASE}{club.pk}/").content.decode()
    assert "Андрій Коваль" in page and f'action="{BASE}groups/{group.pk}/enrol/"' in page
    response = browser.post(f"{BASE}groups/{group.pk}/enrol/", {"child": child.pk})
    assert response.status_code == 303
    mine = browser.get(f"{BASE}enrolments/").content.decode()
    assert "A place is held for Андрій Коваль" in mine and "Requested" in mine

    second_parent = make_parent(community)
    second_child = make_child(second_parent, community, full_name="Софія Бондар")
    signed_in(second_parent).post(f"{BASE}groups/{group.pk}/enrol/", {"child": second_child.pk})
    waiting_page = signed_in(second_parent).get(f"{BASE}enrolments/").content.decode()
    assert "On the waiting list" in waiting_page and "number 1 in line" in waiting_page

    office = signed_in(manager)
    assert f'href="{BASE}office/"' in office.get(BASE).content.decode()
    assert f'href="{BASE}office/"' not in browser.get(BASE).content.decode()
    assert "Юні футболісти" in office.get(f"{BASE}office/").content.decode()
    group_page = office.get(f"{BASE}office/groups/{group.pk}/").content.decode()
    assert "Андрій Коваль" in group_page and "Софія Бондар" in group_page
    enrolment = Enrolment.objects.get(child=child)
    assert office.post(f"{BASE}office/enrolments/{enrolment.pk}/confirm/").status_code == 303
    assert Enrolment.objects.get(pk=enrolment.pk).status == E.CONFIRMED
    again = office.post(f"{BASE}office/enrolments/{enrolment.pk}/confirm/")
    assert again.status_code == 409 and "Confirmed" in again.content.decode()

    # the parent withdraws: the child waiting gets the place and the parent is told
    assert browser.post(f"{BASE}enrolments/{enrolment.pk}/withdraw/").status_code == 303
    assert Enrolment.objects.get(child=second_child).status == E.REQUESTED
    assert Message.objects.filter(recipient=second_parent, kind="equeue.enrolment_offered").exists()


def test_bad_input_is_refused_in_the_users_language_and_nothing_is_written(community, club):
    parent = make_parent(community)
    browser = signed_in(parent)
    response = browser.post(f"{BASE}children/", {"full_name": "Марко", "birth_date": "2999-01-01"})
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    uk = browser.post(f"{BASE}children/", {"full_name": "Марко", "birth_date": "2999-01-01"},
                      HTTP_ACCEPT_LANGUAGE="uk")
    assert uk.status_code == 400 and "Дата народження не може бути в майбутньому." in uk.content.decode()
    assert not Child.objects.exists()
    group = make_group(club, age_min=12, age_max=14)
    child = make_child(parent, community, birth_date=date(2019, 1, 1))
    response = browser.post(f"{BASE}groups/{group.pk}/enrol/", {"child": child.pk})
    assert response.status_code == 409 and "aged 12 to 14" in response.content.decode()
    response = browser.post(f"{BASE}groups/{group.pk}/enrol/", {"child": "x"})
    assert response.status_code == 400 and "Choose one of your children." in response.content.decode()
    stranger_child = make_child(make_parent(community), community)
    response = browser.post(f"{BASE}groups/{make_group(club).pk}/enrol/", {"child": stranger_child.pk})
    assert response.status_code == 403 and "only your own children" in response.content.decode()
    assert not Enrolment.objects.exists()
    assert ClubGroup.objects.filter(enrolled__gt=0).count() == 0


@pytest.mark.parametrize(("who", "office", "decide"), [
    ("anonymous", 302, 302),
    ("resident", 403, 403),
    ("parent", 403, 403),
    ("this_club", 200, 303),
    ("another_club", 403, 403),
    ("admin", 200, 303),
    ("operator", 403, 403),
    ("admin_elsewhere", 403, 403),
])
def test_the_office_permission_matrix(community, other_community, club, who, office, decide):
    group = make_group(club)
    parent = make_parent(community)
    enrolment = actions_enrol(group, parent, community)
    people = {
        "anonymous": None,
        "resident": make_parent(community),
        "parent": parent,
        "this_club": club.managers.get(),
        "another_club": make_club(community, managers=(make_parent(community),)).managers.get(),
        "admin": factories.make_staff(community, "admin"),
        "operator": factories.make_staff(community, "operator"),
        "admin_elsewhere": factories.make_staff(other_community, "admin"),
    }
    user = people[who]
    browser = signed_in(user) if user else Client()
    assert browser.get(f"{BASE}office/groups/{group.pk}/").status_code == office
    response = browser.post(f"{BASE}office/enrolments/{enrolment.pk}/confirm/")
    assert response.status_code == decide
    expected = E.CONFIRMED if decide == 303 else E.REQUESTED
    assert Enrolment.objects.get(pk=enrolment.pk).status == expected


def actions_enrol(group, parent, community):
    with tenancy.scope(community):
        return actions.enrol(group=group, child=make_child(parent, community), parent=parent)


def test_a_parent_sees_and_withdraws_only_their_own(community, club):
    group = make_group(club)
    parent, other = make_parent(community), make_parent(community)
    theirs = actions_enrol(group, other, community)
    browser = signed_in(parent)
    assert browser.post(f"{BASE}enrolments/{theirs.pk}/withdraw/").status_code == 404
    assert Enrolment.objects.get(pk=theirs.pk).status == E.REQUESTED
    assert "No enrolments yet." in browser.get(f"{BASE}enrolments/").content.decode()
    assert Client().get(f"{BASE}enrolments/").status_code == 302
