"""``hromada scheduler``: enqueue the periodic tasks of ``settings.TASK_SCHEDULE`` on their cron times."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the scheduler of periodic tasks (reminders, petition deadlines, open data, pruning)."

    def handle(self, *args: Any, **options: Any) -> None:
        from hromada.core.tasks import scheduler

        schedule = scheduler.build()
        for job in schedule.get_jobs():
            self.stdout.write(f"{job.id}: {job.trigger}")
        try:
            schedule.start()
        except (KeyboardInterrupt, SystemExit):
            pass
