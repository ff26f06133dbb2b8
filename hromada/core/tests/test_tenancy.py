"""One community never sees or writes another community's rows."""

from __future__ import annotations

import pytest

from hromada.apps.accounts.models import Role, StaffRole
from hromada.apps.communities.models import Department, District
from hromada.core import tenancy
from hromada.testing import factories

SQUARE = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.1], [30.0, 50.0]]]}


@pytest.fixture
def two(community, other_community):
    """Kyiv and Lviv, each with two districts, two departments and staff; one person works in both."""
    rows = {}
    for c in (community, other_community):
        rows[c.slug] = {
            "districts": [factories.make_district(c, SQUARE, name_uk=f"{c.slug} район {i}") for i in (1, 2)],
            "departments": [factories.make_department(c, name_uk=f"{c.slug} відділ {i}", code=f"D{i}")
                            for i in (1, 2)],
            "operator": factories.make_staff(c, Role.OPERATOR),
        }
    shared = factories.make_staff(community, Role.EXECUTOR, department=rows["kyiv"]["departments"][0])
    with tenancy.scope(other_community):
        StaffRole.objects.create(community=other_community, user=shared, role=Role.EXECUTOR,
                                 department=rows["lviv"]["departments"][0])
    rows["shared"] = shared
    return rows


@pytest.mark.parametrize("model", [District, Department, StaffRole])
def test_all_and_count_show_only_the_active_community(two, community, other_community, model):
    with tenancy.scope(community):
        kyiv_ids = set(model.objects.values_list("community_id", flat=True))
        kyiv_count = model.objects.count()
    with tenancy.scope(other_community):
        lviv_count = model.objects.count()
    with tenancy.scope(all_communities=True):
        total = model.objects.count()
    assert kyiv_ids == {community.pk}
    assert kyiv_count + lviv_count == total
    assert kyiv_count > 0 and lviv_count > 0


def test_filter_values_and_get_do_not_reach_the_other_community(two, community):
    lviv_district = two["lviv"]["districts"][0]
    lviv_department = two["lviv"]["departments"][0]
    with tenancy.scope(community):
        assert not District.objects.filter(name_uk__startswith="lviv").exists()
        assert not Department.objects.filter(pk=lviv_department.pk).exists()
        names = sorted(Department.objects.values_list("name_uk", flat=True))
        assert names == ["kyiv відділ 1", "kyiv відділ 2"]
        assert {row["name_uk"] for row in District.objects.values("name_uk")} == {"kyiv район 1", "kyiv район 2"}
        with pytest.raises(District.DoesNotExist):
            District.objects.get(pk=lviv_district.pk)
        with pytest.raises(Department.DoesNotExist):
            Department.objects.get(code="D1", name_uk__startswith="lviv")


def test_related_managers_are_scoped(two, community, other_community):
    shared = two["shared"]
    with tenancy.scope(community):
        roles = list(shared.staff_roles.all())
        assert [r.community_id for r in roles] == [community.pk]
        assert shared.staff_roles.count() == 1
        # The Lviv department's staff are invisible from Kyiv, even through the relation.
        assert two["lviv"]["departments"][0].staff.count() == 0
        assert two["kyiv"]["departments"][0].staff.count() == 1
    with tenancy.scope(other_community):
        assert shared.staff_roles.get().department_id == two["lviv"]["departments"][0].pk


@pytest.mark.parametrize("query", [
    lambda: list(District.objects.all()),
    lambda: Department.objects.count(),
    lambda: StaffRole.objects.filter(role=Role.OPERATOR).exists(),
    lambda: District.objects.get(pk=1),
])
def test_querying_without_a_community_raises(two, query):
    with pytest.raises(tenancy.ScopeError, match="tenant-owned"):
        query()


def test_scope_needs_a_community_or_an_explicit_all():
    with pytest.raises(ValueError, match="all_communities"), tenancy.scope():
        pass


def test_scope_is_restored_after_the_block(community, other_community):
    with tenancy.scope(community):
        with tenancy.scope(other_community):
            assert tenancy.current_community_id() == other_community.pk
        assert tenancy.current_community_id() == community.pk
    assert tenancy.current_scope() is None


