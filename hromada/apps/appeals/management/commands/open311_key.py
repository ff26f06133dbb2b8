from django.core.management.base import BaseCommand, CommandError

from hromada.apps.appeals import actions
from hromada.apps.communities.models import Community
from hromada.core import tenancy


class Command(BaseCommand):
    help = "Issue an Open311 api_key for a client of a community and print it (also: `hromada open311-key`)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("client_name")

    def handle(self, *args, slug, client_name, **options):
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise CommandError(f"No community with slug {slug!r}.")
        with tenancy.scope(community):
            _client, api_key = actions.open311_key_issue(community=community, name=client_name, by=None)
        self.stdout.write(api_key)
