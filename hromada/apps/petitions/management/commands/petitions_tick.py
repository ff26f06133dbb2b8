"""Queue the petition deadline tasks for every active community (the scheduler does it every few minutes)."""

from django.core.management.base import BaseCommand

from hromada.apps.communities.models import Community
from hromada.apps.petitions.tasks import petition_close_expired, petition_flag_overdue, petitions_tick


class Command(BaseCommand):
    help = "Queue tasks that forward expired petitions and report overdue consideration, for every community."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run the tasks here instead of queueing them")

    def handle(self, *args, **options):
        from hromada.core import tenancy

        communities = list(Community.objects.filter(is_active=True))
        for community in communities:
            if options["now"]:
                with tenancy.scope(community):
                    petition_close_expired.call(community_id=community.pk)
                    petition_flag_overdue.call(community_id=community.pk)
        if not options["now"]:
            petitions_tick.call()
        self.stdout.write(f"petition deadlines {'checked' if options['now'] else 'queued'} "
                          f"for {len(communities)} communities")
