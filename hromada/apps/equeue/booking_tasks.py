"""Periodic work of bookings (settings.TASK_SCHEDULE): opening the booking horizon, reminders, expiring
waiting-list offers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from hromada.apps.communities.models import Community
from hromada.apps.equeue.actions.booking import tell_person
from hromada.apps.equeue.models import Booking, BookingStatus
from hromada.core.tasks import enqueue_per_community, scoped

DAY_BEFORE = timedelta(hours=24)
SHORTLY = timedelta(hours=2)
REMINDER_BODY = gettext_noop("A reminder of your visit: %(resource)s, %(when)s, %(address)s. Booking number "
                             "%(code)s.\nTo cancel or move it: %(link)s")


def send_reminders(now: datetime | None = None) -> int:
    """A reminder the day before and one two hours before each booking (once each: idempotency keys).
    A booking made within two hours of its time gets only the second. Returns how many were queued."""
    now = now or timezone.now()
    sent = 0
    bookings = (Booking.objects.filter(status=BookingStatus.BOOKED, slot__starts_at__gt=now,
                                       slot__starts_at__lte=now + DAY_BEFORE)
                .select_related("slot", "resource", "person", "community"))
    with transaction.atomic():
        for booking in bookings:
            soon = booking.slot.starts_at - now <= SHORTLY
            which = "2h" if soon else "1d"
            tell_person(booking, kind=f"equeue.reminder.{which}", key=f"equeue-remind-{which}-{booking.uid}",
                        subject=gettext_noop("Reminder: %(resource)s, %(when)s"),
                        body=REMINDER_BODY)
            sent += 1
    return sent


@task()
@scoped
def equeue_open_horizon(*, community_id: int) -> None:
    from hromada.apps.equeue.schedules import open_horizon

    open_horizon(Community.objects.get(pk=community_id))


@task()
def equeue_open_horizon_all() -> None:
    """Make the slots of the days that open next, for every active community (periodic)."""
    enqueue_per_community(equeue_open_horizon)


@task()
@scoped
def equeue_reminders(*, community_id: int) -> None:
    send_reminders()


@task()
def equeue_reminders_all() -> None:
    enqueue_per_community(equeue_reminders)


@task()
@scoped
def equeue_expire_offers(*, community_id: int) -> None:
    from hromada.apps.equeue.actions.waiting import expire_offers

    expire_offers()


@task()
def equeue_expire_offers_all() -> None:
    enqueue_per_community(equeue_expire_offers)
