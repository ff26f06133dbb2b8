"""Reads that span models or check visibility: queues, the dashboard, the public list."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from hromada.apps.appeals.dashboard import Filters
from hromada.apps.appeals.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Appeal,
    AppealAnswerTally,
    AppealDueTally,
    AppealPhoto,
    AppealStatus,
    AppealTally,
    Category,
)
from hromada.apps.appeals.rows import OFFICE_COLUMNS
from hromada.apps.communities.models import Community, Department
from hromada.core import memo, tenancy
from hromada.core.calendar import KYIV, kyiv_date
from hromada.core.tenancy.models import TenantQuerySet

S = AppealStatus
HIDDEN_PUBLIC = (S.RETURNED, S.NOT_CONSIDERED)  # never published: non-compliant, anonymous or repeated
AVERAGE_WINDOW_DAYS = 90  # the average time to answer covers answers of today and the 90 days before
DUE_WEEK_DAYS = 7
PUBLIC_COUNT_SECONDS = 60
PUBLIC_COUNT_CACHE_FROM = 1_000


class PublicCountQuerySet(TenantQuerySet):
    """A public list whose length (the paginator's capped COUNT) is cached for a minute once it is long.

    The rows of a page are one ordered index read, but counting up to 10,000 of them was the list's
    costliest query (11 ms at 2,000,000 appeals). A long list's page count may be a minute behind, which
    only moves where its last page ends; a short list (under 1,000) is counted every time, so a new
    problem is never missing from it. The rows themselves are always read live."""

    _count_key = ""  # the list's filters, set by public_appeals(); kept by a slice, dropped by anything else

    def __getitem__(self, k: Any) -> Any:
        result = super().__getitem__(k)
        if isinstance(result, PublicCountQuerySet):
            result._count_key = self._count_key
        return result

    def count(self) -> int:
        if self._count_key:
            key = f"appeals:public-count:{self._count_key}:{self.query.low_mark}:{self.query.high_mark}"
        else:  # filtered further by the caller: key by the SQL itself
            key = "appeals:public-count:" + hashlib.sha256(f"{self.db}:{self.query}".encode()).hexdigest()[:32]
        value = cache.get(key)
        if value is None:
            value = super().count()
            if value >= PUBLIC_COUNT_CACHE_FROM:
                cache.set(key, value, PUBLIC_COUNT_SECONDS)
        return int(value)


PUBLIC_CATEGORIES_SECONDS = 60


PUBLIC_CATEGORIES_KEY = "appeals:public-categories"


def public_categories(community_id: int) -> list[Category]:
    """The community's active public categories (its Open311 services), with their parents; cached for a
    minute, and forgotten by `actions.category_save`."""
    categories = memo.get(community_id, PUBLIC_CATEGORIES_KEY)
    if categories is None:
        categories = list(Category.objects.filter(is_public=True, is_active=True).select_related("parent"))
        memo.set(community_id, PUBLIC_CATEGORIES_KEY, categories, PUBLIC_CATEGORIES_SECONDS)
    return categories


def public_categories_changed(community_id: int) -> None:
    """Forget the cached categories (and the dashboard's names), now and again once the change commits."""
    def forget() -> None:
        memo.delete_many(community_id, [PUBLIC_CATEGORIES_KEY])
        cache.delete(_names_key(community_id))

    forget()
    transaction.on_commit(forget)


def with_related(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return qs.select_related("category", "department", "district")


def visible_appeal(pk: int, user: Any, community: Community) -> Appeal:
    """The appeal if `user` may see it (its author, the staff who handle it); 404 otherwise, the same
    answer as for an appeal that does not exist."""
    appeal = get_object_or_404(with_related(Appeal.objects.all()), pk=pk)
    appeal.community = community
    if not user.has_perm("appeals.view_appeal", appeal):
        raise Http404
    return appeal


def office_appeal(pk: int, user: Any, community: Community) -> Appeal:
    """The appeal as the back office opens it: one `user` may see, and not their own unless they work in
    the office (a resident who is also staff handles their own appeal like any other resident)."""
    appeal = visible_appeal(pk, user, community)
    if appeal.author_id == user.pk and not user.has_perm("appeals.use_office", community):
        raise Http404
    return appeal


def still_visible(pk: int, user: Any) -> bool:
    """Whether the appeal `pk` is still there for `user` after an action (forwarding moves it out of an
    executor's department)."""
    appeal = Appeal.objects.filter(pk=pk).first()
    return appeal is not None and user.has_perm("appeals.view_appeal", appeal)


def visible_photo(pk: int, user: Any, community: Community) -> AppealPhoto:
    """A photo of an appeal: for anyone when the appeal is published and its author chose to show what they
    sent; otherwise only for those who may see the appeal. 404 for everyone else."""
    photo = get_object_or_404(AppealPhoto.objects.select_related("appeal"), pk=pk)
    appeal = photo.appeal
    appeal.community = community
    public = appeal.description_public and published_appeals().filter(pk=appeal.pk).exists()
    if not public and not user.has_perm("appeals.view_appeal", appeal):
        raise Http404
    return photo


def list_columns(qs: QuerySet[Appeal]) -> QuerySet:
    """Only what a back-office list shows (number, category, department, status, term), as plain tuples
    (`rows.OFFICE_COLUMNS`): the rows of a page are read and built without model instances or texts."""
    return qs.select_related(None).values_list(*OFFICE_COLUMNS)


def executor_queue(department_ids: set[int], *, status: str = "") -> QuerySet[Appeal]:
    """The open appeals of the executor's departments, nearest term first."""
    statuses = [status] if status in OPEN_STATUSES else list(OPEN_STATUSES)
    return with_related(Appeal.objects.filter(department_id__in=department_ids, status__in=statuses)
                        ).order_by("due_at", "id")


def queue_count(department_ids: set[int], *, status: str = "") -> int:
    """How many appeals `executor_queue` lists, from the status tallies (one small read, not a count)."""
    statuses = [status] if status in OPEN_STATUSES else [str(s) for s in OPEN_STATUSES]
    departments = sorted(department_ids)
    if not departments:
        return 0
    ((total,),) = _rows(
        f"SELECT COALESCE(SUM({connection.ops.quote_name('count')}), 0) "  # noqa: S608 - our table name
        f"FROM {connection.ops.quote_name(AppealTally._meta.db_table)} WHERE community_id = %s "
        f"AND department_key IN ({', '.join(['%s'] * len(departments))}) "
        f"AND status IN ({', '.join(['%s'] * len(statuses))})",
        [_community_id(), *departments, *statuses])
    return int(total)


def triage_queue() -> QuerySet[Appeal]:
    return with_related(Appeal.objects.filter(status=S.REGISTERED)).order_by("due_at", "id")


def drilldown(kind: str, *, department: int | None = None, category: int | None = None,
              filters: Filters | None = None) -> QuerySet[Appeal]:
    """The appeals behind a dashboard figure: open, due_week, overdue, triage (open today), received or
    answered (in the filters' period), of the filters' department, category, channel and type. Terms by
    Kyiv day, as the dashboard counts them."""
    today = kyiv_date(timezone.now())
    qs = Appeal.objects.all()
    if kind == "received" and filters is not None:
        qs = qs.filter(registered_at__gte=_day_start(filters.date_from),
                       registered_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    elif kind == "answered" and filters is not None:
        qs = qs.filter(answered_at__gte=_day_start(filters.date_from),
                       answered_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    elif kind == "triage":
        qs = qs.filter(status=S.REGISTERED)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
        if kind == "overdue":
            qs = qs.filter(due_date__lt=today)
        elif kind == "due_week":
            qs = qs.filter(due_date__gte=today, due_date__lt=today + timedelta(days=DUE_WEEK_DAYS))
    if filters is not None:
        qs = qs.filter(**filters.appeal_filter())
    if department:
        qs = qs.filter(department_id=department)
    if category:
        qs = qs.filter(category_id=category)
    return with_related(qs).order_by("due_at", "id")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=KYIV)


NAMES_SECONDS = 60


def _community_id() -> int:
    """The active community, for the plain SQL reads (the ORM's manager adds it by itself)."""
    community_id = tenancy.current_community_id()
    if community_id is None:
        raise tenancy.ScopeError("no community is active")
    return int(community_id)


def _names_key(community_id: int) -> str:
    return f"appeals:names:{community_id}"


def _names(community_id: int) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str]]]:
    """Department and category names (uk, en) for the dashboard's rows; cached for a minute."""
    key = _names_key(community_id)
    names = cache.get(key)
    if names is None:
        names = ({pk: (uk, en) for pk, uk, en in Department.objects.values_list("pk", "name_uk", "name_en")},
                 {pk: (uk, en) for pk, uk, en in Category.objects.values_list("pk", "name_uk", "name_en")})
        cache.set(key, names, NAMES_SECONDS)
    return names


def _rows(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def triage_count() -> int:
    """Appeals waiting in triage (registered, no department), from the status tallies."""
    ((total,),) = _rows(
        f"SELECT COALESCE(SUM({connection.ops.quote_name('count')}), 0) "  # noqa: S608 - our table name
        f"FROM {connection.ops.quote_name(AppealTally._meta.db_table)} WHERE community_id = %s AND status = %s",
        [_community_id(), str(S.REGISTERED)])
    return int(total)


def _key_filter(filters: Filters | None) -> tuple[str, list[Any]]:
    """The tallies' WHERE for the filters' department and category."""
    sql, params = "", []  # type: tuple[str, list[Any]]
    if filters is not None and filters.department:
        sql, params = sql + " AND department_key = %s", [*params, filters.department]
    if filters is not None and filters.category:
        sql, params = sql + " AND category_key = %s", [*params, filters.category]
    return sql, params


def dashboard_now(community: Community, filters: Filters | None = None) -> dict[str, Any]:
    """The work now: open appeals, in triage, due this week and overdue, in total and per (department,
    category) key (0: none). From the tallies (two statements over a bounded number of rows) unless the
    filters name a channel or type, which only the appeal rows hold (one aggregate over the open ones)."""
    today = kyiv_date(timezone.now())
    qn = connection.ops.quote_name
    open_by: Counter = Counter()  # (department, category) -> open appeals
    late_by: Counter = Counter()  # (department, category) -> overdue appeals
    triage = due_week = 0
    if filters is None or filters.by_tallies:
        where, params = _key_filter(filters)
        open_statuses = [str(s) for s in OPEN_STATUSES]
        for department, category, status, count in _rows(
                f"SELECT department_key, category_key, status, SUM({qn('count')}) "  # noqa: S608 - our table names
                f"FROM {qn(AppealTally._meta.db_table)} WHERE community_id = %s "
                f"AND status IN ({', '.join(['%s'] * len(open_statuses))}){where} "
                "GROUP BY department_key, category_key, status",
                [community.pk, *open_statuses, *params]):
            open_by[(department, category)] += count
            late_by[(department, category)] += count
            if status == S.REGISTERED:
                triage += count
        # Open appeals not yet overdue have their term today or later, at most the 45-day maximum ahead.
        for department, category, current, week in _rows(
                f"SELECT department_key, category_key, SUM({qn('count')}), "  # noqa: S608 - our table names
                f"SUM(CASE WHEN due_date < %s THEN {qn('count')} ELSE 0 END) "
                f"FROM {qn(AppealDueTally._meta.db_table)} WHERE community_id = %s AND due_date >= %s{where} "
                "GROUP BY department_key, category_key",
                [today + timedelta(days=DUE_WEEK_DAYS), community.pk, today, *params]):
            late_by[(department, category)] -= current
            due_week += week or 0
    else:
        week_end = today + timedelta(days=DUE_WEEK_DAYS)
        for department, category, count, late, week, registered in (
                Appeal.objects.filter(status__in=OPEN_STATUSES, **filters.appeal_filter())
                .values("department_id", "category_id").order_by()
                .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)),
                          week=Count("pk", filter=Q(due_date__gte=today, due_date__lt=week_end)),
                          triage=Count("pk", filter=Q(status=S.REGISTERED)))
                .values_list("department_id", "category_id", "n", "late", "week", "triage")):
            key = (department or 0, category or 0)
            open_by[key] += count
            late_by[key] += late
            due_week += week
            triage += registered
    total_open = int(sum(open_by.values()))
    return {"open": total_open, "overdue": int(sum(late_by.values())), "due_week": int(due_week),
            "triage": int(triage), "open_by": open_by, "late_by": late_by}


