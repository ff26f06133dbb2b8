from django.core.management.base import BaseCommand, CommandError

from hromada.apps.communities.models import Community
from hromada.apps.services.importing import export_csv, export_json
from hromada.core import tenancy


class Command(BaseCommand):
    help = ("Write a community's register of administrative services to standard output as CSV or JSON (also: "
            "`hromada services-export SLUG --format csv|json`); `services-import` reads it back.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["csv", "json"], default="json")
        parser.add_argument("--output", "-o", help="a file to write instead of standard output")

    def handle(self, *args, slug, format, output=None, **options):  # noqa: A002 - the option's name
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise CommandError(f"No community with slug {slug!r}.")
        with tenancy.scope(community):
            data = export_csv() if format == "csv" else export_json()
        if output:
            with open(output, "wb") as out:
                out.write(data)
            return
        self.stdout.write(data.decode(), ending="")
