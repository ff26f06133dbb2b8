"""`hromada opendata refresh SLUG [KEY ...]` and `hromada opendata tick [--now]`."""

from django.core.management.base import BaseCommand, CommandError

from hromada.apps.communities.models import Community
from hromada.apps.opendata import actions, registry
from hromada.core import tenancy


class Command(BaseCommand):
    help = "Open data: refresh a community's platform data sets now, or queue the due refreshes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        refresh = sub.add_parser("refresh", help="refresh every platform data set of a community now")
        refresh.add_argument("slug")
        refresh.add_argument("keys", nargs="*", help="only these data sets (default: all)")
        tick = sub.add_parser("tick", help="queue the refresh of due data sets for every community (cron)")
        tick.add_argument("--now", action="store_true", help="refresh here instead of queueing")

    def handle(self, *args, **options):
        if options["subcommand"] == "refresh":
            self.refresh(options["slug"], options["keys"])
        else:
            self.tick(options["now"])

    def refresh(self, slug: str, keys: list[str]) -> None:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise CommandError(f"no community {slug!r}")
        unknown = [k for k in keys if registry.get(k) is None]
        if unknown:
            raise CommandError(f"unknown data sets: {', '.join(unknown)}; "
                               f"known: {', '.join(s.key for s in registry.registered())}")
        with tenancy.scope(community):
            if keys:
                actions.ensure_platform_datasets(community=community)
                datasets = [actions.platform_dataset_refresh(community=community, key=k) for k in keys]
            else:
                datasets = actions.platform_datasets_refresh(community=community)
            for dataset in datasets:
                sizes = ", ".join(f"{r.format} {r.size or 0} B" for r in dataset.resources.all())
                self.stdout.write(f"  {dataset.identifier} {dataset.name}: {sizes}")
        self.stdout.write(self.style.SUCCESS(f"refreshed {len(datasets)} data sets of {slug}"))

    def tick(self, now: bool) -> None:
        from hromada.apps.opendata.tasks import refresh_due, refresh_due_all

        communities = list(Community.objects.filter(is_active=True))
        for community in communities:
            if now:
                with tenancy.scope(community):
                    refresh_due.call(community_id=community.pk)
        if not now:
            refresh_due_all.call()
        self.stdout.write(f"open-data refresh {'done' if now else 'queued'} for {len(communities)} communities")
