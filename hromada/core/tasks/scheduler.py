"""The scheduler: enqueues the periodic tasks of ``settings.TASK_SCHEDULE`` on their cron expressions.

APScheduler keeps the clock (cron triggers in ``TASK_SCHEDULE_TIMEZONE``); a firing is one row of
:class:`~hromada.core.tasks.models.ScheduledTick` per schedule and minute, inserted in the same
transaction as the enqueue, so that when two schedulers run (a rolling deploy, a second machine)
only the one whose insert wins enqueues the task. Every minute it also gives the tasks of dead
workers back (:mod:`hromada.core.tasks.recovery`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from hromada.core.tasks import enqueue
from hromada.core.tasks.models import ScheduledTick
from hromada.core.tasks.recovery import recover_abandoned

logger = logging.getLogger("hromada.tasks")


def fire(name: str, tick_at: datetime) -> bool:
    """Enqueue the task of schedule `name` for `tick_at`, unless a scheduler did already."""
    entry: dict[str, Any] = settings.TASK_SCHEDULE[name]
    task = import_string(entry["task"])
    try:
        with transaction.atomic():
            ScheduledTick.objects.create(name=name, tick_at=tick_at)
            enqueue(task, **entry.get("kwargs", {}))
    except IntegrityError:
        logger.info("schedule %s at %s was fired by another scheduler", name, tick_at)
        return False
    logger.info("schedule %s at %s: %s enqueued", name, tick_at, entry["task"])
    return True


def _fire_now(name: str) -> None:
    close_old_connections()
    try:
        fire(name, timezone.now().replace(second=0, microsecond=0))
    finally:
        connections.close_all()  # this thread's connections only


def _recover() -> None:
    close_old_connections()
    try:
        recover_abandoned()
    finally:
        connections.close_all()


def build(*, background: bool = False) -> Any:
    """An APScheduler scheduler with one cron job per entry of ``TASK_SCHEDULE`` (not started)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    zone = ZoneInfo(settings.TASK_SCHEDULE_TIMEZONE)
    scheduler_class = BackgroundScheduler if background else BlockingScheduler
    scheduler = scheduler_class(timezone=zone, job_defaults={"coalesce": True, "max_instances": 1,
                                                             "misfire_grace_time": 50})
    for name, entry in settings.TASK_SCHEDULE.items():
        scheduler.add_job(_fire_now, CronTrigger.from_crontab(entry["cron"], timezone=zone), args=[name], id=name,
                          name=entry["task"])
    scheduler.add_job(_recover, "interval", seconds=settings.TASK_RECOVERY_INTERVAL, id="recover-abandoned")
    return scheduler
