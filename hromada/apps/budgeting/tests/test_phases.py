"""Phases switch features on; permissions ask the phase active now. Time is frozen just before,
inside and just after each window."""

from datetime import timedelta

import pytest

from hromada.apps.budgeting import actions, phases
from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.api.errors import DomainError

ONE_SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("kind", list(PhaseKind))
def test_a_phase_is_active_from_its_first_to_its_last_second(cycle, at, kind):
    start, end = bf.PHASES[kind]
    at(start - ONE_SECOND)
    before = phases.active_phase(cycle)
    at(start)
    assert phases.active_phase(cycle).kind == kind
    at(end - ONE_SECOND)
    assert phases.active_phase(cycle).kind == kind
    at(end)
    after = phases.active_phase(cycle)
    assert before is None or before.kind != kind
    assert after is None or after.kind != kind


@pytest.mark.parametrize(("moment", "feature", "expected"), [
    (bf.BEFORE, "propose", False),
    (bf.INSIDE[PhaseKind.SUBMISSION], "propose", True),
    (bf.INSIDE[PhaseKind.REVIEW], "propose", False),
    (bf.INSIDE[PhaseKind.REVIEW], "appeal", True),
    (bf.INSIDE[PhaseKind.VOTING], "appeal", False),
    (bf.INSIDE[PhaseKind.VOTING], "vote", True),
    (bf.PHASES[PhaseKind.VOTING][0] - ONE_SECOND, "vote", False),
    (bf.PHASES[PhaseKind.VOTING][1] - ONE_SECOND, "vote", True),
    (bf.PHASES[PhaseKind.VOTING][1], "vote", False),
    (bf.INSIDE[PhaseKind.RESULTS], "tally", True),
    (bf.INSIDE[PhaseKind.IMPLEMENTATION], "implement", True),
    (bf.AFTER, "implement", False),
])
def test_features_follow_the_phase(cycle, at, moment, feature, expected):
    at(moment)
    assert phases.is_on(cycle, feature) is expected


def test_unknown_feature_is_a_programming_error(cycle):
    with pytest.raises(ValueError, match="unknown phase feature"):
        phases.is_on(cycle, "teleport")


def test_vote_permission_asks_the_phase_and_says_when_voting_opens(cycle, at, voter):
    at(bf.PHASES[PhaseKind.VOTING][0] - ONE_SECOND)
    assert not voter.has_perm("budgeting.vote", cycle)
    from hromada.apps.budgeting.rules import refusal

    message = refusal("budgeting.vote", voter, cycle)
    assert message.startswith("Voting: not possible now. It is open during the phase “Voting”")
    assert "01.04.2026" in message or "April 1, 2026" in message
    at(bf.PHASES[PhaseKind.VOTING][0])
    assert voter.has_perm("budgeting.vote", cycle)


def test_cycle_creation_refuses_overlapping_phases(community, staff, in_community):
    admin = staff("admin")
    dates = dict(bf.PHASES)
    dates[PhaseKind.REVIEW] = (bf.kyiv(2026, 2, 20), bf.kyiv(2026, 4, 1))
    with pytest.raises(DomainError) as error:
        actions.cycle_create(community=community, by=admin, slug="pb27", name_uk="ГБ 2027", year=2027,
                             phase_dates=dates)
    assert error.value.detail == "The phase “Review” starts before the previous phase ends."
    from hromada.apps.budgeting.models import Cycle

    assert not Cycle.objects.exists()


def test_cycle_creation_by_admin_with_phases_and_categories(community, staff, in_community):
    admin = staff("admin")
    cycle = actions.cycle_create(community=community, by=admin, slug="PB27", name_uk="ГБ 2027", year=2027,
                                 phase_dates=bf.PHASES, voting_rule="cumulative", max_votes=6)
    actions.category_create(cycle=cycle, by=admin, name_uk="Малі", fund=100000, max_cost=50000, max_votes=3)
    assert cycle.slug == "pb27"
    assert [p.kind for p in phases.phases_of(cycle)] == list(PhaseKind.values)
    assert cycle.effective_max_votes == 6
    assert cycle.categories.get().max_votes == 3
    with pytest.raises(DomainError, match="minimum ≤ maximum ≤ the fund"):
        actions.category_create(cycle=cycle, by=admin, name_uk="Великі", fund=100000, max_cost=500000)


def test_community_settings_apply_when_the_cycle_leaves_them_empty(cycle, community):
    community.budget_max_votes, community.budget_min_age = 7, 14
    community.save()
    cycle.refresh_from_db()
    assert (cycle.effective_max_votes, cycle.effective_min_age) == (7, 14)
    cycle.max_votes, cycle.min_age = 3, 18
    assert (cycle.effective_max_votes, cycle.effective_min_age) == (3, 18)
