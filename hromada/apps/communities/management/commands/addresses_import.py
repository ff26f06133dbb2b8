from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hromada.apps.communities.actions import addresses_import
from hromada.apps.communities.models import Community
from hromada.core import tenancy


class Command(BaseCommand):
    help = ("Load a community's address register from a CSV file with the columns street, house, latitude, "
            "longitude and optionally district (also: `hromada addresses-import SLUG FILE.csv`). All rows or none.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true",
                            help="remove register addresses that are not in the file")

    def handle(self, *args, slug, file, replace, **options):
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise CommandError(f"No community with slug {slug!r}.")
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        with tenancy.scope(community):
            try:
                result = addresses_import(community=community, data=data, by=None, replace=replace,
                                          file_name=Path(file).name)
            except ValidationError as error:
                raise CommandError("Nothing imported.\n" + "\n".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"{result.total} addresses in the file: {result.created} added, {result.updated} changed, "
            f"{result.deleted} removed."))
