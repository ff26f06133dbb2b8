"""The daily reminder of terms: each executor hears of their department's service cases past their term or
near it, each controller of all of them. The scheduler (settings.TASK_SCHEDULE) runs `services_reminders_all`
every working morning; it enqueues `services_reminders` for every active community."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from hromada.apps.accounts.models import Role, StaffRole
from hromada.apps.communities.models import Community
from hromada.apps.services import queues
from hromada.core.calendar import kyiv_date
from hromada.core.notifications.models import Message
from hromada.core.notifications.services import notify
from hromada.core.tasks import enqueue_per_community, scoped


def send_reminders(community: Community) -> int:
    """One message a day to each executor (their departments' cases in work) and controller (every undecided
    case) about cases overdue or due within `queues.NEAR_WORKING_DAYS` working days. Idempotent per person and
    day. Returns the number of messages queued."""
    now = timezone.now()
    today = kyiv_date(now).isoformat()
    overdue: Counter = Counter()
    near: Counter = Counter()
    for department_id, due_at in queues.under_control(now).values_list("department_id", "due_at"):
        (overdue if due_at is not None and due_at < now else near)[department_id] += 1
    if not overdue and not near:
        return 0
    sent = 0
    with transaction.atomic():
        for role in (StaffRole.objects.filter(role__in=(Role.EXECUTOR, Role.CONTROLLER))
                     .select_related("user").order_by("pk")):
            if role.role == Role.EXECUTOR:
                late, soon = overdue[role.department_id], near[role.department_id]
            else:
                late, soon = sum(overdue.values()), sum(near.values())
            if not late and not soon:
                continue
            with translation.override(getattr(role.user, "preferred_language", "") or "uk"):
                subject = _("Administrative services: terms")
                body = _("Cases past their term: %(late)s. Due within %(days)s working days: %(soon)s.") % {
                    "late": late, "soon": soon, "days": queues.NEAR_WORKING_DAYS}
            key = f"services-reminder-{community.pk}-{role.user_id}-{role.role}-{today}"
            if Message.objects.filter(idempotency_key=key).exists():
                continue  # told today already
            if notify(recipient=role.user, channel="email", kind="services.reminder", subject=subject, body=body,
                      community=community, idempotency_key=key):
                sent += 1
    return sent


@task()
@scoped
def services_reminders(*, community_id: int) -> None:
    send_reminders(Community.objects.get(pk=community_id))


@task()
def services_reminders_all() -> None:
    """Enqueue today's reminders for every active community (periodic)."""
    enqueue_per_community(services_reminders)
