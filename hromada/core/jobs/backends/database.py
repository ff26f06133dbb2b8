"""Jobs as rows of :class:`~hromada.core.jobs.models.Job`; no extra service needed.

Claiming uses ``SELECT ... FOR UPDATE SKIP LOCKED`` where the database has it (PostgreSQL)
and a conditional ``UPDATE ... WHERE status = ...`` otherwise (SQLite serialises writers).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from hromada.core.jobs.backends.base import Backend, Delivery, lease_seconds
from hromada.core.jobs.models import Job, JobStatus


def _claimable(now) -> Q:
    return Q(status=JobStatus.QUEUED, run_after__lte=now) | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)


class DatabaseBackend(Backend):
    transactional = True

    def push(self, queue: str, name: str, payload: dict[str, Any], *, delay_seconds: float = 0,
             max_attempts: int = 5) -> None:
        Job.objects.create(queue=queue, name=name, payload=payload, max_attempts=max_attempts,
                           run_after=timezone.now() + timedelta(seconds=delay_seconds))

    def claim(self, queue: str, worker_id: str, timeout: float) -> Delivery | None:
        job = self._claim_once(queue, worker_id)
        if job is None:
            if timeout >= 0.1:
                time.sleep(min(timeout, 0.5))
            return None
        return Delivery(id=str(job.pk), queue=job.queue, name=job.name, payload=job.payload,
                        attempts=job.attempts, max_attempts=job.max_attempts, raw=job.pk)

    def _claim_once(self, queue: str, worker_id: str) -> Job | None:
        now = timezone.now()
        claimed = {
            "status": JobStatus.RUNNING,
            "attempts": F("attempts") + 1,
            "locked_by": worker_id,
            "lease_expires_at": now + timedelta(seconds=lease_seconds()),
        }
        candidates = Job.objects.filter(queue=queue).filter(_claimable(now)).order_by("run_after", "id")
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                pk = candidates.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
                if pk is None:
                    return None
                Job.objects.filter(pk=pk).update(**claimed)
            return Job.objects.get(pk=pk)
        for pk in list(candidates.values_list("pk", flat=True)[:10]):
            # Only one worker's UPDATE matches the still-claimable row.
            if Job.objects.filter(pk=pk).filter(_claimable(now)).update(**claimed):
                return Job.objects.get(pk=pk)
        return None

    def heartbeat(self, delivery: Delivery, worker_id: str) -> None:
        Job.objects.filter(pk=delivery.raw, locked_by=worker_id, status=JobStatus.RUNNING).update(
            lease_expires_at=timezone.now() + timedelta(seconds=lease_seconds()))

    def complete(self, delivery: Delivery, worker_id: str) -> None:
        Job.objects.filter(pk=delivery.raw).update(status=JobStatus.DONE, finished_at=timezone.now(),
                                                   lease_expires_at=None)

    def retry(self, delivery: Delivery, worker_id: str, *, delay_seconds: float, error: str) -> None:
        Job.objects.filter(pk=delivery.raw).update(
            status=JobStatus.QUEUED, run_after=timezone.now() + timedelta(seconds=delay_seconds),
            last_error=error, locked_by="", lease_expires_at=None)

    def fail(self, delivery: Delivery, worker_id: str, *, error: str) -> None:
        Job.objects.filter(pk=delivery.raw).update(status=JobStatus.FAILED, last_error=error,
                                                   finished_at=timezone.now(), lease_expires_at=None)

    def pending_count(self, queue: str) -> int:
        return Job.objects.filter(queue=queue, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count()
