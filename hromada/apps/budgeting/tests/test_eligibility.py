"""One decision of who may vote, whichever way the ballot arrives: the web ballot form, the JSON
ballot (the API view, and the edge that answers it on the last day), and the operator entering a
paper ballot. The same person is refused for the same reason on every path, and nothing is stored."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from hromada.apps.accounts.actions import api_token_issue
from hromada.apps.accounts.models import tax_number_hash
from hromada.apps.budgeting import actions, eligibility
from hromada.apps.budgeting.eligibility import Ineligible
from hromada.apps.budgeting.models import Ballot, VoterEligibility
from hromada.apps.budgeting.tests import factories as bf
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.testing import wsgi

BASE = "/c/kyiv/budget"
API = "/c/kyiv/api/v1/budget"
TAXPAYER = "3012345678"
NOT_IN_REGISTER = "3099999999"


@dataclass(frozen=True)
class Person:
    """One person's facts, as their account holds them and as their documents show them at the desk."""

    cycle_eligibility: str
    lives_here: bool
    birth_date: date | None
    tax_number: str | None
    reason: Ineligible
    voter_reads: str  # on the ballot page and in the API
    desk_code: str  # the paper-ballot form's error


PEOPLE = {
    "too young": Person(VoterEligibility.RESIDENTS, True, date(2015, 1, 1), None, Ineligible.TOO_YOUNG,
                        "Residents aged 16 or older can vote.", "too_young"),
    "no date of birth": Person(VoterEligibility.RESIDENTS, True, None, None, Ineligible.NO_BIRTH_DATE,
                               "Your date of birth is not known, so we cannot check the voting age.", "required"),
    "lives elsewhere": Person(VoterEligibility.RESIDENTS, False, date(1990, 5, 1), TAXPAYER, Ineligible.NOT_RESIDENT,
                              "Only residents of this community can do this.", "not_resident"),
    "not in the register": Person(VoterEligibility.TAXPAYERS, True, date(1990, 5, 1), NOT_IN_REGISTER,
                                  Ineligible.NOT_TAXPAYER, "your tax number is not in the community's register",
                                  "not_taxpayer"),
    "neither resident nor taxpayer": Person(
        VoterEligibility.RESIDENTS_OR_TAXPAYERS, False, date(1990, 5, 1), NOT_IN_REGISTER, Ineligible.NOT_ELIGIBLE,
        "Residents and taxpayers of this community vote in this cycle.", "not_eligible"),
}


@pytest.fixture
def projects(cycle):
    return [bf.make_project(cycle, title=f"Малий {i}") for i in range(2)]


@pytest.fixture
def register(community, staff, in_community):
    actions.taxpayers_import(community=community, by=staff("admin"), content=f"{TAXPAYER}\n2900000001\n".encode())


def _setup(cycle: Any, community: Any, other_community: Any, person: Person) -> Any:
    cycle.eligibility = person.cycle_eligibility
    cycle.save(update_fields=["eligibility"])
    account = bf.make_voter(community if person.lives_here else other_community, birth_date=person.birth_date)
    if person.tax_number:
        account.tax_number_hash = tax_number_hash(person.tax_number)
        account.save(update_fields=["tax_number_hash"])
    return account


def _at_desk(cycle: Any, operator: Any, person: Person, project: Any) -> Any:
    return actions.paper_ballot_enter(
        cycle=cycle, operator=operator, tax_number=person.tax_number or "3011111111", birth_date=person.birth_date,
        resident_confirmed=person.lives_here, choices=[actions.Choice(project.pk)])


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_path_refuses_the_same_person_for_the_same_reason(client, at, community, other_community, staff,
                                                                cycle, projects, register, who):
    person = PEOPLE[who]
    at("voting")
    account = _setup(cycle, community, other_community, person)
    with tenancy.scope(community):
        online = eligibility.ballot_refusal(cycle, eligibility.account_voter(account, cycle))
        desk = eligibility.ballot_refusal(cycle, eligibility.desk_voter(
            cycle, person_hash=tax_number_hash(person.tax_number or "3011111111"), birth_date=person.birth_date,
            resident_confirmed=person.lives_here))
    assert online == desk == person.reason

    client.force_login(account)
    form = client.post(f"{BASE}/pb2026/vote/", {"project": [projects[0].pk]})
    assert form.status_code == 403 and person.voter_reads in html.unescape(form.content.decode())

    api = Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=account).key}")
    answer = api.post(f"{API}/cycles/pb2026/ballot/", {"choices": [{"project": projects[0].pk}]},
                      content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "permission_denied"
    assert person.voter_reads in answer.json()["errors"][0]["message"]

    with tenancy.scope(community), pytest.raises(DomainError) as refused:
        _at_desk(cycle, staff("operator"), person, projects[0])
    assert refused.value.code == person.desk_code

    assert not Ballot.objects.exists()


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_same_person_may_vote_once_the_fact_is_put_right(at, community, other_community, staff, cycle, projects,
                                                             register, in_community, who):
    """The refusal is about the person's facts: with them put right, every path takes the ballot."""
    person = PEOPLE[who]
    at("voting")
    fixed = Person(person.cycle_eligibility, True, date(1990, 5, 1), TAXPAYER, person.reason, "", "")
    account = _setup(cycle, community, other_community, fixed)

    assert eligibility.ballot_refusal(cycle, eligibility.account_voter(account, cycle)) is None
    actions.ballot_submit(cycle=cycle, voter=account, choices=[actions.Choice(projects[0].pk)])
    Ballot.objects.all().delete()
    _at_desk(cycle, staff("operator"), fixed, projects[0])
    assert Ballot.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["too young", "not in the register"])
def test_the_json_ballot_at_the_edge_is_refused_the_same_way(at, community, other_community, staff, cycle, projects,
                                                             who):
    person = PEOPLE[who]
    at("voting")
    with tenancy.scope(community):
        actions.taxpayers_import(community=community, by=staff("admin"), content=f"{TAXPAYER}\n".encode())
    account = _setup(cycle, community, other_community, person)

    status, _headers, content = wsgi.call(
        "POST", f"{API}/cycles/pb2026/ballot/", body=json.dumps({"choices": [{"project": projects[0].pk}]}).encode(),
        cookies={"sessionid": wsgi.session_of(account), "csrftoken": wsgi.CSRF_SECRET},
        CONTENT_TYPE="application/json", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en",
        HTTP_X_CSRFTOKEN=wsgi.CSRF_SECRET)

    answer = json.loads(content)
    assert status == 403 and answer["errors"][0]["code"] == "permission_denied"
    assert person.voter_reads in answer["errors"][0]["message"]
    with tenancy.scope(community):
        assert not Ballot.objects.exists()
