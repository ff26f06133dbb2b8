"""Races on PostgreSQL: twenty parents ask for five places at the same moment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.models import ClubGroup, Enrolment, EnrolmentStatus
from hromada.apps.equeue.tests.clubs_helpers import make_child, make_club, make_group, make_parent
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE
E = EnrolmentStatus


def enrol_task(community, group_id: int, child, parent) -> Callable[[], str]:
    def task() -> str:
        with tenancy.scope(community):
            try:
                return actions.enrol(group=ClubGroup.objects.get(pk=group_id), child=child, parent=parent).status
            except DomainError as exc:
                return exc.code

    return task


def test_twenty_parents_five_places(community):
    manager = make_parent(community)
    group = make_group(make_club(community, managers=(manager,)), capacity=5)
    families = [(make_child(parent, community), parent) for parent in (make_parent(community) for _ in range(20))]
    outcomes = Counter(run_together([enrol_task(community, group.pk, child, parent) for child, parent in families]))
    assert outcomes == {E.REQUESTED: 5, E.WAITING: 15}, outcomes
    with tenancy.scope(community):
        group.refresh_from_db()
        holding = list(Enrolment.objects.filter(group=group, status=E.REQUESTED).order_by("created_at"))
        waiting = list(Enrolment.objects.filter(group=group, status=E.WAITING).order_by("created_at", "id"))
        assert group.enrolled == len(holding) == 5
        assert len(waiting) == 15
        # the line is in the order the requests were decided: every place went before the first one waiting
        assert holding[-1].created_at <= waiting[0].created_at

        # withdrawals in parallel: each freed place goes to the next child waiting, in order
        withdrawals = [holding[0], holding[1], waiting[5]]

        def withdraw_task(enrolment) -> Callable[[], str]:
            def task() -> str:
                with tenancy.scope(community):
                    return actions.withdraw(enrolment=enrolment, by=enrolment.child.parent).status
            return task

        assert Counter(run_together([withdraw_task(e) for e in withdrawals])) == {E.WITHDRAWN: 3}
        group.refresh_from_db()
        moved_up = set(Enrolment.objects.filter(pk__in=[w.pk for w in waiting], status=E.REQUESTED)
                       .values_list("pk", flat=True))
        assert moved_up == {waiting[0].pk, waiting[1].pk}
        assert group.enrolled == Enrolment.objects.filter(
            group=group, status__in=actions.HOLDS_A_PLACE).count() == 5
