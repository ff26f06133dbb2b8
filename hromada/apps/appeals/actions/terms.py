"""Terms and registration numbers of appeals."""

from __future__ import annotations

from datetime import date, datetime

from hromada.apps.appeals.models import Appeal, RegistrationCounter
from hromada.apps.communities.models import Community
from hromada.core.calendar import add_calendar_days, kyiv_date
from hromada.core.numbering import next_serial


def term_days(community: Community, *, needs_study: bool) -> int:
    return community.appeal_term_days if needs_study else community.appeal_short_term_days


def compute_due_date(community: Community, start: datetime, *, needs_study: bool) -> date:
    """15 calendar days for appeals that need no study, one month (30 days) otherwise (per-community)."""
    return add_calendar_days(start, term_days(community, needs_study=needs_study))


def max_due_date(appeal: Appeal) -> date:
    return add_calendar_days(appeal.registered_at, appeal.community.appeal_max_term_days)


def number_prefix(community: Community) -> str:
    letters = "".join(ch for ch in community.slug.upper() if ch.isalpha())
    return (letters[:2] or "AP").ljust(2, "X")


def allocate_number(community: Community, at: datetime) -> str:
    """The next registration number `<PREFIX>-<YEAR>-<000123>` of the community. Call inside a transaction
    (`core.numbering`: a sequence per community and year on PostgreSQL, the counter row on SQLite)."""
    year = kyiv_date(at).year
    serial = next_serial(RegistrationCounter, community, year, kind="appeals")
    return f"{number_prefix(community)}-{year}-{serial:06d}"
