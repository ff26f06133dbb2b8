"""The clubs API: public clubs and groups, a parent's children, enrolling, enrolments and withdrawing."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hromada.apps.equeue.models import Child, ClubGroup, Enrolment, EnrolmentStatus
from hromada.apps.equeue.tests.clubs_helpers import make_child, make_club, make_group, make_parent
from hromada.core import tenancy

pytestmark = pytest.mark.django_db
API = "/c/kyiv/api/v1/queue/clubs/"
E = EnrolmentStatus


@pytest.fixture(autouse=True)
def _scoped(community):
    """The test's own reads run in the community (each request sets its own scope)."""
    with tenancy.scope(community):
        yield


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_clubs_and_groups_are_public(community):
    club = make_club(community, name_uk="Художня студія «Палітра»", kind="art")
    make_group(club, name="Малюнок", capacity=4, enrolled=1, fee="300.00")
    make_group(club, name="Закрита", is_open=False)
    make_club(community, is_active=False, name_uk="Закритий клуб")
    data = APIClient().get(API).json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["name"] == "Художня студія «Палітра»" and [g["name"] for g in item["groups"]] == ["Малюнок"]
    assert item["groups"][0]["places_left"] == 3 and item["groups"][0]["fee"] == 300.0
    assert APIClient().get(f"{API}?kind=music").json()["count"] == 0
    assert APIClient().get(f"{API}{club.pk}/").json()["id"] == club.pk
    assert APIClient().get(f"{API}999999/").status_code == 404


def test_a_parent_adds_a_child_enrols_and_withdraws(community):
    group = make_group(make_club(community), capacity=1)
    parent = make_parent(community)
    client = token_client(parent)
    assert APIClient().get(f"{API}children/").status_code == 401
    created = client.post(f"{API}children/", {"full_name": "Олеся", "birth_date": "2018-02-03"}, format="json")
    assert created.status_code == 201, created.json()
    child_id = created.json()["id"]
    assert [c["full_name"] for c in client.get(f"{API}children/").json()] == ["Олеся"]
    enrolled = client.post(f"{API}groups/{group.pk}/enrol/", {"child": child_id}, format="json")
    assert enrolled.status_code == 201 and enrolled.json()["status"] == "requested"
    other = make_parent(community)
    waiting = token_client(other).post(f"{API}groups/{group.pk}/enrol/",
                                       {"child": make_child(other, community).pk}, format="json")
    assert waiting.json()["status"] == "waiting"
    mine = client.get(f"{API}enrolments/").json()
    assert mine["count"] == 1 and mine["results"][0]["child"]["full_name"] == "Олеся"
    enrolment_id = enrolled.json()["id"]
    assert token_client(other).post(f"{API}enrolments/{enrolment_id}/withdraw/").status_code == 404
    withdrawn = client.post(f"{API}enrolments/{enrolment_id}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert Enrolment.objects.get(pk=waiting.json()["id"]).status == E.REQUESTED
    again = client.post(f"{API}enrolments/{enrolment_id}/withdraw/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "bad_transition"


def test_errors_have_codes_the_users_language_and_change_nothing(community):
    group = make_group(make_club(community), age_min=12, age_max=15)
    parent = make_parent(community)
    client = token_client(parent)
    future = client.post(f"{API}children/", {"full_name": "Олеся", "birth_date": "2999-01-01"}, format="json")
    assert future.status_code == 400 and future.json()["errors"][0] == {
        "code": "birth_date_future", "message": "The date of birth cannot be in the future.", "field": "birth_date"}
    ukrainian = client.post(f"{API}children/", {"full_name": "Олеся", "birth_date": "2999-01-01"}, format="json",
                            HTTP_ACCEPT_LANGUAGE="uk")
    assert ukrainian.status_code == 400
    assert ukrainian.json()["errors"][0]["message"] == "Дата народження не може бути в майбутньому."
    empty = client.post(f"{API}children/", {"full_name": "", "birth_date": "2018-01-01"}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "full_name"
    assert not Child.objects.exists()
    child = make_child(parent, community)
    too_young = client.post(f"{API}groups/{group.pk}/enrol/", {"child": child.pk}, format="json")
    assert too_young.status_code == 409 and too_young.json()["errors"][0]["code"] == "age_out_of_range"
    stranger = make_child(make_parent(community), community)
    refused = client.post(f"{API}groups/{group.pk}/enrol/", {"child": stranger.pk}, format="json")
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "not_your_child"
    assert client.post(f"{API}groups/{group.pk}/enrol/", {"child": "x"}, format="json").status_code == 400
    assert client.post(f"{API}groups/999999/enrol/", {"child": child.pk}, format="json").status_code == 404
    assert not Enrolment.objects.exists() and ClubGroup.objects.get(pk=group.pk).enrolled == 0


def test_a_group_of_another_community_is_not_found(community, other_community):
    with tenancy.scope(other_community):
        elsewhere = make_group(make_club(other_community))
    parent = make_parent(community)
    response = token_client(parent).post(f"{API}groups/{elsewhere.pk}/enrol/",
                                         {"child": make_child(parent, community).pk}, format="json")
    assert response.status_code == 404 and not Enrolment.objects.exists()
