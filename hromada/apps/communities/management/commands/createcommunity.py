from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hromada.apps.communities.actions import community_create
from hromada.apps.communities.models import Community


class Command(BaseCommand):
    help = "Create an empty community: hromada createcommunity SLUG \"NAME\""

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("name", help="name in Ukrainian")
        parser.add_argument("--name-en", default="")
        parser.add_argument("--kind", default=Community.Kind.CITY, choices=Community.Kind.values)
        parser.add_argument("--domain", default=None, help="own host name, optional")

    def handle(self, *args, **options):
        try:
            community = community_create(slug=options["slug"], name_uk=options["name"], name_en=options["name_en"],
                                         kind=options["kind"], domain=options["domain"] or None)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(self.style.SUCCESS(f"Created community {community.slug}: {community.public_url}"))
