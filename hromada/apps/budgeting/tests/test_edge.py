"""The ballot POST answered at the WSGI edge (budgeting/edge.py): the same checks, answers and
stored rows as the DRF view, and everything the edge cannot fully decide is Django's answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hromada.apps.budgeting.models import Ballot, BallotChoice
from hromada.apps.budgeting.tests import factories as bf
from hromada.core import tenancy
from hromada.testing import wsgi
from hromada.testing.wsgi import session_of

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/c/kyiv/api/v1/budget/cycles/pb2026/ballot/"
SECRET = wsgi.CSRF_SECRET


def post(body: Any, *, session: str, token: str = SECRET, language: str = "uk", **headers: str) \
        -> tuple[int, dict[str, str], Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, response_headers, content = wsgi.call(
        "POST", PATH, body=raw, cookies={"sessionid": session, "csrftoken": SECRET},
        CONTENT_TYPE="application/json", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE=language,
        HTTP_X_CSRFTOKEN=token, **headers)
    return status, response_headers, json.loads(content)


def at_edge(headers: dict[str, str]) -> bool:
    return "Allow" not in headers  # DRF names the allowed methods on every answer; the edge does not


@pytest.fixture
def on_ballot(cycle):
    return [bf.make_project(cycle, title=f"Проєкт {i}") for i in range(4)]


def ballots(community: Any) -> list[tuple[int, list[int]]]:
    with tenancy.scope(community):
        return [(b.pk, sorted(BallotChoice.objects.filter(ballot=b).values_list("project_id", flat=True)))
                for b in Ballot.objects.order_by("pk")]


def test_a_ballot_at_the_edge_is_stored_and_answered_as_the_api_shows_it(at, community, voter, on_ballot):
    at("voting")
    session = session_of(voter)

    status, headers, answer = post({"choices": [{"project": on_ballot[0].pk}, {"project": on_ballot[1].pk}]},
                                   session=session)

    assert status == 201 and at_edge(headers)
    assert headers["Cache-Control"] == "private" and "Authorization" in headers["Vary"]  # the voter's own answer
    assert ballots(community) == [(answer["id"], sorted([on_ballot[0].pk, on_ballot[1].pk]))]
    client = Client()
    client.force_login(voter)
    stored = client.get(PATH).json()
    assert answer == {**stored, "choices": answer["choices"]}

    status, headers, again = post({"choices": [{"project": on_ballot[2].pk}]}, session=session)

    assert status == 200 and at_edge(headers) and again["id"] == answer["id"]
    assert ballots(community) == [(answer["id"], [on_ballot[2].pk])]


def test_ballot_errors_at_the_edge_are_the_apis_in_the_voters_language(at, community, voter, on_ballot):
    at("voting")

    status, headers, answer = post({"choices": [{"project": p.pk} for p in on_ballot]}, session=session_of(voter))

    assert status == 400 and at_edge(headers) and headers["Content-Language"] == "uk"
    assert answer["errors"][0]["code"] == "category_limit"
    assert answer["errors"][0]["message"].startswith("У категорії «")
    assert ballots(community) == []


@pytest.mark.parametrize(("case", "status", "code"), [
    ("wrong token", 403, "csrf_failed"),
    ("no session", 401, "not_authenticated"),
    ("voting closed", 403, "permission_denied"),
    ("not a resident", 403, "permission_denied"),
    ("numbers as text", 201, None),
    ("not json", 400, "parse_error"),
    ("nested too deep", 400, "parse_error"),  # small enough for the edge, too deep for Python's parser
])
def test_what_the_edge_cannot_decide_is_answered_by_the_api(at, community, voter, on_ballot, case, status, code):
    at("review" if case == "voting closed" else "voting")
    person = voter
    if case == "not a resident":
        from hromada.testing import factories

        person = bf.make_voter(factories.make_community(slug="lviv"))
    body: Any = {"choices": [{"project": on_ballot[0].pk}]}
    kwargs: dict[str, Any] = {"session": session_of(person)}
    if case == "wrong token":
        kwargs["token"] = "Z" * 32
    elif case == "no session":
        kwargs["session"] = ""
    elif case == "numbers as text":
        body = {"choices": [{"project": str(on_ballot[0].pk)}]}
    elif case == "not json":
        body = b"{choices"
    elif case == "nested too deep":
        body = b"[" * 7000 + b"]" * 7000

    answered, headers, answer = post(body, **kwargs)

    assert (answered, not at_edge(headers)) == (status, True)
    if code:
        assert answer["errors"][0]["code"] == code
    assert len(ballots(community)) == (1 if status == 201 else 0)
