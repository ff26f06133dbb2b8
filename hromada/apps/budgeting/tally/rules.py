"""Tally rules: greedy, greedy-threshold, mes, mes-complete.

Each reproduces pabutools 1.2.3 exactly (see docs/budget-tally.md for the calls):

- `greedy`: `greedy_utilitarian_welfare` with cost satisfaction: projects in order of score (approvals,
  points for cumulative ballots, rank points for ordinal ballots: see `rank_points`), ties to the smaller id
  compared as text; a project is funded if it fits what is left of the fund, otherwise skipped and the next
  one is tried. A project that costs 0 ranks last (pabutools gives it no satisfaction) and, like a project
  without votes, is funded if it fits. For ordinal ballots the oracle is the same call on cumulative ballots
  carrying the rank points, with a satisfaction of points x cost.
- `greedy-threshold`: the same, skipping projects whose score is under the threshold (Warsaw's
  `min_project_score_threshold`, a score at the threshold passes). pabutools has no such rule; it
  reproduces Warsaw 2026's official selection.
- `mes`: `method_of_equal_shares(sat_class=Cost_Sat)` (see `mes.py`). Cost satisfaction looks only at which
  projects a ballot names, so cumulative points and ranks do not change equal shares.
- `mes-complete`: `completion_by_rule_combination` of `exhaustion_by_budget_increase(mes)` (budget raised by
  1% of the fund per run until the outcome is exhaustive, or would overspend the real fund, in which case
  the last affordable outcome is kept) and then `greedy` from that outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

import numpy as np

from hromada.apps.budgeting.tally.election import APPROVAL, CUMULATIVE, ORDINAL, Election, Number, Project, exact
from hromada.apps.budgeting.tally.errors import TallyError
from hromada.apps.budgeting.tally.mes import MesEngine

GREEDY = "greedy"
GREEDY_THRESHOLD = "greedy-threshold"
MES = "mes"
MES_COMPLETE = "mes-complete"
RULES = (GREEDY, GREEDY_THRESHOLD, MES, MES_COMPLETE)
THRESHOLD_META_KEY = "min_project_score_threshold"
SUPPORTED_VOTE_TYPES = (APPROVAL, CUMULATIVE, ORDINAL)


class Reason(StrEnum):
    FUNDED = "funded"  # chosen by the rule
    FUNDED_IN_COMPLETION = "funded_in_completion"  # mes-complete: added by the greedy completion
    DID_NOT_FIT = "did_not_fit"  # greedy: cost more than what was left of the fund when its turn came
    BELOW_THRESHOLD = "below_threshold"  # greedy-threshold: score under the minimum
    NOT_AFFORDABLE = "not_affordable"  # mes: its supporters' remaining equal shares could not pay for it
    NO_SUPPORTERS = "no_supporters"  # mes: no ballot names it (or it costs 0, which cost satisfaction ignores)


REASON_TEXT = {
    Reason.FUNDED: "funded",
    Reason.FUNDED_IN_COMPLETION: "funded when the rest of the fund was completed by votes",
    Reason.DID_NOT_FIT: "did not fit the remaining fund",
    Reason.BELOW_THRESHOLD: "below the minimum score",
    Reason.NOT_AFFORDABLE: "its supporters' equal shares could not cover the cost",
    Reason.NO_SUPPORTERS: "no supporters",
}


@dataclass(frozen=True)
class ProjectOutcome:
    id: str
    cost: Number
    score: Number  # approvals, points for cumulative ballots, rank points (`rank_points`) for ordinal ones
    supporters: int  # ballots naming the project
    funded: bool
    reason: Reason


@dataclass
class TallyResult:
    rule: str
    budget: Number
    selected: list[str]  # in the order the rule chose them
    cost: Number
    projects: list[ProjectOutcome] = field(default_factory=list)  # in the election's project order
    threshold: Number | None = None
    budget_increase_runs: int = 0  # mes-complete: equal-shares runs made while raising the budget

    @property
    def selected_set(self) -> frozenset[str]:
        return frozenset(self.selected)


class _Prepared:
    """What every rule needs, computed once per election."""

    def __init__(self, election: Election) -> None:
        if election.vote_type not in SUPPORTED_VOTE_TYPES:
            raise TallyError(f"the tally rules take approval, cumulative or ordinal ballots, "
                             f"not {election.vote_type!r}")
        self.election = election
        projects = election.projects
        count = len(projects)
        self.ids = [p.id for p in projects]
        self.costs: list[Number] = [exact(p.cost) for p in projects]
        indices = election.indices
        self.supporter_counts = np.bincount(indices, minlength=count).astype(np.int64)
        if election.vote_type == CUMULATIVE and election.points is not None:
            points = election.points
            if points.dtype == object:
                totals: list[Number] = [0] * count
                for i, pt in zip(indices.tolist(), points.tolist(), strict=True):
                    totals[i] += pt
                self.scores: list[Number] = [exact(t) for t in totals]
            else:
                sums = np.zeros(count, dtype=np.int64)
                np.add.at(sums, indices, points)
                self.scores = [int(s) for s in sums]
        elif election.vote_type == ORDINAL:
            sums = np.zeros(count, dtype=np.int64)
            np.add.at(sums, indices, rank_points(election.indptr))
            self.scores = [int(s) for s in sums]
        else:
            self.scores = [int(s) for s in self.supporter_counts]
        rank = {pid: r for r, pid in enumerate(sorted(self.ids))}
        self.rank = [rank[pid] for pid in self.ids]
        self._engine: MesEngine | None = None

    def engine(self) -> MesEngine:
        if self._engine is None:
            election = self.election
            supporters, weights = ballot_groups(election.indptr, election.indices, len(self.ids))
            self._engine = MesEngine(self.ids, self.costs, supporters, election.num_ballots, weights)
        return self._engine

    def greedy(self, budget: Number, *, initial: list[int], threshold: Number | None,
               ) -> tuple[list[int], dict[int, Reason]]:
        """pabutools' additive greedy from `initial`: by score (0 for a project that costs 0), ties by id."""
        chosen = set(initial)
        left = budget - sum((self.costs[p] for p in initial), 0)
        order = sorted((p for p in range(len(self.ids)) if p not in chosen),
                       key=lambda p: (-(self.scores[p] if self.costs[p] > 0 else 0), self.rank[p]))
        selected: list[int] = []
        reasons: dict[int, Reason] = {}
        for p in order:
            if threshold is not None and self.scores[p] < threshold:
                reasons[p] = Reason.BELOW_THRESHOLD
            elif self.costs[p] <= left:
                selected.append(p)
                left -= self.costs[p]
                reasons[p] = Reason.FUNDED
            else:
                reasons[p] = Reason.DID_NOT_FIT
        return selected, reasons

    def total_cost(self, selection: list[int]) -> Number:
        return sum((self.costs[p] for p in selection), 0)

    def is_exhaustive(self, selection: list[int], budget: Number) -> bool:
        chosen = set(selection)
        spent = self.total_cost(selection)
        return not any(p not in chosen and spent + self.costs[p] <= budget for p in range(len(self.ids)))

    def mes_complete(self, budget: Number) -> tuple[list[int], list[int], int]:
        """(equal-shares part, completion part, equal-shares runs) as pabutools' exhaustion + completion."""
        engine = self.engine()
        step = Fraction(budget) / 100  # exhaustion_by_budget_increase's default budget_step
        bound = budget * (self.election.num_ballots + 1)  # and its default budget_bound
        everything = set(engine.candidates)
        current: Number = budget
        previous: list[int] = []
        runs = 0
        while current <= bound:
            outcome = engine.run(current)
            runs += 1
            if self.total_cost(outcome) > budget:
                break
            previous = outcome
            if self.is_exhaustive(outcome, budget):
                break
            # Every supported project funded and still not exhaustive: larger budgets fund the same set up to
            # the bound (each voter alone could then pay for any project), so pabutools' loop would end here too.
            # A zero fund gives a zero step: pabutools would loop for ever, the outcome cannot change.
            if set(outcome) == everything or step == 0:
                break
            current += step
        if self.is_exhaustive(previous, budget):
            return previous, [], runs
        completion, _ = self.greedy(budget, initial=previous, threshold=None)
        return previous, completion, runs


