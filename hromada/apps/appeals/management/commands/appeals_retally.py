from django.core.management.base import BaseCommand, CommandError

from hromada.apps.appeals import tallies
from hromada.apps.communities.models import Community
from hromada.core import tenancy


class Command(BaseCommand):
    help = ("Recompute the appeals dashboard's tallies from the appeals (after a bulk load or a restore; "
            "the actions keep them current otherwise). Every community, or the ones named.")

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="community slugs (default: all)")

    def handle(self, *args, **options):
        communities = Community.objects.all()
        if options["slugs"]:
            communities = communities.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(communities.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown community: {', '.join(sorted(missing))}")
        for community in communities:
            with tenancy.scope(community):
                tallies.rebuild(community.pk)
            self.stdout.write(f"{community.slug}: tallies rebuilt")
