"""The dashboard and the statistics page read tallies the actions keep; after a mixed sequence of actions
their figures equal the ones computed from scratch over the appeals, and a rebuild changes no row."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hromada.apps.appeals import actions, selectors, tallies
from hromada.apps.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealAnswerTally,
    AppealDueTally,
    AppealStatus,
    AppealTally,
)
from hromada.core.calendar import kyiv_date

S = AppealStatus
pytestmark = pytest.mark.django_db(transaction=False)


def from_scratch() -> dict:
    """The dashboard's figures by their definitions, straight from the appeal rows."""
    now = timezone.now()
    today = kyiv_date(now)
    rows = list(Appeal.objects.all())
    open_rows = [a for a in rows if a.status in OPEN_STATUSES]
    by_department: Counter = Counter()
    by_category: Counter = Counter()
    late_department: Counter = Counter()
    late_category: Counter = Counter()
    for a in open_rows:
        by_department[a.department_id] += 1
        by_category[a.category_id] += 1
        if a.due_date < today:
            late_department[a.department_id] += 1
            late_category[a.category_id] += 1
    answered = [a for a in rows if a.answered_at is not None
                and kyiv_date(a.answered_at) >= today - timedelta(days=selectors.AVERAGE_WINDOW_DAYS)]
    seconds = sum((a.answered_at - a.registered_at).total_seconds() for a in answered)
    return {
        "open": len(open_rows), "triage": sum(a.status == S.REGISTERED for a in open_rows),
        "overdue": sum(a.due_date < today for a in open_rows),
        "due_week": sum(today <= a.due_date < today + timedelta(days=7) for a in open_rows),
        "by_department": {k: (n, late_department[k]) for k, n in by_department.items()},
        "by_category": {k: (n, late_category[k]) for k, n in by_category.items()},
        "answered_recently": len(answered),
        "average_days": round(seconds / len(answered) / 86400, 1) if answered else None,
        "by_status": Counter(a.status for a in rows),
    }


def shown(data: dict) -> dict:
    return {**{k: data[k] for k in ("open", "triage", "overdue", "due_week", "answered_recently", "average_days")},
            "by_department": {r["department_id"]: (r["open"], r["overdue"]) for r in data["by_department"]},
            "by_category": {r["category_id"]: (r["open"], r["overdue"]) for r in data["by_category"]}}


def tally_rows() -> dict:
    return {
        "status": sorted((r.department_key, r.category_key, r.status, r.count)
                         for r in AppealTally.objects.exclude(count=0)),
        "due": sorted((r.department_key, r.category_key, r.due_date, r.count)
                      for r in AppealDueTally.objects.exclude(count=0)),
        "answers": sorted((r.department_key, r.category_key, r.day, r.count)
                          for r in AppealAnswerTally.objects.exclude(count=0)),
    }


def register(w, **kw):
    kw.setdefault("text", "Вибоїна на дорозі біля школи")
    kw.setdefault("category", w.pothole)
    kw.setdefault("author", actions.Author(user=w.resident))
    return actions.appeal_register(community=w.community, **kw)


def test_dashboard_equals_from_scratch_after_mixed_actions(scoped):
    w = scoped
    start = timezone.now() - timedelta(days=60)
    with time_machine.travel(start, tick=False):
        late = register(w)  # due 15 days later: overdue by now
        answered_long_ago = register(w, category=w.housing_cat)
        actions.appeal_answer(appeal=answered_long_ago, text="Зроблено", by=w.housing_executor)
    with time_machine.travel(start + timedelta(days=40), tick=False):
        extended = register(w, category=w.housing_cat)
        actions.appeal_take(appeal=extended, by=w.housing_executor)
        actions.appeal_extend(appeal=extended, reason="Потрібна експертиза", by=w.housing_executor)
        reopened = register(w)
        actions.appeal_answer(appeal=reopened, text="Яму закладено", by=w.executor)
    with time_machine.travel(start + timedelta(days=50), tick=False):
        actions.appeal_reopen(appeal=reopened, reason="Яма знову є", by=w.resident)
    register(w, category=w.other)  # stays in triage
    routed_from_triage = register(w, category=w.other)
    actions.appeal_route(appeal=routed_from_triage, department=w.housing, category=w.housing_cat, by=w.operator)
    forwarded = register(w, latitude=49.79, longitude=30.12)
    actions.appeal_forward(appeal=forwarded, department=w.housing, reason="Це двір", by=w.executor)
    register(w, author=actions.Author())  # anonymous: not considered
    returned = register(w, category=w.other)
    actions.appeal_return(appeal=returned, reason="Немає суті", by=w.operator)
    main = register(w)
    duplicate = actions.appeal_register(community=w.community, text="Та сама вибоїна", category=w.pothole,
                                        author=actions.Author(name="Іван", email="ivan@example.test"))
    actions.appeal_forward(appeal=duplicate, department=w.housing, reason="Не та дорога", by=w.executor)
    actions.appeal_mark_duplicate(appeal=duplicate, main=main, by=w.housing_executor)  # back to roads
    actions.appeal_answer(appeal=main, text="Яму закладено", by=w.executor)  # answers the duplicate too
    closed = register(w)
    actions.appeal_answer(appeal=closed, text="Зроблено", by=w.executor)
    actions.appeal_rate(appeal=closed, rating=5, by=w.resident)

    data = selectors.dashboard(w.community)
    expected = from_scratch()
    assert shown(data) == {k: v for k, v in expected.items() if k != "by_status"}
    # The sequence reached every kind of figure, so the equality above is not between zeros.
    assert data["open"] >= 5 and data["overdue"] >= 1 and data["due_week"] == 1 and data["triage"] == 1
    assert data["answered_recently"] == 5 and data["average_days"] is not None
    assert late.pk in set(selectors.drilldown("overdue").values_list("pk", flat=True))

    stats = selectors.statistics()
    assert dict(stats["by_status"]) == {label: expected["by_status"].get(value, 0) for value, label in S.choices}
    assert stats["total"] == Appeal.objects.count()
    public = Counter(a.category.name_uk for a in Appeal.objects.select_related("category") if a.category
                     and a.category.is_public)
    assert {r["category__name_uk"]: r["n"] for r in stats["by_category"]} == dict(public)

    kept = tally_rows()
    tallies.rebuild(w.community.pk)
    assert tally_rows() == kept


def test_figures_move_with_time_without_any_action(scoped):
    w = scoped
    appeal = register(w)  # 15-day term
    assert selectors.dashboard(w.community)["due_week"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        data = selectors.dashboard(w.community)
        assert (data["due_week"], data["overdue"]) == (1, 0)
    with time_machine.travel(timezone.now() + timedelta(days=17)):
        data = selectors.dashboard(w.community)
        assert (data["due_week"], data["overdue"]) == (0, 1)
        assert shown(data) == {k: v for k, v in from_scratch().items() if k != "by_status"}
    assert appeal.due_date == kyiv_date(appeal.registered_at) + timedelta(days=15)


def test_dashboard_queries_do_not_grow_with_appeals(scoped, django_assert_max_num_queries):
    w = scoped
    for i in range(3):
        register(w, text=f"Яма {i}")
    # names (2, cached after), work now (2), received (2) and answered (2) in the period
    with django_assert_max_num_queries(8):
        small = selectors.dashboard(w.community)
    for i in range(20):
        register(w, text=f"Ще яма {i}", category=w.housing_cat if i % 2 else w.pothole)
    with django_assert_max_num_queries(8):
        big = selectors.dashboard(w.community)
    assert (small["open"], big["open"]) == (3, 23)