def _duration_seconds(value: Any) -> int:
    """A summed duration in seconds (some backends sum durations as microseconds)."""
    if value is None:
        return 0
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds())
    return round(int(value) / 1_000_000)


def _flows(filters: Filters) -> tuple[dict[date, int], dict[date, tuple[int, int]], Counter, Counter, int, int]:
    """Appeals received and answered in the period: per Kyiv day (answers with their seconds) and per
    (department, category) key; received from the appeal rows (index on registration time), answers
    from their tallies unless a channel or type is asked for. Four statements."""
    since, until = _day_start(filters.date_from), _day_start(filters.date_to + timedelta(days=1))
    received = Appeal.objects.filter(registered_at__gte=since, registered_at__lt=until, **filters.appeal_filter())
    received_by_day = {(day.date() if isinstance(day, datetime) else day): n for day, n in
                       received.annotate(day=TruncDate("registered_at", tzinfo=KYIV)).values("day").order_by()
                       .annotate(n=Count("pk")).values_list("day", "n")}
    received_by: Counter = Counter({(d or 0, c or 0): n for d, c, n in received.values("department_id", "category_id")
                                    .order_by().annotate(n=Count("pk")).values_list("department_id", "category_id",
                                                                                      "n")})
    answered_by: Counter = Counter()
    answers_by_day: dict[date, tuple[int, int]] = {}
    if filters.by_tallies:
        qn = connection.ops.quote_name
        where, params = _key_filter(filters)
        table = qn(AppealAnswerTally._meta.db_table)
        base = (f"FROM {table} WHERE community_id = %s AND day >= %s AND day <= %s{where}",  # noqa: S608
                [_community_id(), filters.date_from, filters.date_to, *params])
        for day, count, seconds in _rows(
                f"SELECT day, SUM({qn('count')}), SUM(seconds) {base[0]} GROUP BY day", base[1]):  # noqa: S608
            day = date.fromisoformat(day) if isinstance(day, str) else day
            answers_by_day[day] = (int(count), int(seconds))
        for department, category, count in _rows(
                f"SELECT department_key, category_key, SUM({qn('count')}) {base[0]} "  # noqa: S608
                "GROUP BY department_key, category_key", base[1]):
            answered_by[(department, category)] += int(count)
    else:
        answered = Appeal.objects.filter(answered_at__gte=since, answered_at__lt=until, **filters.appeal_filter())
        took = ExpressionWrapper(F("answered_at") - F("registered_at"), output_field=DurationField())
        for day, count, seconds in (answered.annotate(day=TruncDate("answered_at", tzinfo=KYIV)).values("day")
                                    .order_by().annotate(n=Count("pk"), took=Sum(took))
                                    .values_list("day", "n", "took")):
            answers_by_day[day.date() if isinstance(day, datetime) else day] = (int(count), _duration_seconds(seconds))
        answered_by.update({(d or 0, c or 0): n for d, c, n in answered.values("department_id", "category_id")
                            .order_by().annotate(n=Count("pk")).values_list("department_id", "category_id", "n")})
    answers = sum(n for n, _s in answers_by_day.values())
    seconds = sum(s for _n, s in answers_by_day.values())
    return received_by_day, answers_by_day, received_by, answered_by, answers, seconds


