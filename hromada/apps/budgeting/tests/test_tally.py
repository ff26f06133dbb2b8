"""The tally rules on hand-made elections and on the officially published selections."""

from fractions import Fraction
from pathlib import Path

import pytest

from hromada.apps.budgeting.tally import (
    RULES,
    Election,
    Project,
    Reason,
    TallyError,
    load,
    rank_points,
    tally,
    tally_by_category,
)

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "pabulib"


def election(costs: dict[str, int], ballots, budget, **kwargs) -> Election:
    return Election.from_ballots([Project(pid, cost) for pid, cost in costs.items()], ballots, budget=budget, **kwargs)


def outcome(result, project_id):
    return next(p for p in result.projects if p.id == project_id)


def test_greedy_skips_a_project_that_does_not_fit_and_goes_on():
    e = election({"big": 80, "mid": 50, "small": 20}, [["big"], ["big"], ["big", "mid"], ["mid"], ["small"]], 100)
    result = tally(e, "greedy")
    assert result.selected == ["big", "small"]
    assert result.cost == 100
    assert outcome(result, "mid").reason == Reason.DID_NOT_FIT
    assert outcome(result, "big").score == 3


def test_greedy_ties_go_to_the_smaller_id_compared_as_text():
    # "10" < "9" as text: pabutools' lexicographic tie-breaking, not numeric order
    e = election({"9": 60, "10": 60}, [["9"], ["10"]], 100)
    assert tally(e, "greedy").selected == ["10"]


def test_greedy_funds_unvoted_and_free_projects_that_fit_after_the_voted_ones():
    e = election({"a": 50, "free": 0, "none": 10}, [["a"], ["free"]], 60)
    assert tally(e, "greedy").selected == ["a", "free", "none"]


def test_cumulative_greedy_ranks_by_points_not_by_voters():
    e = election({"a": 60, "b": 60}, [{"a": 1}, {"a": 1}, {"b": 3}], 100, vote_type="cumulative")
    result = tally(e, "greedy")
    assert result.selected == ["b"]
    assert outcome(result, "b").score == 3 and outcome(result, "a").supporters == 2


def test_greedy_threshold_skips_projects_under_the_minimum_score():
    e = election({"a": 50, "b": 20, "c": 20}, [["a"]] * 5 + [["b"]] * 3 + [["c"]] * 2, 100,
                 meta={"min_project_score_threshold": "3"})
    result = tally(e, "greedy-threshold")
    assert result.selected == ["a", "b"]
    assert outcome(result, "c").reason == Reason.BELOW_THRESHOLD
    assert tally(e, "greedy-threshold", threshold=4).selected == ["a"]


def test_greedy_threshold_needs_a_threshold():
    e = election({"a": 50}, [["a"]], 100)
    with pytest.raises(TallyError, match="min_project_score_threshold"):
        tally(e, "greedy-threshold")


def test_unknown_rule_is_refused_with_the_list():
    e = election({"a": 50}, [["a"]], 100)
    with pytest.raises(TallyError, match="greedy, greedy-threshold, mes, mes-complete"):
        tally(e, "phragmen")


def test_mes_gives_the_minority_its_share():
    # 6 voters want a and b (60 each), 4 want c (40); budget 100: greedy funds a then c; equal shares give
    # the 60% group 60 (a) and the 40% group 40 (c).
    e = election({"a": 60, "b": 60, "c": 40}, [["a", "b"]] * 6 + [["c"]] * 4, 100)
    result = tally(e, "mes")
    assert set(result.selected) == {"a", "c"}
    assert outcome(result, "b").reason == Reason.NOT_AFFORDABLE


def test_mes_complete_raises_the_budget_then_completes_by_votes():
    e = election({"a": 30, "b": 30, "c": 30, "d": 9}, [["a"], ["a"], ["b"], ["c"], ["d"]], 100)
    result = tally(e, "mes-complete")
    assert result.cost <= 100
    assert {"a", "b", "c", "d"} >= set(result.selected)
    assert result.budget_increase_runs >= 1
    assert all(p.reason in (Reason.FUNDED, Reason.FUNDED_IN_COMPLETION) for p in result.projects if p.funded)


def test_mes_no_supporters_reason():
    e = election({"a": 10, "b": 10}, [["a"]], 100)
    assert outcome(tally(e, "mes"), "b").reason == Reason.NO_SUPPORTERS


def test_scoring_elections_are_not_tallied():
    e = election({"a": 10}, [["a"]], 100)
    e.vote_type = "scoring"
    for rule in RULES:
        with pytest.raises(TallyError, match="scoring"):
            tally(e, rule, threshold=1)


