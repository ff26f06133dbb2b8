"""Housekeeping of the task queue itself (scheduled in ``settings.TASK_SCHEDULE``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from hromada.core.tasks.models import ScheduledTick
from hromada.core.tasks.recovery import uses_rq


@task()
def prune_finished() -> None:
    """Delete finished task results older than ``TASK_RESULTS_KEEP_DAYS`` (failed ones after
    ``TASK_FAILED_KEEP_DAYS``) and old scheduler ticks. RQ expires its results by itself (result_ttl)."""
    if not uses_rq():
        call_command("prune_db_task_results", min_age_days=settings.TASK_RESULTS_KEEP_DAYS,
                     failed_min_age_days=settings.TASK_FAILED_KEEP_DAYS, queue_name="*", verbosity=0)
    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    ScheduledTick.objects.filter(tick_at__lt=cutoff).delete()