def dashboard(community: Community, filters: Filters | None = None) -> dict[str, Any]:
    """The controller's figures. The work now (open, in triage, due this week, overdue) from
    `dashboard_now`; the flows of the filters' period (received, answered, average days from
    registration to answer) from `_flows`: seven statements whatever the number of appeals.
    "Overdue" means the term day (Kyiv date) has passed; "due this week", that it is today or one of
    the next six days. Without filters the period is today and the AVERAGE_WINDOW_DAYS before it."""
    now = timezone.now()
    today = kyiv_date(now)
    if filters is None:
        filters = Filters(date_from=today - timedelta(days=AVERAGE_WINDOW_DAYS), date_to=today)
    current = dashboard_now(community, filters)
    received_by_day, answers_by_day, received_by, answered_by, answers, seconds = _flows(filters)
    english = (get_language() or "uk").startswith("en")
    departments, categories = _names(community.pk)
    open_by, late_by = current["open_by"], current["late_by"]

    def rows(index: int, field: str, names: dict[int, tuple[str, str]]) -> list[dict[str, Any]]:
        figures: dict[str, Counter] = {"open": Counter(), "overdue": Counter(), "received": Counter(),
                                       "answered": Counter()}
        for source, name in ((open_by, "open"), (late_by, "overdue"), (received_by, "received"),
                             (answered_by, "answered")):
            for key, count in source.items():
                figures[name][key[index]] += count
        result = []
        for pk in set().union(*(set(c) for c in figures.values())):
            row = {name: int(counter[pk]) for name, counter in figures.items()}
            if any(row.values()):
                uk, en = names.get(pk, ("", ""))
                result.append({field: pk or None, **row, "name": en if english and en else uk})
        return sorted(result, key=lambda r: (-r["open"], -r["received"], r["name"]))

    return {"open": current["open"], "overdue": current["overdue"], "due_week": current["due_week"],
            "triage": current["triage"], "by_department": rows(0, "department_id", departments),
            "by_category": rows(1, "category_id", categories),
            "received": int(sum(received_by_day.values())), "received_by_day": received_by_day,
            "answers_by_day": {day: n for day, (n, _s) in answers_by_day.items()},
            "average_days": round(int(seconds) / int(answers) / 86400, 1) if answers else None,
            "answered_recently": int(answers), "as_of": now, "filters": filters}


