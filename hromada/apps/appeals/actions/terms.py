"""Terms and registration numbers of appeals."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, ProgrammingError, connection, transaction

from hromada.apps.appeals.models import Appeal, RegistrationCounter
from hromada.apps.communities.models import Community
from hromada.core.calendar import add_calendar_days, kyiv_date


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
    """The next registration number `<PREFIX>-<YEAR>-<000123>` of the community. Call inside a transaction.

    PostgreSQL: `nextval` of the sequence of the community and year (created on first use), which locks
    nothing, so registrations never queue behind each other; a registration that rolls back leaves its
    number unused (a gap). SQLite, which serialises writers anyway: the year's counter row, locked until
    the transaction commits, so numbers have no gaps. Either way a number is never given twice.
    """
    year = kyiv_date(at).year
    if connection.vendor == "postgresql":
        serial = _sequence_next(community, year)
    else:
        RegistrationCounter.objects.get_or_create(community=community, year=year)
        counter = RegistrationCounter.objects.select_for_update().get(community=community, year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        serial = counter.last_number
    return f"{number_prefix(community)}-{year}-{serial:06d}"


def _sequence_next(community: Community, year: int) -> int:
    name = f"appeals_number_{int(community.pk)}_{int(year)}"
    with connection.cursor() as cursor:
        for _attempt in range(2):
            # text, not a regclass literal: a missing sequence gives NULL instead of an error
            cursor.execute("SELECT CASE WHEN to_regclass(%s) IS NULL THEN NULL ELSE nextval(%s::text) END",
                           [name, name])
            value = cursor.fetchone()[0]
            if value is not None:
                return int(value)
            # The year's first number: continue after what the counter row gave out before the sequence existed.
            seed = RegistrationCounter.objects.filter(community=community, year=year).values_list(
                "last_number", flat=True).first() or 0
            try:
                with transaction.atomic():  # a savepoint: another registration may be creating it right now
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(name)} "
                                   f"START WITH {int(seed) + 1}")
            except (IntegrityError, ProgrammingError):
                pass  # it won; its sequence is there once it commits
    raise RuntimeError(f"registration number sequence {name} could not be created")