def test_rankings_are_counted_by_rank_points():
    # Three voters rank b first; four approve of a, but always last of three: 4 x 1 = 4 points against 3 x 3 = 9.
    ballots = [["b", "c", "a"]] * 3 + [["c", "a"]] + [["a"]]
    e = election({"a": 50, "b": 50, "c": 50}, ballots, 100, vote_type="ordinal")
    result = tally(e, "greedy")
    assert {o.id: o.score for o in result.projects} == {"a": 3 * 1 + 1 + 1, "b": 3 * 3, "c": 3 * 2 + 2}
    assert result.selected == ["b", "c"]
    assert tally(e, "greedy-threshold", threshold=6).selected == ["b", "c"]
    assert tally(e, "greedy-threshold", threshold=9).selected == ["b"]
    # equal shares look only at who names a project (cost satisfaction), as for cumulative ballots
    as_approval = election({"a": 50, "b": 50, "c": 50}, ballots, 100)
    for rule in ("mes", "mes-complete"):
        assert tally(e, rule).selected == tally(as_approval, rule).selected


def test_rank_points_follow_the_ballot_order():
    e = election({"a": 10, "b": 10, "c": 10}, [["c", "a", "b"], ["a"], []], 100, vote_type="ordinal")
    assert rank_points(e.indptr).tolist() == [3, 2, 1, 1]


def test_exact_costs_and_fraction_points():
    e = Election.from_ballots([Project("a", Fraction("12.5")), Project("b", "7.25")],
                              [{"a": Fraction(1, 2)}, {"b": "0.75"}], budget="19.75", vote_type="cumulative")
    result = tally(e, "greedy")
    assert result.selected == ["b", "a"] and result.cost == Fraction("19.75")


def test_bad_ballots_are_refused():
    projects = [Project("a", 10)]
    with pytest.raises(TallyError, match="unknown project id 'z'"):
        Election.from_ballots(projects, [["z"]], budget=10)
    with pytest.raises(TallyError, match="twice"):
        Election.from_ballots(projects, [["a", "a"]], budget=10)
    with pytest.raises(TallyError, match="negative"):
        Election.from_ballots(projects, [{"a": -1}], budget=10)
    with pytest.raises(TypeError):
        Election.from_ballots([Project("a", 10.5)], [["a"]], budget=10)  # type: ignore[arg-type]


def test_tally_by_category_uses_each_fund_and_each_category_voters():
    projects = [Project("c1", 100, category="city"), Project("c2", 80, category="city"),
                Project("d1", 30, category="district"), Project("d2", 30, category="district")]
    ballots = [["c1", "d1"], ["c1"], ["c2", "d2"], ["d2"], ["d2", "d1"]]
    results = tally_by_category(projects, ballots, {"city": 150, "district": 40}, "greedy")
    assert results["city"].selected == ["c1"]
    assert results["district"].selected == ["d2"]
    assert outcome(results["district"], "d1").reason == Reason.DID_NOT_FIT
    with pytest.raises(TallyError, match="no fund given for categories: district"):
        tally_by_category(projects, ballots, {"city": 150}, "greedy")


@pytest.mark.parametrize(("name", "rule"), [
    ("Poland_Warszawa_2017_Nadwisle", "greedy"),
    ("Poland_Warszawa_2017_Bemowo", "greedy"),
    ("Poland_Warszawa_2026", "greedy-threshold"),
    ("Poland_Krakow_2024", "greedy"),  # ordinal: 3 ranked, 3/2/1 points, our rank points
])
def test_reproduces_the_official_selection(name, rule):
    e = load(DATA / f"{name}.pb")
    assert e.meta["rule"] == rule
    official = {p.id for p in e.projects if p.extra["selected"] == "1"}
    result = tally(e, rule)
    assert set(result.selected) == official
    assert result.cost <= e.budget


def test_plain_greedy_would_not_reproduce_warsaw_2026():
    # Warsaw 2026 skipped projects under 3000 votes: plain greedy funds one the city did not
    e = load(DATA / "Poland_Warszawa_2026.pb")
    official = {p.id for p in e.projects if p.extra["selected"] == "1"}
    plain = tally(e, "greedy")
    assert set(plain.selected) - official
    below = [p for p in tally(e, "greedy-threshold").projects if p.reason == Reason.BELOW_THRESHOLD]
    assert below and all(p.score < 3000 for p in below)


def test_rank_points_reproduce_krakow_2024_official_scores():
    """Kraków ranks three projects and gives 3, 2 and 1 points: the file's `score` column is our rank points."""
    e = load(DATA / "Poland_Krakow_2024.pb")
    result = tally(e, "greedy")
    assert {o.id: str(o.score) for o in result.projects} == {p.id: p.extra["score"] for p in e.projects}
