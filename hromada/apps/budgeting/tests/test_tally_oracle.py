"""pabutools as the test oracle (dev dependency only; product code never imports it).

The calls below are the reference semantics documented in docs/budget-tally.md.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

pabutools = pytest.importorskip("pabutools")

from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
)
from pabutools.election import Project as PabuProject  # noqa: E402
from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction  # noqa: E402
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from hromada.apps.budgeting.tally import CUMULATIVE, Election  # noqa: E402


def _points_cost(instance, profile, ballot, project, precomputed_values):
    return ballot.get(project, 0) * project.cost


class PointsCostSat(AdditiveSatisfaction):
    """Greedy 'by points' for cumulative ballots: satisfaction points x cost, so the greedy density
    (total satisfaction / cost) is the project's total points. For approval ballots Cost_Sat is the same."""

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _points_cost)


def to_pabutools(election: Election):
    projects = [PabuProject(p.id, Fraction(p.cost)) for p in election.projects]
    instance = Instance(projects, budget_limit=Fraction(election.budget))
    ballots = []
    for v in range(election.num_ballots):
        start, end = int(election.indptr[v]), int(election.indptr[v + 1])
        chosen = [projects[int(i)] for i in election.indices[start:end]]
        if election.vote_type == CUMULATIVE:
            assert election.points is not None
            ballots.append(CumulativeBallot({p: Fraction(pt) for p, pt in
                                             zip(chosen, election.points[start:end].tolist(), strict=True)}))
        else:
            ballots.append(ApprovalBallot(chosen))
    profile = CumulativeProfile(ballots) if election.vote_type == CUMULATIVE else ApprovalProfile(ballots)
    return instance, profile


def greedy_sat(profile):
    return PointsCostSat if isinstance(profile, CumulativeProfile) else Cost_Sat