def test_saving_a_row_of_another_community_raises(two, community, other_community):
    with tenancy.scope(community):
        with pytest.raises(tenancy.ScopeError):
            Department.objects.create(community=other_community, name_uk="Чужий відділ")
        lviv_department = two["lviv"]["departments"][0]
        lviv_department.name_uk = "Перейменовано з Києва"
        with pytest.raises(tenancy.ScopeError):
            lviv_department.save()
    with tenancy.scope(all_communities=True):
        assert not Department.objects.filter(name_uk__in=["Чужий відділ", "Перейменовано з Києва"]).exists()


def test_saving_without_a_scope_raises(community):
    with pytest.raises(tenancy.ScopeError):
        Department(community=community, name_uk="Без громади").save()


def test_new_rows_take_the_active_community(community):
    with tenancy.scope(community):
        department = Department.objects.create(name_uk="Відділ без явної громади")
    assert department.community_id == community.pk


def test_bulk_create_cannot_write_into_another_community(community, other_community):
    with tenancy.scope(community):
        with pytest.raises(tenancy.ScopeError):
            Department.objects.bulk_create([Department(community=other_community, name_uk="Підкинутий")])
        created = Department.objects.bulk_create([Department(name_uk="Масово створений")])
    with tenancy.scope(all_communities=True):
        assert not Department.objects.filter(name_uk="Підкинутий").exists()
        assert Department.objects.get(name_uk="Масово створений").community_id == community.pk
    assert created[0].community_id == community.pk


def test_update_cannot_move_rows_into_another_community(two, community, other_community):
    with tenancy.scope(community), pytest.raises(tenancy.ScopeError):
        Department.objects.filter(code="D1").update(community=other_community)
    with tenancy.scope(other_community):
        assert Department.objects.count() == 2


def test_deleting_a_row_of_another_community_raises(two, community):
    lviv_department = two["lviv"]["departments"][1]
    with tenancy.scope(community), pytest.raises(tenancy.ScopeError):
        lviv_department.delete()
    with tenancy.scope(all_communities=True):
        assert Department.objects.filter(pk=lviv_department.pk).exists()


def test_all_communities_scope_sees_everything_and_may_write_anywhere(two, community, other_community):
    with tenancy.scope(all_communities=True):
        assert District.objects.count() == 4
        Department.objects.create(community=other_community, name_uk="Створено платформою")
    with tenancy.scope(other_community):
        assert Department.objects.filter(name_uk="Створено платформою").exists()


def test_a_queryset_made_without_a_community_is_filtered_when_used(two, community, other_community):
    # as a form field or serializer defines it at import time
    departments = Department.objects.all()
    named = Department.objects.filter(name_uk__startswith="")
    with pytest.raises(tenancy.ScopeError, match="tenant-owned"):
        list(named)
    with tenancy.scope(community):
        kyiv_names = {d.name_uk for d in departments.all()}
        assert kyiv_names == {d.name_uk for d in two["kyiv"]["departments"]}
        assert named.count() == len(two["kyiv"]["departments"])
    with tenancy.scope(other_community):
        assert {d.name_uk for d in Department.objects.all()} == {d.name_uk for d in two["lviv"]["departments"]}


def test_a_pending_queryset_used_as_subquery_is_filtered_too(two, community):
    lviv_ids = [d.pk for d in two["lviv"]["departments"]]
    every_department = Department.objects.values("pk")  # made with no community active
    with tenancy.scope(community):
        roles = StaffRole.objects.filter(department__in=every_department)
        assert not roles.filter(department__in=lviv_ids).exists()


def test_pending_queryset_updates_and_deletes_only_the_active_community(two, community, other_community):
    from django.db.models import Exists, OuterRef

    renamed = Department.objects.all()
    doomed = District.objects.all()
    with pytest.raises(tenancy.ScopeError):
        Department.objects.all().update(name_en="nowhere")
    with tenancy.scope(community):
        assert renamed.update(name_en="Kyiv unit") == len(two["kyiv"]["departments"])
        has_staff = Department.objects.annotate(
            staffed=Exists(StaffRole.objects.all().filter(department=OuterRef("pk")))
        )
        assert all(d.community_id == community.pk for d in has_staff)
        doomed.delete()
        assert not District.objects.exists()
    with tenancy.scope(other_community):
        assert not Department.objects.filter(name_en="Kyiv unit").exists()
        assert District.objects.count() == len(two["lviv"]["districts"])
