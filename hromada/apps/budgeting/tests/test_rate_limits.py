"""Ballots are limited per voter and per network address on every path — the voting page, the API
and the edge; a refused ballot answers 429 and leaves the stored ballot as it was."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hromada.apps.budgeting.models import Ballot, BallotChoice
from hromada.apps.budgeting.tests import factories as bf
from hromada.core import tenancy
from hromada.testing import wsgi

EDGE_PATH = "/c/kyiv/api/v1/budget/cycles/pb2026/ballot/"


@pytest.fixture
def on_ballot(cycle):
    return [bf.make_project(cycle, title=f"Проєкт {i}") for i in range(4)]


def _choices(community) -> list[list[int]]:
    with tenancy.scope(community):
        return [sorted(BallotChoice.objects.filter(ballot=b).values_list("project_id", flat=True))
                for b in Ballot.objects.order_by("pk")]


def _edge_post(project: int, session: str) -> tuple[int, dict[str, str], dict]:
    status, headers, content = wsgi.call(
        "POST", EDGE_PATH, body=json.dumps({"choices": [{"project": project}]}).encode(),
        cookies={"sessionid": session, "csrftoken": wsgi.CSRF_SECRET}, CONTENT_TYPE="application/json",
        HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en", HTTP_X_CSRFTOKEN=wsgi.CSRF_SECRET)
    return status, headers, json.loads(content)


@pytest.mark.django_db(transaction=True)
def test_ballots_over_the_voters_limit_are_refused_at_the_edge(at, community, voter, on_ballot, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ballot_account": "2/m"}
    at("voting")
    session = wsgi.session_of(voter)
    assert _edge_post(on_ballot[0].pk, session)[0] == 201
    assert _edge_post(on_ballot[1].pk, session)[0] == 200

    status, headers, answer = _edge_post(on_ballot[2].pk, session)

    assert status == 429 and "Allow" not in headers  # answered by the edge itself
    assert answer["errors"][0]["code"] == "rate_limited"
    assert _choices(community) == [[on_ballot[1].pk]]  # the ballot as it was


@pytest.mark.django_db(transaction=True)
def test_ballots_from_one_address_follow_the_communitys_limit_at_the_edge(at, community, cycle, on_ballot):
    community.ballot_rate_per_address = 1
    community.save(update_fields=["ballot_rate_per_address"])
    at("voting")
    first, second = bf.make_voter(community), bf.make_voter(community)
    assert _edge_post(on_ballot[0].pk, wsgi.session_of(first))[0] == 201

    status, _headers, answer = _edge_post(on_ballot[0].pk, wsgi.session_of(second))

    assert status == 429 and answer["errors"][0]["code"] == "rate_limited"
    assert len(_choices(community)) == 1


def test_ballots_over_the_limit_are_refused_on_the_api_and_the_voting_page(at, community, voter, on_ballot,
                                                                          settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ballot_account": "2/m"}
    at("voting")
    client = Client()
    client.force_login(voter)
    for project in on_ballot[:2]:
        response = client.post(EDGE_PATH, {"choices": [{"project": project.pk}]}, content_type="application/json")
        assert response.status_code in (200, 201)

    api = client.post(EDGE_PATH, {"choices": [{"project": on_ballot[2].pk}]}, content_type="application/json")
    page = client.post("/c/kyiv/budget/pb2026/vote/", {"project": [str(on_ballot[3].pk)]})

    assert api.status_code == 429 and api.json()["errors"][0]["code"] == "rate_limited"
    assert page.status_code == 429 and "Too many ballots" in page.content.decode()
    assert _choices(community) == [[on_ballot[1].pk]]
