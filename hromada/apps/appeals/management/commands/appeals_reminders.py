from django.core.management.base import BaseCommand

from hromada.apps.appeals.tasks import appeals_reminders_all


class Command(BaseCommand):
    help = "Queue today's reminders about overdue and near-deadline appeals for every community (run daily)."

    def handle(self, *args, **options):
        appeals_reminders_all.call()
        self.stdout.write("queued")
