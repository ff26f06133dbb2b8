"""The action helpers: `require`, `lock` and `apply_transition`, on a real record and its event model
(an appeal and its timeline: the first module on the case core)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, transaction
from django.utils import timezone

from hromada.apps.appeals.models import Appeal, AppealEvent, AppealStatus
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.core.cases.actions import apply_transition, lock, require
from hromada.core.cases.workflow import Transition, Workflow
from hromada.testing import factories
from hromada.testing.concurrency import POSTGRES_RACE

S = AppealStatus
WORKFLOW = Workflow((
    Transition("take", frozenset({S.ROUTED}), S.IN_PROGRESS, "appeals.work_appeal", "Take"),
    Transition("answer", frozenset({S.IN_PROGRESS}), S.ANSWERED, "appeals.work_appeal", "Answer",
               lambda appeal: None if appeal.department_id else "No department."),
), state_message="Not while it is “%(status)s”.", event_model=AppealEvent)


def make_appeal(community, **fields):
    today = timezone.now()
    fields = {"status": S.ROUTED, "number": "KY-2026-000001", "text": "Яма", "due_date": today.date(),
              "due_at": today + timedelta(days=15), **fields}
    return Appeal.objects.create(community=community, **fields)


@pytest.fixture
def case(db, community):
    with tenancy.scope(community):
        department = factories.make_department(community, name_uk="Дороги", code="ROADS")
        executor = factories.make_staff(community, "executor", department=department)
        yield make_appeal(community, department=department), executor


def test_require_refuses_a_stranger_and_nobody_with_403(case):
    appeal, executor = case
    require(executor, "appeals.work_appeal", appeal)
    for user in (None, AnonymousUser(), factories.make_user(community=appeal.community)):
        with pytest.raises(DomainError) as refused:
            require(user, "appeals.work_appeal", appeal, message="Not yours.")
        assert (refused.value.status_code, refused.value.code, str(refused.value.detail)) == (
            403, "forbidden", "Not yours.")


@pytest.mark.django_db(transaction=True)
def test_lock_needs_a_transaction(case):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        lock(case[0])


def test_lock_gives_the_row_as_it_is_now_to_the_caller_too(case):
    appeal, _executor = case
    Appeal.objects.filter(pk=appeal.pk).update(status=S.IN_PROGRESS, answer_text="changed meanwhile")
    with transaction.atomic():
        locked = lock(appeal, related=("community",))
    assert locked.pk == appeal.pk and locked is not appeal
    assert (locked.status, locked.answer_text) == (S.IN_PROGRESS, "changed meanwhile")
    assert (appeal.status, appeal.answer_text) == (S.IN_PROGRESS, "changed meanwhile")


@pytest.mark.django_db(transaction=True)
def test_apply_transition_needs_a_transaction(case):
    appeal, executor = case
    with pytest.raises(RuntimeError, match="inside a transaction"):
        apply_transition(appeal, WORKFLOW, "take", by=executor)
    appeal.refresh_from_db()
    assert appeal.status == S.ROUTED and not AppealEvent.objects.exists()


def test_apply_transition_saves_the_change_and_writes_the_event(case):
    appeal, executor = case
    before = appeal.updated_at
    with transaction.atomic():
        event = apply_transition(lock(appeal), WORKFLOW, "take", by=executor, note="Беру", data={"step": 1},
                                 event={"actor_role": "executor"}, answer_text="draft")
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert (fresh.status, fresh.answer_text) == (S.IN_PROGRESS, "draft") and fresh.updated_at > before
    row = AppealEvent.objects.get()
    assert row == event and row.appeal == fresh and row.community_id == appeal.community_id
    assert (row.kind, row.from_status, row.to_status, row.note, row.data) == (
        "take", S.ROUTED, S.IN_PROGRESS, "Беру", {"step": 1})
    assert (row.actor, row.actor_role) == (executor, "executor")


def test_a_refused_transition_changes_and_writes_nothing(case):
    appeal, executor = case
    stranger = factories.make_user(community=appeal.community)
    for user, name, status_code in ((stranger, "take", 403), (executor, "answer", 409)):
        with pytest.raises(DomainError) as refused, transaction.atomic():
            apply_transition(lock(appeal), WORKFLOW, name, by=user, answer_text="never saved")
        assert refused.value.status_code == status_code
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert (fresh.status, fresh.answer_text) == (S.ROUTED, "") and not AppealEvent.objects.exists()


def test_the_system_runs_a_transition_without_an_actor(case):
    appeal, _executor = case
    Appeal.objects.filter(pk=appeal.pk).update(status=S.IN_PROGRESS)
    with transaction.atomic():
        apply_transition(lock(appeal), WORKFLOW, "answer", event={"actor_role": "system"})
    assert AppealEvent.objects.get().actor is None and Appeal.objects.get(pk=appeal.pk).status == S.ANSWERED


def race(test):
    for mark in reversed(POSTGRES_RACE):
        test = mark(test)
    return test


@race
def test_a_locked_row_waits_for_the_holders_commit(community):
    with tenancy.scope(community):
        appeal = make_appeal(community)
    held, release = threading.Event(), threading.Event()
    outcome: list[object] = []

    def holder() -> None:
        with tenancy.scope(community), transaction.atomic():
            lock(appeal)
            held.set()
            release.wait(timeout=30)

    def other() -> None:
        try:
            with tenancy.scope(community), transaction.atomic():
                Appeal.objects.select_for_update(nowait=True).get(pk=appeal.pk)
            outcome.append("got it")
        except DatabaseError as error:
            outcome.append(error)

    first = threading.Thread(target=holder)
    first.start()
    try:
        assert held.wait(timeout=30)
        second = threading.Thread(target=other)
        second.start()
        second.join(timeout=30)
    finally:
        release.set()
        first.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], DatabaseError)
    other()
    assert outcome[-1] == "got it"