def published_appeals() -> QuerySet[Appeal]:
    """The appeals any public surface may show (the list, the map, GeoJSON, open data, Open311): of a public
    category, in a publishable status, not a duplicate. What each shows of them is `public_fields`."""
    return Appeal.objects.filter(category__is_public=True, duplicate_of__isnull=True).exclude(status__in=HIDDEN_PUBLIC)


# Public places are rounded to about a hundred metres on every surface (list, map, GeoJSON, Open311):
# where the problem is, not which house reported it (the point is often the resident's own address).
PUBLIC_PLACE_DECIMALS = 3


def public_description(appeal: Appeal) -> str | None:
    """The resident's text if they chose to show it, else None."""
    return appeal.text if appeal.description_public else None


def public_answer(appeal: Appeal) -> str | None:
    """The official's public summary of the answer (never the letter to the resident), or None. Only while
    the appeal stands answered or closed: a reopened one is disputed, whatever the summary said."""
    if appeal.status not in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
        return None
    return appeal.public_answer or None


def public_appeals(*, category: int | None = None, status: str = "",
                   columns: tuple[str, ...] = ()) -> QuerySet[Appeal]:
    """Problem appeals of public categories, de-identified by the serializers/templates that use them.
    Newest first, read along `appeal_public_idx`; the paginator's count is cached (`PublicCountQuerySet`).
    With `columns`, the rows are tuples of those columns (the public list's `rows.PUBLIC_COLUMNS`)."""
    qs = published_appeals()
    if category:
        qs = qs.filter(category_id=category)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in S.values:
        qs = qs.filter(status=status)
    qs = qs.select_related("category", "district").order_by("-registered_at", "-id")
    if columns:
        qs = qs.values_list(*columns)
    public: PublicCountQuerySet = PublicCountQuerySet(model=Appeal, query=qs.query, using=qs.db)
    # tuples when `columns` is given
    public._iterable_class, public._fields = qs._iterable_class, qs._fields  # type: ignore[attr-defined]
    applied = status if status == "open" or status in S.values else ""
    public._count_key = f"{_community_id()}:{int(category or 0)}:{applied}"
    return public


