from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hromada.apps.communities.models import Community
from hromada.apps.services.importing import RegisterImportError, import_register
from hromada.core import tenancy


class Command(BaseCommand):
    help = ("Import a community's register of administrative services from a .csv or .json file (also: "
            "`hromada services-import SLUG FILE`). All or nothing: on any error nothing is written and every "
            "error is listed by row.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("file")

    def handle(self, *args, slug, file, **options):
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise CommandError(f"No community with slug {slug!r}.")
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        with tenancy.scope(community):
            try:
                result = import_register(community, data, Path(file).name)
            except RegisterImportError as error:
                raise CommandError("Nothing imported.\n" + "\n".join(str(row) for row in error.report)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {result.created} services added, {result.changed} changed, {result.unchanged} unchanged; "
            f"{result.situations} life situations, {result.offices} offices in the file."))
