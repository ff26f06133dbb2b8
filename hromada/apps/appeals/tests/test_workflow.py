"""Registration, routing, terms and every transition, through the actions."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from hromada.apps.appeals import actions, workflow
from hromada.apps.appeals.models import Appeal, AppealEvent, AppealStatus
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord
from hromada.core.notifications.models import Message
from hromada.testing import factories

S = AppealStatus
pytestmark = pytest.mark.django_db(transaction=False)


def register(w, **kw):
    kw.setdefault("text", "Вибоїна на дорозі біля школи")
    kw.setdefault("category", w.pothole)
    kw.setdefault("author", actions.Author(user=w.resident))
    return actions.appeal_register(community=w.community, **kw)


def test_registration_number_term_routing_and_notice(scoped):
    w = scoped
    with time_machine.travel("2026-03-10 09:00 +02:00", tick=False):
        first = register(w, latitude=49.79, longitude=30.12)
        second = register(w, category=w.housing_cat)
    assert re.fullmatch(r"KY-2026-\d{6}", first.number)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert first.due_date.isoformat() == "2026-03-25"  # no study: 15 calendar days
    assert second.due_date.isoformat() == "2026-04-09"  # one month (30 days)
    assert first.status == S.ROUTED and first.department == w.roads and first.district == w.centre
    assert Message.objects.filter(address=w.resident.email, kind="appeals.registered").exists()
    assert Message.objects.filter(address=w.resident.phone, channel="sms").exists()
    kinds = list(first.events.values_list("kind", "actor_role"))
    assert kinds == [("register", "resident"), ("route", "system")]


def test_district_rule_beats_the_general_one(scoped):
    appeal = register(scoped, latitude=49.83, longitude=30.12)
    assert appeal.district == scoped.north and appeal.department == scoped.housing


def test_unroutable_goes_to_triage_and_operator_routes_it(scoped):
    w = scoped
    appeal = register(w, category=w.other)
    assert appeal.status == S.REGISTERED and appeal.department is None
    actions.appeal_route(appeal=appeal, department=w.housing.pk, by=w.operator)
    assert appeal.status == S.ROUTED and appeal.department == w.housing
    assert appeal.events.last().actor_role == "operator"


def test_anonymous_is_not_considered(scoped):
    appeal = actions.appeal_register(community=scoped.community, text="Хтось смітить", category="pothole")
    assert appeal.is_anonymous and appeal.status == S.NOT_CONSIDERED


def test_repeated_appeal_is_flagged(scoped):
    w = scoped
    first = register(w)
    actions.appeal_take(appeal=first, by=w.executor)
    actions.appeal_answer(appeal=first, text="Відремонтовано", by=w.executor)
    again = register(w)
    assert again.is_repeated and again.repeated_of == first
    assert again.events.filter(kind="flag_repeated").exists()


def test_full_cycle_extend_answer_rate(scoped):
    w = scoped
    with time_machine.travel("2026-03-10 09:00 +02:00", tick=False):
        appeal = register(w, category=w.housing_cat)
        actions.appeal_take(appeal=appeal, by=w.housing_executor)
        with pytest.raises(DomainError) as too_long:
            actions.appeal_extend(appeal=appeal, reason="Потрібна експертиза", by=w.housing_executor,
                                  until=appeal.registered_at.date() + timedelta(days=60))
        assert too_long.value.code == "term_too_long"
        assert Appeal.objects.get(pk=appeal.pk).status == S.IN_PROGRESS
        actions.appeal_extend(appeal=appeal, reason="Потрібна експертиза", by=w.housing_executor)
    assert appeal.status == S.EXTENDED and appeal.due_date.isoformat() == "2026-04-24"  # 45 days in total
    assert Message.objects.filter(kind="appeals.extended").exists()
    actions.appeal_answer(appeal=appeal, text="Дах відремонтовано", by=w.housing_executor)
    actions.appeal_rate(appeal=appeal, rating=4, comment="Дякую", by=w.resident)
    assert appeal.status == S.CLOSED and appeal.rating == 4
    with pytest.raises(DomainError) as again:
        actions.appeal_rate(appeal=appeal, rating=5, by=w.resident)
    assert again.value.code == "already_rated"


def test_reopen_within_30_days_only(scoped):
    w = scoped
    appeal = register(w)
    actions.appeal_answer(appeal=appeal, text="Зроблено", by=w.executor)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        with pytest.raises(DomainError) as late:
            actions.appeal_reopen(appeal=appeal, reason="Не зроблено", by=w.resident)
        assert late.value.code == "guard_failed"
    actions.appeal_reopen(appeal=appeal, reason="Не зроблено", by=w.resident)
    assert appeal.status == S.REOPENED and appeal.department == w.roads


def test_bad_transition_and_other_department_change_nothing(scoped):
    w = scoped
    appeal = register(w)
    events = AppealEvent.objects.count()
    with pytest.raises(DomainError) as other:
        actions.appeal_answer(appeal=appeal, text="Не наше", by=w.housing_executor)
    assert other.value.status_code == 403
    with pytest.raises(DomainError) as bad:
        actions.appeal_reopen(appeal=appeal, reason="x", by=w.resident)
    assert bad.value.code == "bad_transition"
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert fresh.status == S.ROUTED and fresh.answer_text == "" and AppealEvent.objects.count() == events


def test_forward_with_reason(scoped):
    w = scoped
    appeal = register(w)
    with pytest.raises(DomainError) as no_reason:
        actions.appeal_forward(appeal=appeal, department=w.housing, reason="", by=w.executor)
    assert no_reason.value.field == "reason"
    actions.appeal_forward(appeal=appeal, department=w.housing, reason="Це двір, не дорога", by=w.executor)
    assert appeal.department == w.housing and appeal.events.last().note == "Це двір, не дорога"
    assert AuditRecord.objects.filter(action="appeals.forward").exists()


def test_return_within_10_days(scoped):
    w = scoped
    appeal = register(w, category=w.other)
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        with pytest.raises(DomainError):
            actions.appeal_return(appeal=appeal, reason="Немає суті", by=w.operator)
    actions.appeal_return(appeal=appeal, reason="Немає суті звернення", by=w.operator)
    assert appeal.status == S.RETURNED
    assert Message.objects.filter(kind="appeals.returned", body__contains="Немає суті звернення").exists()


def test_duplicates_answered_together_and_reporters_notified(scoped):
    w = scoped
    main = register(w)
    other = actions.appeal_register(community=w.community, text="Та сама вибоїна", category=w.pothole,
                                    author=actions.Author(name="Іван Петренко", email="ivan@example.test",
                                                          address="вул. Садова, 1"))
    actions.appeal_mark_duplicate(appeal=other, main=main, by=w.executor)
    actions.appeal_answer(appeal=main, text="Яму закладено", by=w.executor)
    other.refresh_from_db()
    assert other.status == S.ANSWERED and other.answer_text == "Яму закладено"
    assert Message.objects.filter(address="ivan@example.test", kind="appeals.answered").exists()


def test_request_details_and_resident_adds_them(scoped):
    w = scoped
    appeal = register(w)
    actions.appeal_request_details(appeal=appeal, question="Вкажіть номер будинку", by=w.executor)
    actions.appeal_add_details(appeal=appeal, text="Будинок 12", by=w.resident)
    assert list(appeal.events.values_list("kind", flat=True))[-2:] == ["request_details", "add_details"]
    assert Message.objects.filter(kind="appeals.details_requested").exists()


@pytest.mark.parametrize("bad,code", [
    ({"text": ""}, "required"),
    ({"text": "я" * 100_000}, "too_long"),
    ({"category": "no-such"}, "unknown_category"),
    ({"latitude": 50.45, "longitude": 30.52}, "outside_community"),
    ({"latitude": "abc", "longitude": 1}, "bad_location"),
])
def test_bad_input_is_refused_and_stores_nothing(scoped, bad, code):
    with pytest.raises(DomainError) as error:
        register(scoped, **bad)
    assert error.value.code == code and str(error.value.detail)
    assert Appeal.objects.count() == 0


def test_reminders_go_to_executors_and_controllers(scoped):
    from hromada.apps.appeals.tasks import send_reminders

    w = scoped
    register(w)
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        sent = send_reminders(w.community)
        assert send_reminders(w.community) == sent  # idempotent per day: the same messages
    bodies = Message.objects.filter(kind="appeals.reminder")
    assert bodies.filter(address=w.executor.email, body__contains="Overdue appeals: 1").exists()
    assert bodies.filter(address=w.controller.email).exists()
    assert not bodies.filter(address=w.housing_executor.email).exists()


def test_repeated_appeal_by_email_ignores_case(scoped):
    w = scoped
    first = register(w, author=actions.Author(name="Олена", email="olena@example.test"))
    actions.appeal_take(appeal=first, by=w.executor)
    actions.appeal_answer(appeal=first, text="Відремонтовано", by=w.executor)
    again = register(w, author=actions.Author(name="Олена", email="OLENA@Example.test"))
    other = register(w, author=actions.Author(name="Іван", email="ivan@example.test"))
    assert again.is_repeated and again.repeated_of == first
    assert not other.is_repeated


STRANGER_CALLS = {
    "route": lambda w, a, by: actions.appeal_route(appeal=a, department=w.housing, by=by),
    "take": lambda w, a, by: actions.appeal_take(appeal=a, by=by),
    "forward": lambda w, a, by: actions.appeal_forward(appeal=a, department=w.housing, reason="Не наше", by=by),
    "extend": lambda w, a, by: actions.appeal_extend(appeal=a, reason="Потрібен час", by=by),
    "answer": lambda w, a, by: actions.appeal_answer(appeal=a, text="Зроблено", by=by),
    "close": lambda w, a, by: actions.appeal_close(appeal=a, by=by),
    "reopen": lambda w, a, by: actions.appeal_reopen(appeal=a, reason="Не зроблено", by=by),
    "return": lambda w, a, by: actions.appeal_return(appeal=a, reason="Немає суті", by=by),
    "not_consider": lambda w, a, by: actions.appeal_not_consider(appeal=a, reason="Повторне", by=by),
    "rate": lambda w, a, by: actions.appeal_rate(appeal=a, rating=5, by=by),
    "request_details": lambda w, a, by: actions.appeal_request_details(appeal=a, question="Де саме?", by=by),
    "add_details": lambda w, a, by: actions.appeal_add_details(appeal=a, text="Біля школи", by=by),
    "mark_duplicate": lambda w, a, by: actions.appeal_mark_duplicate(appeal=a, main=w.main, by=by),
    "attach": lambda w, a, by: actions.appeal_attach(appeal=a, upload=None, by=by),
}


@pytest.mark.parametrize("status", S.values)
def test_a_stranger_is_refused_403_in_every_state_and_nothing_changes(scoped, status):
    """The permission is checked before the state: someone who may not act learns nothing about the appeal
    (not even whether the step would be possible now), whatever its status."""
    w = scoped
    w.main = register(w, text="Інша вибоїна")
    appeal = register(w)
    Appeal.objects.filter(pk=appeal.pk).update(status=status, answered_at=timezone.now())
    appeal.refresh_from_db()
    events = AppealEvent.objects.count()
    assert set(STRANGER_CALLS) >= set(workflow.WORKFLOW.transitions) - {"register"}
    for stranger in (factories.make_user(community=w.community), w.housing_executor):
        for name, call in STRANGER_CALLS.items():
            with pytest.raises(DomainError) as refused:
                call(w, appeal, stranger)
            assert (name, refused.value.status_code, refused.value.code) == (name, 403, "forbidden")
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert (fresh.status, fresh.department_id, fresh.duplicate_of_id) == (status, w.roads.pk, None)
    assert AppealEvent.objects.count() == events


def test_registration_runs_through_the_workflow(scoped):
    """Registration is the workflow's first transition: the timeline shows it, and it cannot run twice."""
    w = scoped
    appeal = register(w, category=w.other)
    first = appeal.events.get()
    assert (first.kind, first.from_status, first.to_status, first.actor_role) == ("register", "", S.REGISTERED,
                                                                                   "resident")
    assert first.data == {"channel": "web", "number": appeal.number}
    with pytest.raises(DomainError) as again:
        workflow.WORKFLOW.check(appeal, "register")
    assert again.value.status_code == 409


@pytest.mark.parametrize("call", [
    lambda w: register(w),
    lambda w: actions.appeal_take(appeal=w.appeal, by=w.executor),
    lambda w: actions.open311_key_issue(community=w.community, name="Client", by=None),
])
def test_an_action_is_its_own_transaction(scoped, call):
    """An action commits its own work (durable): run inside someone else's transaction it refuses to start,
    so it never reports a success that a later rollback could take back."""
    w = scoped
    w.appeal = register(w)
    appeals, events = Appeal.objects.count(), AppealEvent.objects.count()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        call(w)
    assert (Appeal.objects.count(), AppealEvent.objects.count()) == (appeals, events)