def statistics() -> dict[str, Any]:
    """The public statistics page, from the status tallies (no scan of the appeals)."""
    by_status: Counter = Counter()
    by_category: Counter = Counter()
    by_department: Counter = Counter()
    for department, category, status, count in AppealTally.objects.values(
            "department_key", "category_key", "status").annotate(n=Sum("count")).order_by().values_list(
            "department_key", "category_key", "status", "n"):
        by_status[status] += count
        by_category[category] += count
        by_department[department] += count
    departments = {d.pk: d for d in Department.objects.filter(pk__in=[pk for pk, n in by_department.items() if n])}
    public = {c.pk: c for c in Category.objects.filter(is_public=True)}
    top = sorted(((n, pk) for pk, n in by_category.items() if pk in public and n), key=lambda item: -item[0])[:20]
    return {"by_status": [(label, by_status.get(value, 0)) for value, label in S.choices],
            "by_category": [{"category__name_uk": public[pk].name_uk, "category__name_en": public[pk].name_en, "n": n}
                            for n, pk in top],
            "by_department": sorted(((departments[pk].name, n) for pk, n in by_department.items()
                                     if pk in departments and n), key=lambda item: (-item[1], item[0]))[:20],
            "unassigned": by_department.get(0, 0),
            "total": sum(by_status.values())}


