"""The dashboard's running figures: each appeal contributes to a few tally rows, and every action that
changes the appeal moves that contribution in the same transaction.

An appeal's contribution (`TallyState`) is:

- one to `AppealTally` (department × category × status);
- while open, one to `AppealDueTally` (department × category × term day);
- once answered, one answer and its seconds from registration to `AppealAnswerTally`
  (department × category × answer day).

`move(before, after)` applies the difference as one `INSERT … ON CONFLICT DO UPDATE` per table, with
the keys in a fixed order so that two transactions never wait for each other's rows crosswise.
`rebuild()` recomputes every row of a community from the appeals (`hromada appeals_retally`, the
benchmark's bulk load, and the tests, which compare it with the running figures).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDate

from hromada.apps.appeals.models import (
    OPEN_STATUSES,
    TALLY_SLOTS,
    Appeal,
    AppealAnswerTally,
    AppealDueTally,
    AppealTally,
)
from hromada.core.calendar import KYIV, kyiv_date


@dataclass(frozen=True)
class TallyState:
    slot: int
    department: int
    category: int
    status: str
    due_date: date | None  # only while open
    answered_day: date | None
    answer_seconds: int


def state(appeal: Appeal) -> TallyState:
    """The appeal's contribution to the tallies, as it is now (in memory)."""
    answered = appeal.answered_at
    return TallyState(
        slot=appeal.pk % TALLY_SLOTS, department=appeal.department_id or 0, category=appeal.category_id or 0,
        status=str(appeal.status),
        due_date=appeal.due_date if appeal.status in OPEN_STATUSES else None,
        answered_day=kyiv_date(answered) if answered is not None else None,
        answer_seconds=int((answered - appeal.registered_at).total_seconds()) if answered is not None else 0)


def _upsert(model: type[Any], key_columns: tuple[str, ...], rows: dict[tuple, tuple[int, ...]],
            value_columns: tuple[str, ...], community_id: int) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ("community_id", *key_columns, *value_columns)
    values = []
    params: list[Any] = []
    for key in sorted(rows):
        values.append("(" + ", ".join(["%s"] * len(columns)) + ")")
        params.extend((community_id, *key, *rows[key]))
    updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + EXCLUDED.{qn(c)}" for c in value_columns)
    # Only our own table and column names are formatted in; every value is a parameter.
    sql = (f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES {', '.join(values)} "  # noqa: S608
           f"ON CONFLICT ({', '.join(qn(c) for c in ('community_id', *key_columns))}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def move(community_id: int, before: TallyState | None, after: TallyState | None) -> None:
    """Move an appeal's contribution from `before` to `after` (None: no contribution). Call inside the
    transaction that changes the appeal, after its other writes: the rows stay locked until it commits."""
    if before == after:
        return
    statuses: Counter = Counter()
    dues: Counter = Counter()
    answers: dict[tuple, list[int]] = {}
    for sign, item in ((-1, before), (1, after)):
        if item is None:
            continue
        statuses[(item.department, item.category, item.status, item.slot)] += sign
        if item.due_date is not None:
            dues[(item.department, item.category, item.due_date, item.slot)] += sign
        if item.answered_day is not None:
            row = answers.setdefault((item.department, item.category, item.answered_day, item.slot), [0, 0])
            row[0] += sign
            row[1] += sign * item.answer_seconds
    _upsert(AppealTally, ("department_key", "category_key", "status", "slot"),
            {k: (n,) for k, n in statuses.items() if n}, ("count",), community_id)
    _upsert(AppealDueTally, ("department_key", "category_key", "due_date", "slot"),
            {k: (n,) for k, n in dues.items() if n}, ("count",), community_id)
    _upsert(AppealAnswerTally, ("department_key", "category_key", "day", "slot"),
            {k: (n, s) for k, (n, s) in answers.items() if n or s}, ("count", "seconds"), community_id)


def rebuild(community_id: int) -> None:
    """Recompute every tally row of the community from its appeals (the active scope must be that community
    or all communities). Locks the tables for the moment it takes, so no action changes them meanwhile."""
    appeals = Appeal.objects.filter(community_id=community_id).annotate(slot=F("id") % TALLY_SLOTS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (AppealTally, AppealDueTally, AppealAnswerTally):
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} "
                                   "IN SHARE ROW EXCLUSIVE MODE")
        for model in (AppealTally, AppealDueTally, AppealAnswerTally):
            model.objects.filter(community_id=community_id).delete()
        AppealTally.objects.bulk_create([
            AppealTally(community_id=community_id, department_key=row["department_id"] or 0,
                        category_key=row["category_id"] or 0, status=row["status"], slot=row["slot"], count=row["n"])
            for row in appeals.values("department_id", "category_id", "status", "slot").annotate(n=Count("id"))
            .order_by()
        ], batch_size=1000)
        AppealDueTally.objects.bulk_create([
            AppealDueTally(community_id=community_id, department_key=row["department_id"] or 0,
                           category_key=row["category_id"] or 0, due_date=row["due_date"], slot=row["slot"],
                           count=row["n"])
            for row in appeals.filter(status__in=OPEN_STATUSES)
            .values("department_id", "category_id", "due_date", "slot").annotate(n=Count("id")).order_by()
        ], batch_size=1000)
        took = ExpressionWrapper(F("answered_at") - F("registered_at"), output_field=DurationField())
        AppealAnswerTally.objects.bulk_create([
            AppealAnswerTally(community_id=community_id, department_key=row["department_id"] or 0,
                              category_key=row["category_id"] or 0, day=row["day"], slot=row["slot"], count=row["n"],
                              seconds=_seconds(row["took"]))
            for row in appeals.filter(answered_at__isnull=False)
            .annotate(day=TruncDate("answered_at", tzinfo=KYIV))
            .values("department_id", "category_id", "day", "slot").annotate(n=Count("id"), took=Sum(took))
            .order_by()
        ], batch_size=1000)


def _seconds(value: Any) -> int:
    if value is None:
        return 0
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds())
    return round(int(value) / 1_000_000)  # some backends sum durations as microseconds
