"""Voting: who may vote, the limits, one ballot per person (changeable online until voting closes),
paper and CNAP-desk ballots entered by operators, and the de-identified voter id."""

from datetime import date, timedelta

import pytest

from hromada.apps.accounts.models import IdentityLevel, tax_number_hash
from hromada.apps.budgeting import actions
from hromada.apps.budgeting.models import Ballot, BallotChoice, ProjectStatus
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord

BASE = "/c/kyiv/budget"
Choice = actions.Choice


@pytest.fixture
def ballot_projects(cycle):
    """Five small city-wide projects, three large, two in each district."""
    small = [bf.make_project(cycle, title=f"Малий {i}") for i in range(5)]
    large = [bf.make_project(cycle, category_name="City-wide large", cost=500000, title=f"Великий {i}")
             for i in range(3)]
    centre = [bf.make_project(cycle, category_name="Centre", cost=100000) for _ in range(2)]
    north = [bf.make_project(cycle, category_name="North", cost=100000) for _ in range(2)]
    return {"small": small, "large": large, "centre": centre, "north": north}


def _ids(*projects):
    return [p.pk for p in projects]


def test_a_resident_votes_and_changes_the_ballot_until_voting_closes(client, at, voter, ballot_projects):
    small = ballot_projects["small"]
    at("voting")
    client.force_login(voter)

    first = client.post(f"{BASE}/pb2026/vote/", {"project": _ids(small[0], small[1])}, follow=True)
    assert "Your vote is counted. You can change it until voting closes." in first.content.decode()
    second = client.post(f"{BASE}/pb2026/vote/", {"project": _ids(small[2])}, follow=True)
    assert "Your ballot is changed. Only the new choices count." in second.content.decode()

    ballot = Ballot.objects.get()
    assert list(ballot.choices.values_list("project_id", flat=True)) == [small[2].pk]
    at(bf.PHASES["voting"][1])
    client.force_login(voter)  # a fresh session: the first one has expired by then
    closed = client.post(f"{BASE}/pb2026/vote/", {"project": _ids(small[3])})
    assert closed.status_code == 403
    assert "Voting: not possible now." in closed.content.decode()
    assert list(ballot.choices.values_list("project_id", flat=True)) == [small[2].pk]


@pytest.mark.parametrize(("pick", "message"), [
    (lambda p: p["small"][:4], "In the category “City-wide small” you may give at most 3 votes; your ballot gives 4."),
    (lambda p: p["small"][:3] + p["large"][:2] + p["centre"][:1],
     "You may give at most 5 votes in total; your ballot gives 6."),
    (lambda p: [p["centre"][0], p["north"][0]],
     "You may vote for the projects of one district only; the category “North” belongs to another district."),
    (lambda p: [], "Choose at least one project."),
])
def test_limits_are_enforced_and_nothing_is_saved(client, at, voter, ballot_projects, pick, message):
    at("voting")
    client.force_login(voter)

    response = client.post(f"{BASE}/pb2026/vote/", {"project": _ids(*pick(ballot_projects))})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing was saved." in page
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists()


def test_one_vote_per_project_and_only_projects_on_the_ballot(at, voter, cycle, ballot_projects, in_community):
    at("voting")
    small = ballot_projects["small"]
    draft = bf.make_project(cycle, status=ProjectStatus.FEASIBLE)
    with pytest.raises(DomainError, match="One vote per project"):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(small[0].pk), Choice(small[0].pk)])
    with pytest.raises(DomainError, match=f"Project {draft.pk} is not on the ballot of this cycle."):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(draft.pk)])
    with pytest.raises(DomainError, match="Project 999999 is not on the ballot"):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(999999)])
    with pytest.raises(DomainError, match="Approval voting: each chosen project gets exactly one vote."):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(small[0].pk, 3)])
    assert not Ballot.objects.exists()


def test_the_declared_district_binds_the_ballot(at, voter, cycle, ballot_projects, in_community):
    at("voting")
    centre, north = ballot_projects["centre"], ballot_projects["north"]
    with pytest.raises(DomainError, match="the category “North” belongs to another district"):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(north[0].pk)],
                              district_id=centre[0].district_id)
    outcome = actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(centre[0].pk)])
    assert outcome.ballot.district_id == centre[0].district_id