STATISTICS_MONTHS = 12


def received_and_answered_by_month(months: int = STATISTICS_MONTHS) -> list[tuple[date, int, int]]:
    """Appeals registered and answered in each of the last `months` Kyiv months (the current one included),
    oldest first, zero months kept; cached for five minutes per community."""
    community_id = tenancy.current_community_id()
    today = kyiv_date(timezone.now())
    key = f"appeals:by-month:{community_id}:{today:%Y-%m}:{months}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    first = date(today.year, today.month, 1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    since = datetime.combine(first, time.min, tzinfo=KYIV)

    def per_month(field: str) -> dict[date, int]:
        rows = (Appeal.objects.filter(**{f"{field}__gte": since}).annotate(month=TruncMonth(field, tzinfo=KYIV))
                .values("month").annotate(n=Count("pk")).order_by().values_list("month", "n"))
        return {(month.date() if isinstance(month, datetime) else month): n for month, n in rows}

    received, answered = per_month("registered_at"), per_month("answered_at")
    result, month = [], first
    while month <= today:
        result.append((month, received.get(month, 0), answered.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    cache.set(key, result, 300)
    return result


def my_appeals(user) -> QuerySet[Appeal]:
    return with_related(Appeal.objects.filter(author=user)).order_by("-registered_at", "-id")


HOME_COUNTS_SECONDS = 60
_HOME_COUNTS = memo.TimedMemory("appeals.home_counts", limit=1_000)


def home_counts() -> dict[str, int]:
    """The community home page's figures: appeals answered this Kyiv month and appeals open now, from the
    running tallies (the statistics page's source, no scan of the appeals) in one query; each process keeps
    them for HOME_COUNTS_SECONDS."""
    community_id = _community_id()

    def load() -> dict[str, int]:
        qn = connection.ops.quote_name
        first = kyiv_date(timezone.now()).replace(day=1)
        opens = [s.value for s in OPEN_STATUSES]
        ((answered, open_now),) = _rows(
            f"SELECT (SELECT COALESCE(SUM({qn('count')}), 0) FROM {qn(AppealAnswerTally._meta.db_table)} "  # noqa: S608
            f"WHERE community_id = %s AND day >= %s), "
            f"(SELECT COALESCE(SUM({qn('count')}), 0) FROM {qn(AppealTally._meta.db_table)} "
            f"WHERE community_id = %s AND status IN ({', '.join(['%s'] * len(opens))}))",
            [community_id, first, community_id, *opens])
        return {"answered_this_month": int(answered), "open": int(open_now)}

    return _HOME_COUNTS.remember(community_id, "counts", load, HOME_COUNTS_SECONDS)


HOME_MINE_LIMIT = 5


def open_appeals_of(user: Any, limit: int = HOME_MINE_LIMIT) -> list[Appeal]:
    """The person's own appeals still being worked on, newest first (their home page)."""
    return list(Appeal.objects.filter(author=user, status__in=OPEN_STATUSES).select_related("category")
                .only("pk", "number", "status", "text", "registered_at", "category__name_uk", "category__name_en")
                .order_by("-registered_at", "-id")[:limit])


SEARCH_MAX_WORDS = 8


def search_public(q: str) -> QuerySet[Appeal]:
    """Published appeals whose public text holds every word of `q`: the resident's description only where they
    chose to show it, the official's public summary only while the appeal stands answered or closed, or the
    registration number. Never the private text, the letter to the resident or who wrote it."""
    qs = published_appeals()
    for word in q.split()[:SEARCH_MAX_WORDS]:
        qs = qs.filter(Q(description_public=True, text__icontains=word)
                       | Q(status__in=DONE_STATUSES, public_answer__icontains=word) | Q(number__iexact=word))
    return qs.select_related("category").order_by("-registered_at", "-id")