def rank_points(indptr: np.ndarray) -> np.ndarray:
    """Points of each ranked entry (CSR order) under the rank-points rule for ordinal ballots: on a ballot
    ranking k projects the first gets k points, the second k - 1, ..., the last 1 (a Borda count over the
    projects the voter ranked; projects left off get nothing)."""
    lengths = np.diff(indptr)
    position = np.arange(int(indptr[-1]), dtype=np.int64) - np.repeat(indptr[:-1], lengths)
    return np.repeat(lengths, lengths) - position


def ballot_groups(indptr: np.ndarray, indices: np.ndarray, count: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Voters grouped by approval set (the order on the ballot and points do not matter to equal shares with
    cost satisfaction): (for each project, the groups naming it; voters per group). Empty ballots form no
    group. Work is per ballot length, so memory stays proportional to the number of votes."""
    lengths = np.diff(indptr)
    entries = indices.astype(np.int64)
    pair_projects: list[np.ndarray] = []
    pair_groups: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    offset = 0
    for length in np.unique(lengths[lengths > 0]).tolist():
        starts = indptr[:-1][lengths == length]
        rows = np.sort(entries[starts[:, None] + np.arange(length)], axis=1)  # a ballot's ids, ascending
        if count ** length < 2**62:  # the set as one integer (a number in base `count`): a fast unique
            keys = rows @ (count ** np.arange(length, dtype=np.int64))
        else:
            keys = np.ascontiguousarray(rows).view(np.dtype((np.void, 8 * length))).ravel()
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        sets = rows[first]
        pair_projects.append(sets.ravel())
        pair_groups.append(np.repeat(np.arange(offset, offset + len(sets), dtype=np.int64), length))
        weights.append(counts.astype(np.int64))
        offset += len(sets)
    if not weights:
        return [np.zeros(0, dtype=np.int64) for _ in range(count)], np.zeros(0, dtype=np.int64)
    projects = np.concatenate(pair_projects)
    groups = np.concatenate(pair_groups)
    order = np.argsort(projects, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(projects, minlength=count))))
    by_project = groups[order]
    return [by_project[bounds[p]:bounds[p + 1]] for p in range(count)], np.concatenate(weights)


def tally(election: Election, rule: str, *, threshold: Number | str | None = None) -> TallyResult:
    """Tally `election` with `rule` (one of RULES). For greedy-threshold the threshold defaults to the
    election's `min_project_score_threshold` meta value."""
    if rule not in RULES:
        raise TallyError(f"unknown rule {rule!r}; choose one of: {', '.join(RULES)}")
    prepared = _Prepared(election)
    budget = exact(election.budget)
    limit: Number | None = None
    runs = 0
    reasons: dict[int, Reason] = {}
    if rule in (GREEDY, GREEDY_THRESHOLD):
        if rule == GREEDY_THRESHOLD:
            raw = threshold if threshold is not None else election.meta.get(THRESHOLD_META_KEY)
            if raw is None or raw == "":
                raise TallyError(f"greedy-threshold needs a threshold ({THRESHOLD_META_KEY} in META or --threshold)")
            try:
                limit = exact(raw)
            except (ValueError, TypeError, ZeroDivisionError) as exc:
                raise TallyError(f"threshold {raw!r} is not a number") from exc
        order, reasons = prepared.greedy(budget, initial=[], threshold=limit)
    elif rule == MES:
        order = prepared.engine().run(budget)
        reasons = dict.fromkeys(order, Reason.FUNDED)
    else:
        mes_part, completion, runs = prepared.mes_complete(budget)
        order = mes_part + completion
        reasons = dict.fromkeys(mes_part, Reason.FUNDED)
        reasons.update(dict.fromkeys(completion, Reason.FUNDED_IN_COMPLETION))
    funded = set(order)
    outcomes = []
    for p, project in enumerate(election.projects):
        reason = reasons.get(p)
        if reason is None:
            if rule == MES:
                has_support = prepared.supporter_counts[p] > 0 and prepared.costs[p] > 0
                reason = Reason.NOT_AFFORDABLE if has_support else Reason.NO_SUPPORTERS
            else:
                reason = Reason.DID_NOT_FIT
        outcomes.append(ProjectOutcome(id=project.id, cost=prepared.costs[p], score=prepared.scores[p],
                                       supporters=int(prepared.supporter_counts[p]), funded=p in funded,
                                       reason=reason))
    return TallyResult(rule=rule, budget=budget, selected=[prepared.ids[p] for p in order],
                       cost=prepared.total_cost(order), projects=outcomes, threshold=limit,
                       budget_increase_runs=runs)


def split_by_category(election: Election, funds: Mapping[str, Number]) -> dict[str, Election]:
    """One election per category: its projects, the ballots restricted to them (ballots with no vote in
    the category are left out, so equal shares go to the category's own voters), and its fund."""
    categories = [p.category for p in election.projects]
    missing = sorted(set(categories) - set(funds))
    if missing:
        raise TallyError(f"no fund given for categories: {', '.join(missing)}")
    out: dict[str, Election] = {}
    voter_of = np.repeat(np.arange(election.num_ballots), np.diff(election.indptr))
    for category, fund in funds.items():
        positions = np.array([i for i, c in enumerate(categories) if c == category], dtype=np.int64)
        remap = np.full(len(election.projects), -1, dtype=np.int32)
        remap[positions] = np.arange(len(positions), dtype=np.int32)
        keep = remap[election.indices] >= 0
        kept_voters = voter_of[keep]
        per_voter = np.bincount(kept_voters, minlength=election.num_ballots)
        per_voter = per_voter[per_voter > 0]
        indptr = np.concatenate(([0], np.cumsum(per_voter))).astype(np.int64)
        points = election.points[keep] if election.points is not None else None
        out[category] = Election(projects=[election.projects[int(i)] for i in positions], budget=exact(fund),
                                 vote_type=election.vote_type, indptr=indptr,
                                 indices=remap[election.indices[keep]], points=points,
                                 meta=dict(election.meta))
    return out


def tally_by_category(projects: list[Project], ballots: list, funds: Mapping[str, Number], rule: str, *,
                      vote_type: str | None = None, threshold: Number | None = None) -> dict[str, TallyResult]:
    """The budgeting app's entry point: each category's projects tallied against its own fund."""
    election = Election.from_ballots(projects, ballots, budget=0, vote_type=vote_type)
    return {category: tally(sub, rule, threshold=threshold)
            for category, sub in split_by_category(election, funds).items()}