@pytest.mark.parametrize(("make", "message"), [
    (lambda c, o: bf.make_voter(c, birth_date=date(2026, 4, 15) - timedelta(days=365 * 15)),
     "Residents aged 16 or older can vote."),
    (lambda c, o: bf.make_voter(c, birth_date=None),
     "Your date of birth is not known, so we cannot check the voting age."),
    (lambda c, o: bf.make_voter(o), "Only residents of this community can do this."),
    (lambda c, o: bf.make_voter(c, level=IdentityLevel.PHONE),
     "Voting needs the identity level “Identity verified”."),
])
def test_ineligible_people_are_told_why(client, at, community, other_community, ballot_projects, make, message):
    at("voting")
    client.force_login(make(community, other_community))

    page = client.get(f"{BASE}/pb2026/vote/").content.decode()
    response = client.post(f"{BASE}/pb2026/vote/", {"project": _ids(ballot_projects["small"][0])})

    assert message in page
    assert response.status_code == 403 and message in response.content.decode()
    assert not Ballot.objects.exists()


def test_per_cycle_settings_change_who_may_vote(at, community, cycle, ballot_projects, in_community):
    at("voting")
    teenager = bf.make_voter(community, birth_date=date(2011, 1, 1))  # 15 on 15 April 2026
    phone_only = bf.make_voter(community, level=IdentityLevel.PHONE)
    choice = [Choice(ballot_projects["small"][0].pk)]
    cycle.min_age, cycle.min_identity_level = 14, IdentityLevel.PHONE
    cycle.save()

    actions.ballot_submit(cycle=cycle, voter=teenager, choices=choice)
    actions.ballot_submit(cycle=cycle, voter=phone_only, choices=choice)

    assert Ballot.objects.count() == 2


def test_cumulative_points_and_rankings(at, voter, community, cycle, ballot_projects, in_community):
    at("voting")
    small = ballot_projects["small"]
    cycle.voting_rule, cycle.max_points_per_project = "cumulative", 2
    cycle.save()
    with pytest.raises(DomainError, match="Project №1: give it from 1 to 2 points."):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(small[0].pk, 3)])
    with pytest.raises(DomainError, match="you may give at most 3 votes; your ballot gives 4"):
        actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(small[0].pk, 2), Choice(small[1].pk, 2)])
    actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(small[0].pk, 2), Choice(small[1].pk, 1)])
    assert sorted(BallotChoice.objects.values_list("points", flat=True)) == [1, 2]

    cycle.voting_rule = "ranking"
    cycle.save()
    other = bf.make_voter(community)
    with pytest.raises(DomainError, match="rank the chosen projects 1, 2, 3… without gaps or repeats"):
        actions.ballot_submit(cycle=cycle, voter=other, choices=[Choice(small[0].pk, 1), Choice(small[1].pk, 3)])
    actions.ballot_submit(cycle=cycle, voter=other, choices=[Choice(small[0].pk, 2), Choice(small[1].pk, 1)])


def test_voter_id_is_an_hmac_of_the_person_and_the_cycle(at, voter, cycle, ballot_projects, community, in_community):
    at("voting")
    outcome = actions.ballot_submit(cycle=cycle, voter=voter, choices=[Choice(ballot_projects["small"][0].pk)])
    public_id = outcome.ballot.public_id
    assert public_id == voter_pseudonym(cycle.pk, f"user:{voter.pk}")
    assert len(public_id) == 20 and str(voter.pk) != public_id and voter.email not in public_id
    assert voter_pseudonym(cycle.pk + 1, f"user:{voter.pk}") != public_id


# --- paper ballots and CNAP desks -------------------------------------------------------------

def _paper(cycle, operator, choices, **overrides):
    data = {"tax_number": "3012345678", "birth_date": date(1980, 1, 2), "resident_confirmed": True}
    data.update(overrides)
    return actions.paper_ballot_enter(cycle=cycle, operator=operator, choices=choices, **data)


def test_operator_enters_a_paper_ballot_and_it_is_audited(client, at, staff, cycle, ballot_projects):
    at("voting")
    operator = staff("operator")
    client.force_login(operator)
    small = ballot_projects["small"]

    response = client.post(f"{BASE}/office/pb2026/paper/", {
        "tax_number": "3012345678", "birth_date": "1980-01-02", "resident_confirmed": "on", "channel": "cnap",
        "project": _ids(small[0], small[1])}, follow=True)

    ballot = Ballot.objects.get()
    assert "The ballot is entered (voter id" in response.content.decode()
    assert (ballot.channel, ballot.entered_by, ballot.voter) == ("cnap", operator, None)
    assert ballot.person_hash == tax_number_hash("3012345678")
    record = AuditRecord.objects.get(action="budgeting.enter_paper_ballot")
    assert record.actor == operator and record.data["projects"] == [small[0].number, small[1].number]


