from datetime import date, time, timedelta

import pytest

from hromada.apps.equeue import schedules
from hromada.apps.equeue.booking_tasks import equeue_open_horizon_all
from hromada.apps.equeue.models import ScheduleException, ScheduleRule, Slot
from hromada.apps.equeue.schedules import Span
from hromada.core.api.errors import DomainError
from hromada.core.calendar import KYIV

MONDAY = date(2026, 12, 7)
CONSTITUTION_DAY = date(2021, 6, 28)  # a Monday and a public holiday (the package lists none under martial law)


def week(resource):
    return schedules.set_rules(resource, [Span(d, time(9), time(13)) for d in range(5)]
                               + [Span(d, time(14), time(17)) for d in range(5)])


def test_weekly_rules_with_a_break_make_slots_around_it(bscoped):
    w = bscoped
    week(w.window_resource)
    made = schedules.make_slots(w.window_resource, [MONDAY], martial_law=True)
    starts = [s.starts_at.astimezone(KYIV).time() for s in Slot.objects.filter(resource=w.window_resource)]
    assert made == 4 * 4 + 3 * 4
    assert starts[0] == time(9) and time(13) not in starts and time(13, 45) not in starts
    assert time(12, 45) in starts and time(14) in starts and starts[-1] == time(16, 45)
    slot = Slot.objects.filter(resource=w.window_resource).first()
    assert slot.capacity == 1 and slot.booked == 0
    # It opens at 08:00 Kyiv on the day 14 days before.
    assert slot.opens_at.astimezone(KYIV).date() == MONDAY - timedelta(days=14)
    assert slot.opens_at.astimezone(KYIV).time() == time(8)


def test_making_slots_twice_adds_nothing(bscoped):
    week(bscoped.window_resource)
    schedules.make_slots(bscoped.window_resource, [MONDAY], martial_law=True)
    schedules.make_slots(bscoped.window_resource, [MONDAY], martial_law=True)
    assert Slot.objects.filter(resource=bscoped.window_resource).count() == 28


def test_overlapping_spans_are_refused_and_nothing_is_written(bscoped):
    week(bscoped.window_resource)
    with pytest.raises(DomainError) as refused:
        schedules.set_rules(bscoped.window_resource, [Span(0, time(9), time(13)), Span(0, time(12), time(15))])
    assert refused.value.code == "schedule_overlap"
    assert "Monday" in str(refused.value.detail) and "overlap" in str(refused.value.detail)
    assert ScheduleRule.objects.filter(resource=bscoped.window_resource).count() == 10


def test_a_span_ending_before_it_starts_is_refused(bscoped):
    with pytest.raises(DomainError) as refused:
        schedules.validate_rules([Span(2, time(15), time(9))])
    assert refused.value.code == "bad_span"


def test_public_holiday_closed_unless_martial_law_or_an_exception(bscoped):
    w = bscoped
    week(w.window_resource)
    assert schedules.make_slots(w.window_resource, [CONSTITUTION_DAY], martial_law=False) == 0
    assert schedules.make_slots(w.window_resource, [CONSTITUTION_DAY], martial_law=True) == 28
    Slot.objects.all().delete()
    ScheduleException.objects.create(community=w.community, resource=w.window_resource, day=CONSTITUTION_DAY,
                                     starts=time(10), ends=time(12))
    assert schedules.make_slots(w.window_resource, [CONSTITUTION_DAY], martial_law=False) == 8


def test_an_absence_closes_the_day(bscoped):
    w = bscoped
    week(w.window_resource)
    ScheduleException.objects.create(community=w.community, resource=w.window_resource, day=MONDAY, note="Відпустка")
    assert schedules.make_slots(w.window_resource, [MONDAY], martial_law=True) == 0
    assert schedules.make_slots(w.window_resource, [MONDAY + timedelta(days=1)], martial_law=True) == 28


def test_group_slots_carry_the_group_capacity(bscoped):
    schedules.set_rules(bscoped.group, [Span(5, time(10), time(12))])
    schedules.make_slots(bscoped.group, [MONDAY + timedelta(days=5)], martial_law=True)
    assert list(Slot.objects.filter(resource=bscoped.group).values_list("capacity", flat=True)) == [3, 3]


def test_slots_needed_is_one_slot(bscoped):
    assert schedules.slots_needed(bscoped.passport, bscoped.window_resource) == 1


@pytest.mark.django_db
def test_the_periodic_task_opens_the_horizon(bworld):
    from hromada.core import tenancy
    from hromada.core.tasks.worker import run_due_tasks

    with tenancy.scope(bworld.community):
        schedules.set_rules(bworld.doctor, [Span(d, time(9), time(10)) for d in range(7)])
    equeue_open_horizon_all.enqueue()
    run_due_tasks()
    run_due_tasks()
    with tenancy.scope(bworld.community):
        days = {s.starts_at.astimezone(KYIV).date() for s in Slot.objects.filter(resource=bworld.doctor)}
        # today … today + 7, plus the next day to open (not bookable before its hour)
        assert len(days) == bworld.doctor.horizon_days + 2
        count = Slot.objects.filter(resource=bworld.doctor).count()
    equeue_open_horizon_all.enqueue()
    run_due_tasks()
    run_due_tasks()
    with tenancy.scope(bworld.community):
        assert Slot.objects.filter(resource=bworld.doctor).count() == count
