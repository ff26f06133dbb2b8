"""Queue the petition deadline jobs for every active community (run it from cron every few minutes)."""

from django.core.management.base import BaseCommand

from hromada.apps.communities.models import Community
from hromada.apps.petitions.tasks import petition_close_expired, petition_flag_overdue
from hromada.core.jobs import enqueue


class Command(BaseCommand):
    help = "Queue jobs that forward expired petitions and report overdue consideration, for every community."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run the jobs here instead of queueing them")

    def handle(self, *args, **options):
        from hromada.core import tenancy

        communities = list(Community.objects.filter(is_active=True))
        for community in communities:
            if options["now"]:
                with tenancy.scope(community):
                    petition_close_expired(community_id=community.pk)
                    petition_flag_overdue(community_id=community.pk)
            else:
                enqueue(petition_close_expired, community_id=community.pk, on_commit=False)
                enqueue(petition_flag_overdue, community_id=community.pk, on_commit=False)
        self.stdout.write(f"petition deadlines {'checked' if options['now'] else 'queued'} "
                          f"for {len(communities)} communities")