def test_no_paper_ballot_for_someone_who_voted_online(at, staff, community, cycle, ballot_projects, in_community):
    at("voting")
    person = bf.make_voter(community)
    person.tax_number_hash = tax_number_hash("3012345678")
    person.save(update_fields=["tax_number_hash"])
    actions.ballot_submit(cycle=cycle, voter=person, choices=[Choice(ballot_projects["small"][0].pk)])

    with pytest.raises(DomainError, match="This person has already voted in this cycle"):
        _paper(cycle, staff("operator"), [Choice(ballot_projects["small"][1].pk)])

    assert Ballot.objects.count() == 1
    assert not AuditRecord.objects.filter(action="budgeting.enter_paper_ballot").exists()


def test_no_online_vote_after_a_paper_ballot(client, at, staff, community, cycle, ballot_projects, in_community):
    at("voting")
    person = bf.make_voter(community)
    person.tax_number_hash = tax_number_hash("3012345678")
    person.save(update_fields=["tax_number_hash"])
    _paper(cycle, staff("operator"), [Choice(ballot_projects["small"][0].pk)])
    client.force_login(person)

    page = client.get(f"{BASE}/pb2026/vote/").content.decode()
    response = client.post(f"{BASE}/pb2026/vote/", {"project": _ids(ballot_projects["small"][1])})

    assert "Your ballot was entered at a CNAP desk and cannot be changed online." in page
    assert response.status_code == 409
    assert "You have already voted in this cycle on paper or at a CNAP desk" in response.content.decode()
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [ballot_projects["small"][0].pk]


def test_paper_ballot_for_a_person_without_account_blocks_a_later_account(at, staff, community, cycle,
                                                                          ballot_projects, in_community):
    """A person votes on paper, then registers and verifies with the same tax number: the online vote is refused."""
    at("voting")
    _paper(cycle, staff("operator"), [Choice(ballot_projects["small"][0].pk)])
    later = bf.make_voter(community)
    later.tax_number_hash = tax_number_hash("3012345678")
    later.save(update_fields=["tax_number_hash"])
    with pytest.raises(DomainError, match="You have already voted in this cycle on paper"):
        actions.ballot_submit(cycle=cycle, voter=later, choices=[Choice(ballot_projects["small"][1].pk)])


@pytest.mark.parametrize(("overrides", "message"), [
    ({"tax_number": "12345"}, "The tax number (RNOKPP) has exactly 10 digits."),
    ({"resident_confirmed": False}, "Confirm that the documents show the person lives in the community."),
    ({"birth_date": date(2015, 1, 1)}, "Residents aged 16 or older can vote."),
])
def test_paper_ballot_bad_input(at, staff, cycle, ballot_projects, in_community, overrides, message):
    at("voting")
    with pytest.raises(DomainError) as error:
        _paper(cycle, staff("operator"), [Choice(ballot_projects["small"][0].pk)], **overrides)
    assert error.value.detail == message
    assert not Ballot.objects.exists()


def test_operator_cannot_enter_their_own_ballot(at, staff, cycle, ballot_projects, in_community):
    at("voting")
    operator = staff("operator")
    operator.tax_number_hash = tax_number_hash("3012345678")
    operator.save(update_fields=["tax_number_hash"])
    with pytest.raises(DomainError, match="An operator cannot enter their own ballot"):
        _paper(cycle, operator, [Choice(ballot_projects["small"][0].pk)])


def test_residents_cannot_enter_paper_ballots(client, at, voter, cycle, ballot_projects):
    at("voting")
    client.force_login(voter)
    response = client.get(f"{BASE}/office/pb2026/paper/")
    assert response.status_code == 403
    assert "Only operators enter paper ballots." in response.content.decode()


def test_paper_ballots_keep_the_limits_and_the_phase(at, staff, cycle, ballot_projects, in_community):
    """The issue's bad input on paper too: over a limit, another district, outside the voting phase."""
    operator = staff("operator")
    small, centre, north = ballot_projects["small"], ballot_projects["centre"], ballot_projects["north"]
    at("voting")
    with pytest.raises(DomainError, match="you may give at most 3 votes; your ballot gives 4"):
        _paper(cycle, operator, [Choice(p.pk) for p in small[:4]])
    with pytest.raises(DomainError, match="the category “North” belongs to another district"):
        _paper(cycle, operator, [Choice(centre[0].pk), Choice(north[0].pk)])
    at("results")
    with pytest.raises(DomainError) as closed:
        _paper(cycle, operator, [Choice(small[0].pk)])
    assert closed.value.status_code == 403
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists()
    assert not AuditRecord.objects.filter(action="budgeting.enter_paper_ballot").exists()
