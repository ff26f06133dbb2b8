"""The one staff-role lookup: a role held in one community never counts in another, is read once per
request's user, and a change shows at once."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from hromada.apps.accounts.models import Role, StaffRole
from hromada.apps.accounts.roles import staff_roles
from hromada.core import tenancy
from hromada.testing import factories


def test_roles_and_departments_are_those_held_in_that_community(community, other_community):
    roads = factories.make_department(community, code="ROADS")
    person = factories.make_staff(community, Role.EXECUTOR, department=roads)
    with tenancy.scope(other_community):
        StaffRole.objects.create(community=other_community, user=person, role=Role.ADMIN)

    here, there = staff_roles(person, community), staff_roles(person, other_community.pk)
    assert here.roles == {Role.EXECUTOR} and here.departments == {roads.pk}
    assert here.executes_for(roads.pk) and not here.has(Role.ADMIN)
    assert there.roles == {Role.ADMIN} and not there.departments and not there.executes_for(roads.pk)
    assert person.has_perm("accounts.manage_staff", other_community)
    assert not person.has_perm("accounts.manage_staff", community)


def test_nobody_without_a_community_or_an_account_holds_a_role(community):
    person = factories.make_staff(community, Role.ADMIN)
    assert not staff_roles(person, None)
    assert not staff_roles(AnonymousUser(), community)


def test_a_platform_admin_holds_every_role_in_every_department(community):
    admin = factories.make_user(is_superuser=True)
    held = staff_roles(admin, community)
    assert held.roles == set(Role.values) and held.has(Role.CONTROLLER) and held.executes_for(12345)


def test_roles_are_read_once_per_user_object_and_a_change_is_seen_at_once(community,
                                                                          django_assert_num_queries):
    person = factories.make_staff(community, Role.OPERATOR)
    with django_assert_num_queries(1):
        for _check in range(5):  # a page checking several permissions reads the roles once
            assert person.has_perm("accounts.verify_in_person", community)
            assert not person.has_perm("accounts.manage_staff", community)
    with tenancy.scope(community):
        StaffRole.objects.create(community=community, user=person, role=Role.ADMIN)
    assert person.has_perm("accounts.manage_staff", community)  # given now, counted now
    with tenancy.scope(community):
        StaffRole.objects.filter(user=person).delete()
    assert not person.has_perm("accounts.verify_in_person", community)
