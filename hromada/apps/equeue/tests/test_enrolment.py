"""Enrolment in clubs through the actions: places, the waiting list, the quota, ages, the club's decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.models import Child, ClubGroup, Enrolment, EnrolmentPolicy, EnrolmentStatus
from hromada.apps.equeue.tests.clubs_helpers import SEASON, make_child, make_club, make_group, make_parent
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db
E = EnrolmentStatus


@pytest.fixture
def scoped(community):
    with tenancy.scope(community):
        yield community


@pytest.fixture
def manager(community):
    return make_parent(community, full_name="Тренерка Ірина")


@pytest.fixture
def club(community, manager):
    return make_club(community, managers=(manager,), name_uk="Плавання «Дельфін»")


def rows(group):
    return ClubGroup.objects.get(pk=group.pk).enrolled, Enrolment.objects.filter(
        group=group, status__in=actions.HOLDS_A_PLACE).count()


def test_the_whole_path_a_waiting_child_gets_the_freed_place(scoped, club, manager):
    group = make_group(club, capacity=2, name="Дельфінчики")
    parents = [make_parent(scoped, full_name=f"Батько {n}") for n in range(4)]
    children = [make_child(p, scoped, full_name=f"Дитина {n}") for n, p in enumerate(parents)]
    made = [actions.enrol(group=group, child=c, parent=p) for c, p in zip(children, parents, strict=True)]
    assert [e.status for e in made] == [E.REQUESTED, E.REQUESTED, E.WAITING, E.WAITING]
    assert rows(group) == (2, 2)

    actions.confirm(enrolment=made[0], by=manager)
    assert Enrolment.objects.get(pk=made[0].pk).status == E.CONFIRMED
    assert Message.objects.filter(recipient=parents[0], kind="equeue.enrolment_confirmed").count() == 1

    actions.withdraw(enrolment=made[1], by=parents[1])
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses[made[1].pk] == E.WITHDRAWN
    assert statuses[made[2].pk] == E.REQUESTED  # the first waiting child was moved up …
    assert statuses[made[3].pk] == E.WAITING  # … and only that one
    told = Message.objects.get(recipient=parents[2], kind="equeue.enrolment_offered")
    assert "Дельфінчики" in told.subject and "Дитина 2" in told.body
    assert not Message.objects.filter(recipient=parents[3]).exists()
    assert rows(group) == (2, 2)

    actions.confirm(enrolment=made[2], by=manager)
    assert Enrolment.objects.get(pk=made[2].pk).status == E.CONFIRMED


def test_declining_a_request_frees_the_place_for_the_next(scoped, club, manager):
    group = make_group(club, capacity=1)
    first_parent, second_parent = make_parent(scoped), make_parent(scoped)
    first = actions.enrol(group=group, child=make_child(first_parent, scoped), parent=first_parent)
    second = actions.enrol(group=group, child=make_child(second_parent, scoped), parent=second_parent)
    actions.decline(enrolment=first, by=manager, note="Немає медичної довідки")
    assert Enrolment.objects.get(pk=first.pk).note == "Немає медичної довідки"
    assert Enrolment.objects.get(pk=second.pk).status == E.REQUESTED
    assert Message.objects.filter(recipient=first_parent, kind="equeue.enrolment_declined").exists()
    assert rows(group) == (1, 1)


def test_withdrawing_from_the_waiting_list_keeps_the_places(scoped, club):
    group = make_group(club, capacity=1)
    parents = [make_parent(scoped) for _ in range(2)]
    made = [actions.enrol(group=group, child=make_child(p, scoped), parent=p) for p in parents]
    actions.withdraw(enrolment=made[1], by=parents[1])
    assert rows(group) == (1, 1)
    assert Enrolment.objects.get(pk=made[0].pk).status == E.REQUESTED


def test_the_quota_per_season(scoped, club):
    parent = make_parent(scoped)
    child = make_child(parent, scoped)
    groups = [make_group(club) for _ in range(4)]
    actions.enrol(group=groups[0], child=child, parent=parent)
    actions.enrol(group=groups[1], child=child, parent=parent)
    with pytest.raises(DomainError) as refused:
        actions.enrol(group=groups[2], child=child, parent=parent)
    assert refused.value.code == "quota_reached" and "2 groups" in str(refused.value.detail)
    assert Enrolment.objects.filter(child=child).count() == 2 and rows(groups[2]) == (0, 0)
    other_season = make_group(club, season="2027/2028")
    assert actions.enrol(group=other_season, child=child, parent=parent).status == E.REQUESTED
    EnrolmentPolicy.objects.create(community=scoped, season=SEASON, groups_per_child=3)
    assert actions.enrol(group=groups[2], child=child, parent=parent).status == E.REQUESTED


def test_a_withdrawn_enrolment_does_not_count_and_the_child_may_come_back(scoped, club):
    parent = make_parent(scoped)
    child = make_child(parent, scoped)
    group = make_group(club)
    first = actions.enrol(group=group, child=child, parent=parent)
    with pytest.raises(DomainError) as twice:
        actions.enrol(group=group, child=child, parent=parent)
    assert twice.value.code == "already_enrolled"
    actions.withdraw(enrolment=first, by=parent)
    assert actions.enrol(group=group, child=child, parent=parent).status == E.REQUESTED


@pytest.mark.parametrize(("birth_date", "fits"), [
    (date(2020, 9, 2), False),  # 5 on 1 September 2026
    (date(2020, 9, 1), True),  # 6 that day
    (date(2015, 9, 2), True),  # still 10
    (date(2015, 9, 1), False),  # 11
])
def test_the_age_on_the_first_of_september(scoped, club, birth_date, fits):
    parent = make_parent(scoped)
    group = make_group(club, age_min=6, age_max=10)
    child = make_child(parent, scoped, birth_date=birth_date)
    if fits:
        assert actions.enrol(group=group, child=child, parent=parent).status == E.REQUESTED
        return
    with pytest.raises(DomainError) as refused:
        actions.enrol(group=group, child=child, parent=parent)
    assert refused.value.code == "age_out_of_range" and "aged 6 to 10" in str(refused.value.detail)
    assert not Enrolment.objects.exists()


def test_another_parents_child_is_refused(scoped, club):
    parent, stranger = make_parent(scoped), make_parent(scoped)
    child = make_child(parent, scoped)
    with pytest.raises(DomainError) as refused:
        actions.enrol(group=make_group(club), child=child, parent=stranger)
    assert refused.value.status_code == 403 and refused.value.code == "not_your_child"
    assert not Enrolment.objects.exists()


def test_a_closed_group_and_a_group_of_another_community(scoped, club, other_community):
    parent = make_parent(scoped)
    child = make_child(parent, scoped)
    closed = make_group(club, is_open=False)
    with pytest.raises(DomainError) as refused:
        actions.enrol(group=closed, child=child, parent=parent)
    assert refused.value.code == "group_closed"
    elsewhere = make_group(make_club(other_community))
    with pytest.raises(DomainError) as refused, tenancy.scope(all_communities=True):
        actions.enrol(group=elsewhere, child=child, parent=parent)
    assert refused.value.code == "other_community"
    assert not Enrolment.objects.exists()


def test_only_the_parent_withdraws_and_only_the_club_or_an_admin_decides(scoped, club, staff, other_community):
    from hromada.testing import factories

    parent = make_parent(scoped)
    enrolment = actions.enrol(group=make_group(club), child=make_child(parent, scoped), parent=parent)
    other_manager = make_parent(scoped)
    make_club(scoped, managers=(other_manager,))
    foreign_admin = factories.make_staff(other_community, "admin")
    for outsider in (other_manager, foreign_admin, parent, staff("operator")):
        with pytest.raises(DomainError) as refused:
            actions.confirm(enrolment=enrolment, by=outsider)
        assert refused.value.status_code == 403
    with pytest.raises(DomainError):
        actions.withdraw(enrolment=enrolment, by=other_manager)
    assert Enrolment.objects.get(pk=enrolment.pk).status == E.REQUESTED
    actions.confirm(enrolment=enrolment, by=staff("admin"))
    assert Enrolment.objects.get(pk=enrolment.pk).status == E.CONFIRMED
    with pytest.raises(DomainError) as again:
        actions.decline(enrolment=enrolment, by=staff("admin"))
    assert again.value.status_code == 409


@pytest.mark.parametrize(("days_old", "code"), [(-1, "birth_date_future"), (365 * 18 + 5, "birth_date_adult")])
def test_a_child_with_a_wrong_birth_date_is_not_added(scoped, days_old, code):
    parent = make_parent(scoped)
    with pytest.raises(DomainError) as refused:
        actions.add_child(parent=parent, community=scoped, full_name="Марко",
                          birth_date=timezone.localdate() - timedelta(days=days_old))
    assert refused.value.code == code and refused.value.field == "birth_date"
    assert not Child.objects.exists()
    child = actions.add_child(parent=parent, community=scoped, full_name="  Марко  ", birth_date=date(2019, 5, 5))
    assert (child.full_name, child.parent) == ("Марко", parent)


def test_a_capacity_raised_lets_the_waiting_in_first(scoped, club):
    group = make_group(club, capacity=1)
    parents = [make_parent(scoped) for _ in range(3)]
    first = actions.enrol(group=group, child=make_child(parents[0], scoped), parent=parents[0])
    waiting = actions.enrol(group=group, child=make_child(parents[1], scoped), parent=parents[1])
    ClubGroup.objects.filter(pk=group.pk).update(capacity=2)
    late = actions.enrol(group=group, child=make_child(parents[2], scoped), parent=parents[2])
    assert (first.status, late.status) == (E.REQUESTED, E.WAITING)
    assert Enrolment.objects.get(pk=waiting.pk).status == E.REQUESTED
    assert rows(group) == (2, 2)
