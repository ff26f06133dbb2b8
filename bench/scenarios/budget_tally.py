"""Participatory-budget tally: our rules against pabutools on Warsaw 2026, and a synthetic Kyiv-scale cycle.

No server: `NEEDS_SERVER = False`. pabutools (the `dev` extra) runs in the same process, on the same file,
right after ours. Its mes-complete takes about ten minutes here, so it runs only with `--full`; without it
our mes-complete winners are compared with pabutools' winners recorded below (from a full run).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.context import Context
from hromada.apps.budgeting.tally import Election, Project, TallyResult, load, split_by_category, tally

NAME = "budget-tally"
DESCRIPTION = "tally rules on Warsaw 2026 vs pabutools (same run), and a synthetic Kyiv-scale cycle"
NEEDS_SERVER = False

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
WARSAW_2026 = DATA / "Poland_Warszawa_2026.pb"
OUR_RUNS = 7  # our figures are medians of this many runs (at least --rounds)

# pabutools 1.2.3 `completion_by_rule_combination(exhaustion_by_budget_increase(mes, Cost_Sat), greedy Cost_Sat)`
# on Poland_Warszawa_2026.pb, recorded 2026-11-23 (took the seconds below on this machine); sorted ids.
RECORDED_PABUTOOLS_MES_COMPLETE_SECONDS = 620.3
RECORDED_PABUTOOLS_MES_COMPLETE: list[str] = [
    "1008", "1109", "1114", "1208", "1214", "1222", "1227", "1273", "1291", "1310", "1375", "1401", "1425",
    "1454", "1458", "149", "1499", "1510", "1521", "1652", "1664", "1734", "1753", "1786", "1794", "1803",
    "1903", "1926", "1932", "1945", "1952", "1989", "1992", "2067", "214", "2199", "278", "343", "361", "38",
    "644", "732", "795", "800", "802", "855", "89", "915", "922", "93", "932",
]

KYIV_VOTERS = 200_000
KYIV_VOTES = 650_000
KYIV_CATEGORIES = {"city-wide": (320, 1_000_000, 5_000_000, 150_000_000),  # projects, min cost, max cost, fund
                   "small": (680, 50_000, 1_000_000, 80_000_000)}


def _median_seconds(fn: Callable[[], Any], runs: int, cpu: list[float] | None = None) -> tuple[float, list[float], Any]:
    """Median wall-clock seconds of `runs` calls (and each call's CPU seconds appended to `cpu`, if given: on a
    shared machine the process's own CPU time is what the code costs, the wall clock adds the neighbours)."""
    times = []
    value = None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        value = fn()
        times.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), times, value


