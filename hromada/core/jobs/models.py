from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")  # waiting for run_after
    RUNNING = "running", _("running")  # claimed by locked_by until lease_expires_at
    DONE = "done", _("done")  # finished successfully
    FAILED = "failed", _("failed")  # gave up after max_attempts


class Job(models.Model):
    """A job of the database backend."""

    queue = models.CharField(_("queue"), max_length=100, default="default")
    name = models.CharField(_("job"), max_length=200)
    payload = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=5)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    locked_by = models.CharField(_("worker"), max_length=200, blank=True, default="")
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["queue", "status", "run_after"]),
            models.Index(fields=["status", "lease_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"
