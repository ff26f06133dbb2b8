"""Statutory terms as a resident and an official count them: in Kyiv time, in working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hromada.core import calendar


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 3, 2), 0, date(2026, 3, 2)),
    (date(2026, 3, 2), 1, date(2026, 3, 3)),
    (date(2026, 3, 2), 30, date(2026, 4, 1)),
    (date(2026, 2, 20), 15, date(2026, 3, 7)),  # crosses the end of February; lands on a Saturday
    (date(2024, 2, 28), 1, date(2024, 2, 29)),  # leap year
])
def test_calendar_days(start, days, expected):
    assert calendar.add_calendar_days(start, days) == expected


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 3, 2), 1, date(2026, 3, 3)),  # Monday -> Tuesday
    (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday -> Monday, weekend skipped
    (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday -> Monday
    (date(2026, 3, 2), 5, date(2026, 3, 9)),  # a full week
    (date(2026, 3, 2), 10, date(2026, 3, 16)),
    (date(2026, 3, 2), 0, date(2026, 3, 2)),
])
def test_working_days_skip_weekends(start, days, expected):
    assert calendar.add_working_days(start, days) == expected


@pytest.mark.parametrize("day", [date(2026, 3, 7), date(2026, 3, 8)])
def test_weekend_is_never_a_working_day(day):
    assert not calendar.is_working_day(day)
    assert not calendar.is_working_day(day, martial_law=False)


@pytest.mark.parametrize(("holiday", "name"), [
    (date(2021, 1, 1), "New Year"),
    (date(2021, 3, 8), "Women"),
    (date(2021, 6, 28), "Constitution"),
    (date(2021, 8, 24), "Independence"),
    (date(2021, 10, 14), "defenders"),
])
def test_public_holidays_are_known(holiday, name):
    import holidays

    assert name.lower() in holidays.country_holidays("UA", years=holiday.year)[holiday].lower()
    assert calendar.is_public_holiday(holiday)


@pytest.mark.parametrize("holiday", [date(2021, 1, 1), date(2021, 8, 24), date(2021, 6, 28)])
def test_martial_law_mode_counts_holidays_as_working_days(holiday):
    assert calendar.is_working_day(holiday)
    assert calendar.is_working_day(holiday, martial_law=True)
    assert not calendar.is_working_day(holiday, martial_law=False)


@pytest.mark.parametrize(("start", "days", "martial", "peaceful"), [
    # Mon 23 Aug 2021 was a transferred day off, Tue 24 Aug Independence Day.
    (date(2021, 8, 20), 1, date(2021, 8, 23), date(2021, 8, 25)),
    (date(2021, 8, 20), 3, date(2021, 8, 25), date(2021, 8, 27)),
    # Thu 31 Dec 2020 + 1: Fri 1 Jan 2021 is New Year's Day.
    (date(2020, 12, 31), 1, date(2021, 1, 1), date(2021, 1, 4)),
    # Fri 25 Jun 2021 + 1: Mon 28 Jun is Constitution Day.
    (date(2021, 6, 25), 1, date(2021, 6, 28), date(2021, 6, 29)),
])
def test_holidays_are_skipped_only_outside_martial_law(start, days, martial, peaceful):
    assert calendar.add_working_days(start, days) == martial
    assert calendar.add_working_days(start, days, martial_law=False) == peaceful


def test_kyiv_date_boundary_in_summer():
    # 22:30 UTC on 14 July is 01:30 on 15 July in Kyiv (UTC+3).
    moment = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)
    assert calendar.kyiv_date(moment) == date(2026, 7, 15)
    assert calendar.add_calendar_days(moment, 1) == date(2026, 7, 16)
    # Wednesday 15 July in Kyiv: +2 working days is Friday 17.
    assert calendar.add_working_days(moment, 2) == date(2026, 7, 17)


def test_kyiv_date_boundary_in_winter():
    # Kyiv is UTC+2 in winter: 21:30 UTC is 23:30 the same day, 22:30 UTC is past midnight.
    assert calendar.kyiv_date(datetime(2026, 1, 14, 21, 30, tzinfo=UTC)) == date(2026, 1, 14)
    assert calendar.kyiv_date(datetime(2026, 1, 14, 22, 30, tzinfo=UTC)) == date(2026, 1, 15)


def test_friday_evening_utc_is_already_saturday_in_kyiv():
    # Fri 17 July 2026 22:30 UTC = Sat 01:30 in Kyiv: one working day later is Monday, not Monday+1.
    moment = datetime(2026, 7, 17, 22, 30, tzinfo=UTC)
    assert calendar.add_working_days(moment, 1) == date(2026, 7, 20)


@pytest.mark.parametrize("func", [
    lambda m: calendar.kyiv_date(m),
    lambda m: calendar.add_calendar_days(m, 1),
    lambda m: calendar.add_working_days(m, 1),
])
def test_naive_datetime_is_rejected(func):
    with pytest.raises(ValueError, match="naive"):
        func(datetime(2026, 7, 14, 12, 0))  # noqa: DTZ001 - naive on purpose


def test_negative_working_days_are_rejected():
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 3, 2), -1)


def test_end_of_day_is_the_last_second_in_kyiv():
    deadline = calendar.end_of_day(date(2026, 7, 15))
    assert deadline.astimezone(UTC) == datetime(2026, 7, 15, 20, 59, 59, tzinfo=UTC)
    assert calendar.kyiv_date(deadline + timedelta(seconds=1)) == date(2026, 7, 16)


def test_community_setting_decides_about_holidays(community):
    assert community.martial_law_mode is True
    assert calendar.community_add_working_days(community, date(2021, 8, 20), 1) == date(2021, 8, 23)
    community.martial_law_mode = False
    community.save(update_fields=["martial_law_mode"])
    community.refresh_from_db()
    assert calendar.community_add_working_days(community, date(2021, 8, 20), 1) == date(2021, 8, 25)


@pytest.mark.parametrize(("start", "days", "expected"), [
    # Fri 8 Jan 2021 was a day off moved to Sat 16 Jan, which became a working day.
    (date(2021, 1, 15), 1, date(2021, 1, 16)),
    (date(2021, 1, 6), 1, date(2021, 1, 11)),  # Thu 7 Jan Christmas, Fri 8 Jan moved day off
    # Mon 23 Aug 2021 off, worked on Sat 28 Aug instead.
    (date(2021, 8, 27), 1, date(2021, 8, 28)),
])
def test_transferred_working_saturdays_count_outside_martial_law(start, days, expected):
    assert calendar.add_working_days(start, days, martial_law=False) == expected
    assert calendar.is_working_day(expected, martial_law=False)


def test_martial_law_ignores_transferred_saturdays():
    assert not calendar.is_working_day(date(2021, 1, 16))
