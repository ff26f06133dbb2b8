"""Statutory terms: calendar days and working days, in Kyiv time.

Working days skip Saturdays and Sundays. Outside martial-law mode they also skip Ukrainian
public holidays (from the maintained `holidays` package). Under martial law (in force since
24 February 2022, a per-community setting on by default) public holidays are working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

KYIV = ZoneInfo("Europe/Kyiv")


@lru_cache(maxsize=64)
def _calendar_for(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays (with transferred days off) and Saturdays made working days, for one year."""
    country = holidays.country_holidays("UA", years=year)
    workdays = frozenset(d for d in getattr(country, "weekend_workdays", ()) if d.year == year)
    return frozenset(country.keys()), workdays


def is_public_holiday(day: date) -> bool:
    return day in _calendar_for(day.year)[0]


def is_working_day(day: date, *, martial_law: bool = True) -> bool:
    if martial_law:
        return day.weekday() < 5
    days_off, weekend_workdays = _calendar_for(day.year)
    if day.weekday() >= 5:
        # Before 2022 the Cabinet moved some days off, making a Saturday a working day in return.
        return day in weekend_workdays
    return day not in days_off


def kyiv_date(moment: datetime | date) -> date:
    """The calendar date in Kyiv of an aware datetime (or a date, unchanged)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime")
        return moment.astimezone(KYIV).date()
    return moment


def add_calendar_days(start: datetime | date, days: int) -> date:
    """The date `days` calendar days after the start's Kyiv date."""
    return kyiv_date(start) + timedelta(days=days)


def add_working_days(start: datetime | date, days: int, *, martial_law: bool = True) -> date:
    """The date on which the `days`-th working day after the start's Kyiv date falls.

    The start day itself is not counted (a term starts the day after the event).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = kyiv_date(start)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, martial_law=martial_law):
            remaining -= 1
    return day


def end_of_day(day: date) -> datetime:
    """The last moment of a Kyiv date, as an aware datetime: what a deadline means."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=KYIV)


def community_add_working_days(community, start: datetime | date, days: int) -> date:
    return add_working_days(start, days, martial_law=community.martial_law_mode)
