from django.core.management.base import BaseCommand

from hromada.core.audit.services import publish_day_heads


class Command(BaseCommand):
    help = ("Publish each audit chain's head as it stood at the end of its last finished day (the first append of "
            "a day does it too; run this shortly after midnight for the chains that had no append since).")

    def handle(self, *args, **options):
        published = publish_day_heads()
        self.stdout.write(f"Published {len(published)} day heads.")