def oracle(instance, profile, rule: str) -> set[str]:
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=greedy_sat(profile))
    elif rule == "mes":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-complete":
        outcome = completion_by_rule_combination(
            instance, profile, [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [{"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat}},
             {"sat_class": greedy_sat(profile)}])
    else:
        raise ValueError(rule)
    return {p.name for p in outcome}


# --- the tests -------------------------------------------------------------------------------------

import random  # noqa: E402
from pathlib import Path  # noqa: E402

from pabutools.election import parse_pabulib  # noqa: E402

from hromada.apps.budgeting.tally import APPROVAL, Project, load, tally  # noqa: E402

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "pabulib"

# pabutools' own run times here (2 cores): greedy and mes under 1.2 s on each of these files; mes-complete
# 0.03 s Nadwisle, 5.6 s Toulouse 2019, 20 s Bemowo, 97 s Toulouse 2022. The suite runs what fits in
# about a minute; test_tally_frozen.py holds pabutools' answers for the rest (recorded by bench).
SMALL = ["Poland_Warszawa_2017_Nadwisle", "Poland_Warszawa_2017_Bemowo", "France_Toulouse_2019",
         "France_Toulouse_2022"]
MES_COMPLETE_LIVE = ["Poland_Warszawa_2017_Nadwisle", "France_Toulouse_2019", "Poland_Warszawa_2017_Bemowo"]


@pytest.fixture(scope="module")
def parsed():
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            path = DATA / f"{name}.pb"
            cache[name] = (load(path), *parse_pabulib(str(path)))
        return cache[name]

    return get


@pytest.mark.parametrize("name", SMALL)
def test_parser_reads_what_pabutools_reads(parsed, name):
    election, instance, profile = parsed(name)
    assert {p.id: Fraction(p.cost) for p in election.projects} == {p.name: Fraction(p.cost) for p in instance}
    assert Fraction(election.budget) == Fraction(instance.budget_limit)
    assert election.num_ballots == profile.num_ballots()
    ours = election.ballots()
    for mine, theirs in zip(ours, profile, strict=True):
        if isinstance(mine, dict):
            assert {k: Fraction(v) for k, v in mine.items()} == {p.name: Fraction(v) for p, v in theirs.items()}
        else:
            assert set(mine) == {p.name for p in theirs}


@pytest.mark.parametrize("rule", ["greedy", "mes"])
@pytest.mark.parametrize("name", SMALL)
def test_real_files_match_pabutools(parsed, name, rule):
    election, instance, profile = parsed(name)
    expected = oracle(instance, profile, rule)
    assert set(tally(election, rule).selected) == expected


@pytest.mark.parametrize("name", MES_COMPLETE_LIVE)
def test_real_files_mes_complete_match_pabutools(parsed, name):
    election, instance, profile = parsed(name)
    assert set(tally(election, "mes-complete").selected) == oracle(instance, profile, "mes-complete")


def random_election(seed: int, *, cumulative: bool) -> Election:
    rng = random.Random(seed)
    count = rng.randint(2, 9)
    # few distinct costs and small electorates: ties everywhere, and exact fractions matter
    palette = [rng.choice([10, 20, 30, 40, 60, Fraction(25, 2), 7]) for _ in range(3)]
    projects = [Project(f"p{rng.randint(0, 30)}-{k}" if rng.random() < 0.3 else str(rng.randint(1, 120) * 10 + k),
                        rng.choice(palette)) for k in range(count)]
    ids = [p.id for p in projects]
    if len(set(ids)) != len(ids):
        projects = [Project(f"x{k}", p.cost) for k, p in enumerate(projects)]
        ids = [p.id for p in projects]
    total = sum(Fraction(p.cost) for p in projects)
    budget = Fraction(rng.randint(2, 9), 10) * total + rng.choice([0, 0, 1, Fraction(1, 3)])
    popularity = [rng.random() for _ in projects]
    voters = rng.randint(1, 25)
    ballots: list = []
    for _ in range(voters):
        picked = [pid for pid, w in zip(ids, popularity, strict=True) if rng.random() < w]
        if not picked and rng.random() < 0.7:  # a few empty ballots: they still count for equal shares
            picked = [rng.choice(ids)]
        if cumulative:
            ballots.append({pid: rng.choice([1, 1, 2, 3]) for pid in picked})
        else:
            ballots.append(picked)
    # every project gets at least one vote so pabutools' budget-increase loop ends (see the docs)
    for pid in ids:
        if not any(pid in b for b in ballots):
            ballots.append({pid: 1} if cumulative else [pid])
    return Election.from_ballots(projects, ballots, budget=budget, vote_type=CUMULATIVE if cumulative else APPROVAL)


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-complete"])
def test_random_elections_match_pabutools(rule, cumulative):
    for seed in range(120):
        election = random_election(seed, cumulative=cumulative)
        instance, profile = to_pabutools(election)
        expected = oracle(instance, profile, rule)
        got = tally(election, rule)
        assert set(got.selected) == expected, (seed, election.ballots(), [(p.id, p.cost) for p in election.projects])
        assert got.cost <= election.budget


def test_zero_cost_and_unvoted_projects_follow_pabutools():
    projects = [Project("a", 50), Project("b", 0), Project("c", 30), Project("d", 20)]
    ballots = [["a"], ["a", "c"], ["b"], ["c"]]
    election = Election.from_ballots(projects, ballots, budget=80)
    instance, profile = to_pabutools(election)
    for rule in ("greedy", "mes", "mes-complete"):
        assert set(tally(election, rule).selected) == oracle(instance, profile, rule), rule


def crowded_election(seed: int) -> Election:
    """Hundreds of voters over a few projects: most ballots repeat (the engine groups identical approval
    sets), budgets run out unevenly, and costs make near-ties that need the exact path."""
    rng = random.Random(seed)
    count = rng.randint(3, 8)
    projects = [Project(f"p{k}", rng.choice([30, 45, 60, 90, Fraction(125, 2), 120])) for k in range(count)]
    ids = [p.id for p in projects]
    popularity = [rng.random() ** 2 for _ in projects]
    ballots: list = []
    for _ in range(rng.randint(80, 400)):
        picked = [pid for pid, w in zip(ids, popularity, strict=True) if rng.random() < w]
        ballots.append(picked)
    for pid in ids:
        if not any(pid in b for b in ballots):
            ballots.append([pid])
    total = sum(Fraction(p.cost) for p in projects)
    budget = Fraction(rng.randint(2, 8), 10) * total
    return Election.from_ballots(projects, ballots, budget=budget)


@pytest.mark.parametrize("rule", ["mes", "mes-complete"])
def test_crowded_elections_with_repeated_ballots_match_pabutools(rule):
    for seed in range(40):
        election = crowded_election(seed)
        instance, profile = to_pabutools(election)
        assert set(tally(election, rule).selected) == oracle(instance, profile, rule), seed


def borda_profile(election: Election):
    """The ordinal election as pabutools cumulative ballots carrying our rank points (k for the first of k
    ranked projects, ..., 1 for the last): the oracle for greedy by rank points."""
    projects = [PabuProject(p.id, Fraction(p.cost)) for p in election.projects]
    instance = Instance(projects, budget_limit=Fraction(election.budget))
    ballots = []
    for v in range(election.num_ballots):
        start, end = int(election.indptr[v]), int(election.indptr[v + 1])
        ranked = [projects[int(i)] for i in election.indices[start:end]]
        ballots.append(CumulativeBallot({p: len(ranked) - position for position, p in enumerate(ranked)}))
    return instance, CumulativeProfile(ballots)


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-complete"])
def test_random_rankings_match_pabutools(rule):
    for seed in range(60):
        approval = random_election(seed, cumulative=False)
        rng = random.Random(seed)
        ranked = [rng.sample(ballot, len(ballot)) for ballot in approval.ballots()]
        election = Election.from_ballots(approval.projects, ranked, budget=approval.budget, vote_type="ordinal")
        if rule == "greedy":
            instance, profile = borda_profile(election)
        else:  # equal shares with cost satisfaction: who ranks a project supports it
            instance, profile = to_pabutools(approval)
        assert set(tally(election, rule).selected) == oracle(instance, profile, rule), seed
