"""Background tasks of appeals. The scheduler (settings.TASK_SCHEDULE) runs `appeals_reminders_all`
daily; it enqueues `appeals_reminders` for every active community."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hromada.apps.accounts.models import Role, StaffRole
from hromada.apps.appeals.models import OPEN_STATUSES, Appeal
from hromada.apps.communities.models import Community
from hromada.core.calendar import kyiv_date
from hromada.core.notifications.services import notify
from hromada.core.tasks import enqueue_per_community, scoped

NEAR_DAYS = 3


def send_reminders(community: Community) -> int:
    """One daily message to each executor (their departments) and controller (all) about overdue and
    near-deadline appeals. Idempotent per person and day. Returns the number of messages queued."""
    now = timezone.now()
    today = kyiv_date(now).isoformat()
    rows = (Appeal.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now + timedelta(days=NEAR_DAYS))
            .values_list("department_id", "due_at"))
    overdue: Counter = Counter()
    near: Counter = Counter()
    for department_id, due_at in rows:
        (overdue if due_at < now else near)[department_id] += 1
    if not overdue and not near:
        return 0
    sent = 0
    with transaction.atomic():
        for role in StaffRole.objects.filter(role__in=(Role.EXECUTOR, Role.CONTROLLER, Role.ADMIN)).select_related(
                "user"):
            if role.role == Role.EXECUTOR:
                late, soon = overdue[role.department_id], near[role.department_id]
            else:
                late, soon = sum(overdue.values()), sum(near.values())
            if not late and not soon:
                continue
            body = (f"Overdue appeals: {late}. Due within {NEAR_DAYS} days: {soon}.\n"
                    f"Прострочених звернень: {late}. Строк спливає протягом {NEAR_DAYS} днів: {soon}.")
            if notify(recipient=role.user, channel="email", kind="appeals.reminder", subject="Appeals: terms",
                      body=body, community=community,
                      idempotency_key=f"appeals-reminder-{community.pk}-{role.user_id}-{role.role}-{today}"):
                sent += 1
    return sent


@task()
@scoped
def appeals_reminders(*, community_id: int) -> None:
    send_reminders(Community.objects.get(pk=community_id))


@task()
def appeals_reminders_all() -> None:
    """Enqueue today's reminders for every active community (periodic)."""
    enqueue_per_community(appeals_reminders)


@task()
@scoped
def scan_ocr(*, community_id: int, scan_id: int) -> None:
    """Recognise the text of a paper letter's scan (runs in the community's scope)."""
    from hromada.apps.appeals.actions import paper_scan_recognise
    from hromada.apps.appeals.models import PaperScan

    scan = PaperScan.objects.filter(pk=scan_id).first()
    if scan is not None:
        paper_scan_recognise(scan=scan)
