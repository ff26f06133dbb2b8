"""A resource's weekly hours and exceptions, and the slots they make.

A weekday's hours are one or more spans (`ScheduleRule`); the gap between two spans is a break, and two spans
of one weekday may not overlap. An exception replaces a day's hours (other hours, or closed all day). A public
holiday closes the resource unless an exception opens it, except in martial-law mode, where public holidays
are working days (hromada.core.calendar). Slots are made ahead of time for the days up to the end of the
booking horizon; a slot of day D opens for booking at `opens_at` (Kyiv) on day D − `horizon_days`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.equeue.models import Resource, ScheduleException, ScheduleRule, Slot
from hromada.core.api.errors import DomainError
from hromada.core.calendar import KYIV, is_public_holiday, kyiv_date

WEEKDAYS = range(7)


@dataclass(frozen=True)
class Span:
    weekday: int
    starts: time
    ends: time


def _weekday_name(weekday: int) -> str:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    return names[weekday]


def validate_rules(spans: Iterable[Span]) -> list[Span]:
    """The spans in order; DomainError (400) for a span that ends before it starts or two spans of one weekday
    that overlap."""
    ordered = sorted(spans, key=lambda s: (s.weekday, s.starts))
    for span in ordered:
        if span.weekday not in WEEKDAYS:
            raise DomainError(_("Unknown weekday."), code="bad_weekday", field="rules")
        if span.ends <= span.starts:
            raise DomainError(_("%(day)s: working hours must end after they start (%(starts)s–%(ends)s).") % {
                "day": _weekday_name(span.weekday), "starts": span.starts.strftime("%H:%M"),
                "ends": span.ends.strftime("%H:%M")}, code="bad_span", field="rules")
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.weekday == after.weekday and after.starts < before.ends:
            raise DomainError(_("%(day)s: the working hours %(a)s and %(b)s overlap.") % {
                "day": _weekday_name(before.weekday),
                "a": f"{before.starts:%H:%M}–{before.ends:%H:%M}", "b": f"{after.starts:%H:%M}–{after.ends:%H:%M}"},
                code="schedule_overlap", field="rules")
    return ordered


def set_rules(resource: Resource, spans: Sequence[Span]) -> list[ScheduleRule]:
    """Replace the resource's weekly hours with `spans` (validated first: nothing is written if they overlap)."""
    ordered = validate_rules(spans)
    with transaction.atomic():
        ScheduleRule.objects.filter(resource=resource).delete()
        return ScheduleRule.objects.bulk_create([
            ScheduleRule(community_id=resource.community_id, resource=resource, weekday=s.weekday, starts=s.starts,
                         ends=s.ends) for s in ordered])


def spans_of_day(resource: Resource, day: date, *, martial_law: bool,
                 rules: Sequence[ScheduleRule] | None = None,
                 exception: ScheduleException | None | Any = ...) -> list[tuple[time, time]]:
    """The working spans of `resource` on `day`: the exception's, else none on a public holiday (outside
    martial-law mode), else the weekday's rules."""
    if exception is ...:
        exception = ScheduleException.objects.filter(resource=resource, day=day).first()
    if exception is not None:
        if exception.starts is None or exception.ends is None:
            return []
        return [(exception.starts, exception.ends)]
    if not martial_law and is_public_holiday(day):
        return []
    if rules is None:
        rules = list(ScheduleRule.objects.filter(resource=resource, weekday=day.weekday()).order_by("starts"))
    return [(r.starts, r.ends) for r in rules if r.weekday == day.weekday()]


def slot_opening(resource: Resource, day: date) -> datetime:
    """When the slots of `day` open for booking: `opens_at` on the day `horizon_days` before, Kyiv time."""
    opens_at = resource.opens_at
    if isinstance(opens_at, str):  # a new row keeps the field's default as written
        opens_at = time.fromisoformat(opens_at)
    return datetime.combine(day - timedelta(days=resource.horizon_days), opens_at, tzinfo=KYIV)


def slots_for_day(resource: Resource, day: date, *, martial_law: bool, rules: Sequence[ScheduleRule] | None = None,
                  exception: ScheduleException | None | Any = ...) -> list[Slot]:
    """The (unsaved) slots of `resource` on `day`: each span cut into `slot_minutes` pieces (a remainder
    shorter than a slot is left out)."""
    length = timedelta(minutes=resource.slot_minutes)
    opening = slot_opening(resource, day)
    slots = []
    for starts, ends in spans_of_day(resource, day, martial_law=martial_law, rules=rules, exception=exception):
        moment = datetime.combine(day, starts, tzinfo=KYIV)
        end = datetime.combine(day, ends, tzinfo=KYIV)
        while moment + length <= end:
            slots.append(Slot(community_id=resource.community_id, resource=resource, starts_at=moment,
                              ends_at=moment + length, capacity=resource.capacity, opens_at=opening))
            moment += length
    return slots


def make_slots(resource: Resource, days: Iterable[date], *, martial_law: bool | None = None) -> int:
    """Create the slots of `resource` on `days` that do not exist yet (idempotent: a slot is unique by its
    resource and start). Returns how many slots the days have in all."""
    if martial_law is None:
        martial_law = resource.community.martial_law_mode
    days = list(days)
    if not days:
        return 0
    rules = list(ScheduleRule.objects.filter(resource=resource).order_by("weekday", "starts"))
    exceptions = {e.day: e for e in ScheduleException.objects.filter(resource=resource, day__in=days)}
    slots: list[Slot] = []
    for day in days:
        slots += slots_for_day(resource, day, martial_law=martial_law, rules=rules, exception=exceptions.get(day))
    Slot.objects.bulk_create(slots, ignore_conflicts=True, batch_size=1000)
    return len(slots)


def horizon_days(resource: Resource, now: datetime | None = None) -> list[date]:
    """The days whose slots should exist now: today to the end of the horizon, plus the next day to open
    (made ahead, bookable only from its opening moment, so the opening minute writes nothing)."""
    today = kyiv_date(now or timezone.now())
    return [today + timedelta(days=n) for n in range(resource.horizon_days + 2)]


def open_horizon(community: Any, now: datetime | None = None) -> int:
    """Make the missing slots of every active resource of `community` up to the end of its horizon."""
    made = 0
    for resource in Resource.objects.filter(is_active=True).select_related("community"):
        made += make_slots(resource, horizon_days(resource, now), martial_law=community.martial_law_mode)
    return made


def slots_needed(service: Any, resource: Resource) -> int:
    """How many consecutive slots a visit for `service` takes. Every service takes one slot: a resource's slot
    length is set for the services it serves (decision in docs/decisions.md)."""
    return 1


def free_slots(resource: Resource, start: date, days: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """The bookable slots of `resource` from the day `start` for `days` days: open, not begun, with a free
    place (the partial index of free slots answers it). Plain rows: the surge reads this many times."""
    now = now or timezone.now()
    begin = datetime.combine(start, time(0), tzinfo=KYIV)
    end = begin + timedelta(days=days)
    rows: Any = (Slot.objects.filter(resource_id=resource.pk, starts_at__gte=max(begin, now), starts_at__lt=end,
                                    booked__lt=F("capacity"), opens_at__lte=now)
            .order_by("starts_at").values("id", "starts_at", "ends_at", "capacity", "booked"))
    return [dict(row) for row in rows]
