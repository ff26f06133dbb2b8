"""`hromada tally FILE.pb --rule RULE`: tally a pabulib election, print the winners and one JSON line."""

from __future__ import annotations

import json
import time
from fractions import Fraction
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hromada.apps.budgeting.tally import RULES, PabulibError, TallyError, load, tally


def json_number(value: Any) -> int | float:
    """Whole amounts as integers, others as floats (the exact values are in the .pb file)."""
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


class Command(BaseCommand):
    help = ("Tally a pabulib (.pb) approval or cumulative election: prints the selected project ids, one per "
            "line in the order chosen, then one JSON line with rule, selected, cost, budget, seconds (tally "
            "only) and parse_seconds.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to a .pb file")
        parser.add_argument("--rule", required=True, help=f"one of: {', '.join(RULES)}")
        parser.add_argument("--threshold", default=None,
                            help="greedy-threshold: minimum score (default: min_project_score_threshold in META)")
        parser.add_argument("--reasons", action="store_true",
                            help="add every project's votes, cost and why it was or was not funded to the JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rule = options["rule"]
        if rule not in RULES:
            raise CommandError(f"unknown rule {rule!r}; choose one of: {', '.join(RULES)}")
        started = time.perf_counter()
        try:
            election = load(options["file"])
        except PabulibError as exc:
            raise CommandError(f"invalid pabulib file: {exc}") from exc
        parsed = time.perf_counter()
        try:
            result = tally(election, rule, threshold=options["threshold"])
        except TallyError as exc:
            raise CommandError(str(exc)) from exc
        finished = time.perf_counter()
        for project_id in result.selected:
            self.stdout.write(project_id)
        summary: dict[str, Any] = {
            "rule": rule,
            "selected": result.selected,
            "cost": json_number(result.cost),
            "budget": json_number(result.budget),
            "seconds": round(finished - parsed, 6),
            "parse_seconds": round(parsed - started, 6),
            "file": options["file"],
            "vote_type": election.vote_type,
            "projects": len(election.projects),
            "ballots": election.num_ballots,
        }
        if result.threshold is not None:
            summary["threshold"] = json_number(result.threshold)
        if rule == "mes-complete":
            summary["budget_increase_runs"] = result.budget_increase_runs
        if options["reasons"]:
            summary["projects_detail"] = [
                {"id": p.id, "cost": json_number(p.cost), "score": json_number(p.score), "supporters": p.supporters,
                 "funded": p.funded, "reason": str(p.reason)} for p in result.projects]
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
