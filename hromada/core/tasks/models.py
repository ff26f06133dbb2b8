from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledTick(models.Model):
    """One firing of a periodic task (``settings.TASK_SCHEDULE``): the scheduler that inserts the row
    enqueues the task in the same transaction, so two schedulers never both fire one tick."""

    name = models.CharField(_("schedule"), max_length=100)
    tick_at = models.DateTimeField(_("tick"))
    fired_at = models.DateTimeField(_("fired at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled tick")
        verbose_name_plural = _("scheduled ticks")
        constraints = [models.UniqueConstraint(fields=["name", "tick_at"], name="one_firing_per_tick")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.tick_at:%Y-%m-%d %H:%M}"
