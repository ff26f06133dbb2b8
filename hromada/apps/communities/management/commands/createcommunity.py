from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hromada.apps.accounts.models import User
from hromada.apps.communities.actions import community_create, staff_name_first_admin
from hromada.apps.communities.models import Community


class Command(BaseCommand):
    help = "Create an empty community: hromada createcommunity SLUG \"NAME\" [--admin EMAIL]"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("name", help="name in Ukrainian")
        parser.add_argument("--name-en", default="")
        parser.add_argument("--kind", default=Community.Kind.CITY, choices=Community.Kind.values)
        parser.add_argument("--domain", default=None, help="own host name, optional")
        parser.add_argument("--admin", default=None, metavar="EMAIL",
                            help="e-mail of an existing account to make the community's first admin")

    def handle(self, *args, **options):
        admin = None
        if options["admin"]:
            admin = User.objects.filter(email__iexact=options["admin"].strip(), is_active=True).first()
            if admin is None:
                raise CommandError(f"admin: there is no active account with the e-mail {options['admin']!r}; "
                                   "register it first (nothing was created)")
        try:
            with transaction.atomic():
                community = community_create(slug=options["slug"], name_uk=options["name"],
                                             name_en=options["name_en"], kind=options["kind"],
                                             domain=options["domain"] or None)
                if admin is not None:
                    staff_name_first_admin(community=community, person=admin)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(self.style.SUCCESS(f"Created community {community.slug}: {community.public_url}"))
        if admin is not None:
            self.stdout.write(f"Community admin: {admin.email} (back office: {community.public_url}office/)")
