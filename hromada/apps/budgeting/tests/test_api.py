"""The API and open data: projects, review conclusions, results, de-identified votes, implementation
in JSON and CSV, and ballot submission for authenticated voters."""

import csv
import io

import pytest
from django.test import Client

from hromada.apps.accounts.actions import api_token_issue
from hromada.apps.accounts.models import tax_number_hash
from hromada.apps.budgeting import actions, results
from hromada.apps.budgeting.models import Ballot, ProjectStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.testing import factories

API = "/c/kyiv/api/v1/budget"


@pytest.fixture
def on_ballot(cycle):
    return [bf.make_project(cycle, title=f"Проєкт {i}") for i in range(4)]


def _token_client(user):
    # Issued now (tests move the clock across phases; a token expires API_TOKEN_TTL_DAYS after issue).
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")


def test_projects_list_shows_published_projects_without_contacts(client, cycle, voter):
    bf.make_project(cycle, author=voter, status=ProjectStatus.PUBLISHED, title="Публічний")
    bf.make_project(cycle, author=voter, status=ProjectStatus.DRAFT, title="Чернетка")

    data = client.get(f"{API}/projects/?cycle=pb2026").json()

    assert [p["title"] for p in data["results"]] == ["Публічний"]
    row = data["results"][0]
    assert row["author_name"] == voter.full_name and row["cost"] == "50000.00"
    assert voter.email not in str(data)