def _pabutools(rule: str, instance: Any, profile: Any) -> set[str]:
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        outcome = completion_by_rule_combination(
            instance, profile, [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [{"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat}}, {"sat_class": Cost_Sat}])
    return {p.name for p in outcome}


def kyiv_cycle(seed: int = 2019) -> tuple[Election, dict[str, int]]:
    """200,000 voters, exactly 650,000 approvals over two categories; popularity falls off like Zipf."""
    rng = np.random.default_rng(seed)
    projects: list[Project] = []
    funds: dict[str, int] = {}
    for category, (count, low, high, fund) in KYIV_CATEGORIES.items():
        costs = rng.integers(low // 1000, high // 1000, size=count, endpoint=True) * 1000
        projects += [Project(f"{category[0]}{k + 1}", int(c), category=category) for k, c in enumerate(costs)]
        funds[category] = fund
    count = len(projects)
    weights = 1.0 / np.arange(1, count + 1) ** 0.9
    weights = weights[rng.permutation(count)]
    weights /= weights.sum()
    per_voter = rng.integers(1, 6, size=KYIV_VOTERS)  # 1..5 votes, mean 3
    extra = KYIV_VOTES - int(per_voter.sum())  # top up to exactly 650,000: some voters cast one more
    room = np.nonzero(per_voter < 5)[0]
    per_voter[rng.choice(room, size=extra, replace=False)] += 1
    voters = np.repeat(np.arange(KYIV_VOTERS, dtype=np.int64), per_voter)
    chosen = rng.choice(count, size=len(voters), p=weights)
    while True:  # one vote per project per voter: redraw repeats
        keys = voters * count + chosen
        order = np.argsort(keys, kind="stable")
        repeat = np.zeros(len(keys), dtype=bool)
        repeat[order[1:]] = keys[order[1:]] == keys[order[:-1]]
        if not repeat.any():
            break
        chosen[repeat] = rng.choice(count, size=int(repeat.sum()), p=weights)
    indptr = np.concatenate(([0], np.cumsum(per_voter))).astype(np.int64)
    election = Election(projects=projects, budget=sum(funds.values()), vote_type="approval", indptr=indptr,
                        indices=chosen.astype(np.int32))
    return election, funds


def run(ctx: Context) -> dict[str, Any]:
    runs = max(OUR_RUNS, ctx.rounds)
    full = bool(ctx.extra.get("full"))
    figures: dict[str, Any] = {"file": WARSAW_2026.name, "our_runs": runs}

    parse_s, _, election = _median_seconds(lambda: load(WARSAW_2026), 3)
    figures["parse_s"] = round(parse_s, 4)
    figures["ballots"] = election.num_ballots
    figures["projects"] = len(election.projects)
    ctx.log(f"parsed {WARSAW_2026.name}: {election.num_ballots} ballots, {len(election.projects)} projects, "
            f"{parse_s:.3f} s (median of 3)")

    from pabutools.election import parse_pabulib

    started = time.perf_counter()
    instance, profile = parse_pabulib(str(WARSAW_2026))
    figures["pabutools_parse_s"] = round(time.perf_counter() - started, 2)

    rules: dict[str, Any] = {}
    for rule in ("greedy", "greedy-threshold", "mes", "mes-complete"):
        def one(r: str = rule) -> TallyResult:
            return tally(election, r)

        median, times, result = _median_seconds(one, runs)
        entry: dict[str, Any] = {"ours_s": round(median, 4), "ours_runs_s": [round(t, 4) for t in times],
                                 "selected": len(result.selected), "cost": int(result.cost)}
        ours = set(result.selected)
        if rule == "greedy-threshold":
            official = {p.id for p in election.projects if p.extra.get("selected") == "1"}
            entry["identical_to_official"] = ours == official
        elif rule != "mes-complete" or full:
            ctx.log(f"  pabutools {rule} ...")
            started = time.perf_counter()
            theirs = _pabutools(rule, instance, profile)
            took = time.perf_counter() - started
            entry.update(pabutools_s=round(took, 2), speedup=round(took / median, 1), identical=ours == theirs)
        else:
            entry["pabutools"] = "not run (pass --full: about 600 s)"
            if RECORDED_PABUTOOLS_MES_COMPLETE:
                entry["identical_to_recorded_pabutools"] = ours == set(RECORDED_PABUTOOLS_MES_COMPLETE)
                entry["recorded_pabutools_s"] = RECORDED_PABUTOOLS_MES_COMPLETE_SECONDS
                entry["speedup_vs_recorded"] = round(RECORDED_PABUTOOLS_MES_COMPLETE_SECONDS / median, 1)
        if rule == "mes-complete":
            entry["budget_increase_runs"] = result.budget_increase_runs
        rules[rule] = entry
        ctx.log(f"  {rule}: {entry}")
        key = rule.replace("-", "_")
        figures[f"warsaw_{key}_s"] = entry["ours_s"]
        for name in ("pabutools_s", "speedup", "identical", "identical_to_official", "identical_to_recorded_pabutools"):
            if name in entry:
                figures[f"warsaw_{key}_{name}"] = entry[name]
    figures["rules"] = rules

    started = time.perf_counter()
    kyiv, funds = kyiv_cycle()
    figures["kyiv_generate_s"] = round(time.perf_counter() - started, 2)
    figures["kyiv_voters"], figures["kyiv_votes"] = kyiv.num_ballots, kyiv.num_votes
    kyiv_rules: dict[str, Any] = {}
    for rule in ("greedy", "mes", "mes-complete"):
        def cycle(r: str = rule) -> dict[str, Any]:
            return {c: tally(e, r) for c, e in split_by_category(kyiv, funds).items()}

        cpu: list[float] = []
        median, times, results = _median_seconds(cycle, max(3, ctx.rounds), cpu)
        kyiv_rules[rule] = {"s": round(median, 4), "runs_s": [round(t, 4) for t in times],
                            "cpu_s": round(statistics.median(cpu), 4), "cpu_runs_s": [round(t, 4) for t in cpu],
                            "selected": {c: len(r.selected) for c, r in results.items()}}
        if rule == "mes-complete":
            kyiv_rules[rule]["budget_increase_runs"] = {c: r.budget_increase_runs for c, r in results.items()}
        figures[f"kyiv_{rule.replace('-', '_')}_s"] = round(median, 4)
        figures[f"kyiv_{rule.replace('-', '_')}_cpu_s"] = round(statistics.median(cpu), 4)
        ctx.log(f"  kyiv {rule}: {kyiv_rules[rule]}")
    figures["kyiv"] = kyiv_rules
    return figures
