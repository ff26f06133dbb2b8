"""Reads that span models or check visibility: queues, the dashboard, the public list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from hromada.apps.appeals.models import OPEN_STATUSES, Appeal, AppealStatus, Category
from hromada.apps.communities.models import Community, Department

S = AppealStatus
HIDDEN_PUBLIC = (S.RETURNED, S.NOT_CONSIDERED)
DASHBOARD_CACHE_SECONDS = 30
AVERAGE_WINDOW_DAYS = 90


def with_related(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return qs.select_related("category", "department", "district")


def executor_queue(department_ids: set[int], *, status: str = "") -> QuerySet[Appeal]:
    """The open appeals of the executor's departments, nearest term first."""
    statuses = [status] if status in OPEN_STATUSES else list(OPEN_STATUSES)
    return with_related(Appeal.objects.filter(department_id__in=department_ids, status__in=statuses)
                        ).order_by("due_at", "id")


def triage_queue() -> QuerySet[Appeal]:
    return with_related(Appeal.objects.filter(status=S.REGISTERED)).order_by("due_at", "id")


def drilldown(kind: str, *, department: int | None = None, category: int | None = None) -> QuerySet[Appeal]:
    """The appeals behind a dashboard figure: open, due_week, overdue (optionally of one department/category)."""
    now = timezone.now()
    qs = Appeal.objects.filter(status__in=OPEN_STATUSES)
    if kind == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif kind == "due_week":
        qs = qs.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7))
    if department:
        qs = qs.filter(department_id=department)
    if category:
        qs = qs.filter(category_id=category)
    return with_related(qs).order_by("due_at", "id")


def dashboard(community: Community) -> dict[str, Any]:
    """The controller's figures; cached for a few seconds so a busy dashboard costs the database little."""
    key = f"appeals:dashboard:{community.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    now = timezone.now()
    week = now + timedelta(days=7)
    open_qs = Appeal.objects.filter(status__in=OPEN_STATUSES)
    totals = open_qs.aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)),
        due_week=Count("id", filter=Q(due_at__gte=now, due_at__lt=week)),
        triage=Count("id", filter=Q(status=S.REGISTERED)))
    by_department: list[dict[str, Any]] = list(open_qs.values("department_id").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))).order_by("-open"))  # type: ignore[arg-type]
    by_category: list[dict[str, Any]] = list(open_qs.values("category_id").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))).order_by("-open"))  # type: ignore[arg-type]
    departments = {d.pk: d.name for d in Department.objects.all()}
    categories = {c.pk: c.name for c in Category.objects.all()}
    for row in by_department:
        row["name"] = departments.get(row["department_id"], "")
    for row in by_category:
        row["name"] = categories.get(row["category_id"], "")
    answered = Appeal.objects.filter(answered_at__gte=now - timedelta(days=AVERAGE_WINDOW_DAYS)).aggregate(
        average=Avg(ExpressionWrapper(F("answered_at") - F("registered_at"), output_field=DurationField())),
        count=Count("id"))
    average = answered["average"]
    result = {**totals, "by_department": by_department, "by_category": by_category,
              "average_days": round(average.total_seconds() / 86400, 1) if average is not None else None,
              "answered_recently": answered["count"], "as_of": now}
    cache.set(key, result, DASHBOARD_CACHE_SECONDS)
    return result


def public_appeals(*, category: int | None = None, status: str = "") -> QuerySet[Appeal]:
    """Problem appeals of public categories, de-identified by the serializers/templates that use them."""
    qs = Appeal.objects.filter(category__is_public=True, duplicate_of__isnull=True).exclude(status__in=HIDDEN_PUBLIC)
    if category:
        qs = qs.filter(category_id=category)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in S.values:
        qs = qs.filter(status=status)
    return qs.select_related("category", "district").order_by("-registered_at", "-id")


def statistics() -> dict[str, Any]:
    by_status = dict(Appeal.objects.values_list("status").annotate(n=Count("id")).order_by())
    by_category = list(Appeal.objects.filter(category__is_public=True).values("category__name_uk", "category__name_en")
                       .annotate(n=Count("id")).order_by("-n")[:20])
    return {"by_status": [(label, by_status.get(value, 0)) for value, label in S.choices],
            "by_category": by_category, "total": sum(by_status.values())}


def my_appeals(user) -> QuerySet[Appeal]:
    return with_related(Appeal.objects.filter(author=user)).order_by("-registered_at", "-id")
