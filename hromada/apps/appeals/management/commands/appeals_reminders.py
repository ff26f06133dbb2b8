from django.core.management.base import BaseCommand

from hromada.apps.appeals.tasks import appeals_reminders
from hromada.apps.communities.models import Community
from hromada.core.jobs import enqueue


class Command(BaseCommand):
    help = "Queue today's reminders about overdue and near-deadline appeals for every community (run daily)."

    def handle(self, *args, **options):
        for community in Community.objects.filter(is_active=True):
            enqueue(appeals_reminders, community_id=community.pk, on_commit=False)
        self.stdout.write("queued")
