"""`hromada budget_repseudonymise [SLUG…]`: re-key the published voter ids with PSEUDONYM_KEY.

Run once after setting PSEUDONYM_KEY on an installation whose ballots were cast while the
SECRET_KEY keyed the ids; idempotent (a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hromada.apps.budgeting.actions import ballot_pseudonyms_renew
from hromada.apps.budgeting.models import Cycle
from hromada.core import tenancy


class Command(BaseCommand):
    help = "Recompute every ballot's de-identified voter id with PSEUDONYM_KEY (all communities, or SLUG…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="communities (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        with tenancy.scope(all_communities=True):
            cycles = Cycle.objects.select_related("community").order_by("community__slug", "pk")
            if options["slugs"]:
                cycles = cycles.filter(community__slug__in=options["slugs"])
            for cycle in cycles:
                changed = ballot_pseudonyms_renew(cycle=cycle)
                self.stdout.write(f"{cycle.community.slug}/{cycle.slug}: {changed} ballots")