def test_list_query_count_does_not_grow_with_the_page(client, cycle, django_assert_max_num_queries):
    for _ in range(3):
        bf.make_project(cycle, status=ProjectStatus.PUBLISHED)
    with django_assert_max_num_queries(6) as few:
        client.get(f"{API}/projects/")
    for _ in range(30):
        bf.make_project(cycle, status=ProjectStatus.PUBLISHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(f"{API}/projects/").json()
    assert data["count"] == 33


def test_project_detail_has_costs_and_reviews_and_hides_drafts(client, cycle, community, in_community):
    department = factories.make_department(community, name_uk="Управління освіти")
    project = bf.make_project(cycle, status=ProjectStatus.FEASIBLE, department=department)
    project.reviews.create(community=community, department=department,
                           reviewer=factories.make_staff(community, "executor", department=department),
                           conclusion="feasible", reason="Можна")
    draft = bf.make_project(cycle, status=ProjectStatus.DRAFT)

    data = client.get(f"{API}/projects/{project.pk}/").json()

    assert data["cost_items"] == [{"description": "Роботи", "unit": "", "quantity": "1.000",
                                   "unit_price": "50000.00", "total": "50000.00"}]
    assert data["reviews"][0]["department_name"] == "Управління освіти"
    assert client.get(f"{API}/reviews/?cycle=pb2026").json()["results"][0]["conclusion"] == "feasible"
    missing = client.get(f"{API}/projects/{draft.pk}/")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "not_found"


def test_voter_casts_and_replaces_a_ballot_through_the_api(at, voter, on_ballot):
    at("voting")
    api = _token_client(voter)

    first = api.post(f"{API}/cycles/pb2026/ballot/", {"choices": [{"project": on_ballot[0].pk}]},
                     content_type="application/json")
    second = api.post(f"{API}/cycles/pb2026/ballot/", {"choices": [{"project": on_ballot[1].pk},
                                                                   {"project": on_ballot[2].pk}]},
                      content_type="application/json")

    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["voter_id"] == second.json()["voter_id"]
    mine = api.get(f"{API}/cycles/pb2026/ballot/").json()
    assert sorted(c["project"] for c in mine["choices"]) == sorted([on_ballot[1].pk, on_ballot[2].pk])
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(("body", "status", "code", "message"), [
    ({"choices": "all"}, 400, "not_a_list", None),
    ({"choices": [{"project": "x"}]}, 400, "invalid", None),
    ({"choices": []}, 400, "empty_ballot", "Choose at least one project."),
    ({"choices": [{"project": 0}, {"project": 1}, {"project": 2}, {"project": 3}]}, 400, "category_limit",
     "you may give at most 3 votes; your ballot gives 4"),
])
def test_bad_ballots_get_a_code_and_a_message(at, voter, on_ballot, body, status, code, message):
    at("voting")
    if isinstance(body["choices"], list) and body["choices"] and isinstance(body["choices"][0]["project"], int):
        body = {"choices": [{"project": on_ballot[c["project"]].pk} for c in body["choices"]]}

    response = _token_client(voter).post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")

    assert response.status_code == status
    error = response.json()["errors"][0]
    assert error["code"] == code
    if message:
        assert message in error["message"]
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(("choices", "code", "field"), [
    ([{"project": 0, "points": 0}], "min_value", "choices.0.points"),
    ([{"project": 0, "points": 101}], "max_value", "choices.0.points"),
    ([{"project": True}], "invalid", "choices.0.project"),
    ([{"points": 1}], "required", "choices.0.project"),
    ([0], "invalid", None),  # the envelope (core.api.errors) names no field for a non-object item
    ([{"project": 0}] * 101, "max_length", "choices"),
])
def test_malformed_ballots_are_refused_with_the_field_that_is_wrong(at, voter, on_ballot, choices, code, field):
    at("voting")
    body = {"choices": [{**c, "project": on_ballot[0].pk} if isinstance(c, dict) and c.get("project") == 0 else c
                        for c in choices]}

    response = _token_client(voter).post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")

    assert response.status_code == 400
    assert (response.json()["errors"][0]["code"], response.json()["errors"][0]["field"]) == (code, field)
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("district", [999_999, 2**70])
def test_a_district_the_community_does_not_have_is_refused(at, voter, on_ballot, district):
    at("voting")
    body = {"choices": [{"project": on_ballot[0].pk}], "district": district}

    response = _token_client(voter).post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")

    assert response.status_code == 400
    assert (response.json()["errors"][0]["code"], response.json()["errors"][0]["field"]) == ("unknown_district",
                                                                                           "district")
    assert not Ballot.objects.exists()


def test_numbers_sent_as_text_are_read_as_numbers(at, voter, on_ballot):
    at("voting")
    body = {"choices": [{"project": str(on_ballot[0].pk), "points": "1"}], "district": None}

    response = _token_client(voter).post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["choices"] == [{"project": on_ballot[0].pk, "points": 1}]


def test_the_answer_to_a_ballot_is_what_the_voter_reads_back(at, voter, on_ballot):
    """The POST answer is built from what was written, not re-read; it must equal the stored ballot."""
    at("voting")
    api = _token_client(voter)

    cast = api.post(f"{API}/cycles/pb2026/ballot/", {"choices": [{"project": on_ballot[0].pk},
                                                                 {"project": on_ballot[1].pk}]},
                    content_type="application/json").json()
    stored = api.get(f"{API}/cycles/pb2026/ballot/").json()

    assert cast == {**stored, "choices": cast["choices"]}
    assert sorted(cast["choices"], key=lambda c: c["project"]) == sorted(stored["choices"],
                                                                        key=lambda c: c["project"])
    assert cast["created_at"].endswith("+02:00") or cast["created_at"].endswith("+03:00")  # Kyiv time


def test_ballot_api_refusals(client, at, voter, on_ballot, staff, cycle, community, in_community):
    body = {"choices": [{"project": on_ballot[0].pk}]}
    at("review")
    closed = _token_client(voter).post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")
    assert closed.status_code == 403
    assert closed.json()["errors"][0]["message"].startswith("Voting: not possible now.")

    at("voting")
    anonymous = client.post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")
    assert anonymous.status_code == 401

    voter.tax_number_hash = tax_number_hash("3012345678")
    voter.save(update_fields=["tax_number_hash"])
    actions.paper_ballot_enter(cycle=cycle, operator=staff("operator"), tax_number="3012345678",
                               birth_date=voter.birth_date, resident_confirmed=True,
                               choices=[actions.Choice(on_ballot[1].pk)])
    paper = _token_client(voter).post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")
    assert paper.status_code == 409 and paper.json()["errors"][0]["code"] == "already_voted_offline"


def test_session_ballots_need_the_csrf_token(at, voter, on_ballot):
    at("voting")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(voter)
    body = {"choices": [{"project": on_ballot[0].pk}]}

    refused = browser.post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json")
    browser.get("/c/kyiv/budget/pb2026/vote/")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(f"{API}/cycles/pb2026/ballot/", body, content_type="application/json",
                            HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403 and accepted.status_code == 201


def test_results_votes_and_implementation_are_open_data(client, at, cycle, staff, community, on_ballot):
    at("voting")
    assert client.get(f"{API}/cycles/pb2026/votes/").status_code == 404
    assert client.get(f"{API}/cycles/pb2026/results/").json()["errors"][0]["code"] == "not_published"
    for choice in ([0, 1], [0], [2]):
        bf.cast(cycle, bf.make_voter(community), [on_ballot[i] for i in choice])
    at("results")
    admin = staff("admin")
    from hromada.core import tenancy

    with tenancy.scope(community):
        results.tally_start(cycle=cycle, by=admin)
        actions.cycle_start_implementation(cycle=cycle, by=admin,
                                           default_department=factories.make_department(community))

    result = client.get(f"{API}/cycles/pb2026/results/").json()
    votes = client.get(f"{API}/cycles/pb2026/votes/").json()
    result_csv = list(csv.DictReader(io.StringIO(b"".join(client.get(
        f"{API}/cycles/pb2026/results.csv").streaming_content).decode())))
    implementation = client.get(f"{API}/implementation/?cycle=pb2026").json()
    implementation_csv = b"".join(client.get(f"{API}/implementation.csv").streaming_content).decode()
    projects_csv = b"".join(client.get(f"{API}/projects.csv?cycle=pb2026").streaming_content).decode()

    assert result["ballots"] == 3 and [p["votes"] for p in result["projects"]] == [2, 1, 1, 0]
    assert {(r["project_number"], r["funded"]) for r in result_csv} == {("1", "1"), ("2", "1"), ("3", "1"),
                                                                         ("4", "1")}
    assert votes["count"] == 3 and sorted(len(v["choices"]) for v in votes["results"]) == [1, 1, 2]
    assert implementation["count"] == 4 and implementation["results"][0]["progress"] == 0
    assert implementation_csv.count("\n") == 5 and projects_csv.startswith("id,cycle,number")
    assert client.get(f"{API}/cycles/pb2026/votes.csv").status_code == 200


def test_cycle_api_shows_phases_categories_and_the_active_phase(client, cycle, at):
    at("voting")
    data = client.get(f"{API}/cycles/pb2026/").json()
    assert data["active_phase"] == "voting" and data["max_votes"] == 5 and data["min_age"] == 16
    assert [c["name_en"] for c in data["categories"]] == ["City-wide large", "City-wide small", "Centre", "North"]
    assert client.get(f"{API}/cycles/").json()["count"] == 1


def test_ballot_checks_use_a_short_process_cache(at, settings, cycle, community, on_ballot,
                                                 django_assert_max_num_queries):
    """On the last voting day the ballot rules are read once per process every few seconds, not per
    ballot; a project put on the ballot meanwhile becomes votable when the cache expires."""
    from hromada.apps.budgeting import selectors

    at("voting")
    settings.BUDGETING_BALLOT_CACHE_SECONDS = 60
    selectors._BALLOT_CYCLES.clear()
    body = {"choices": [{"project": on_ballot[0].pk}]}
    assert _token_client(bf.make_voter(community)).post(
        f"{API}/cycles/pb2026/ballot/", body, content_type="application/json").status_code == 201
    late = bf.make_project(cycle, title="Пізній")
    second = _token_client(bf.make_voter(community))
    with django_assert_max_num_queries(8):
        refused = second.post(f"{API}/cycles/pb2026/ballot/", {"choices": [{"project": late.pk}]},
                              content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "not_on_ballot"

    selectors._BALLOT_CYCLES.clear()  # what the 60 s expiry does
    accepted = second.post(f"{API}/cycles/pb2026/ballot/", {"choices": [{"project": late.pk}]},
                           content_type="application/json")
    assert accepted.status_code == 201
