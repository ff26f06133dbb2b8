"""Back-office screens for categories and routing rules: community admin only, every change audited."""

import pytest

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, Category, RoutingRule
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord

SCREENS = ["/c/kyiv/appeals/office/categories/", "/c/kyiv/appeals/office/routing/"]


@pytest.mark.parametrize("role,expected", [("resident", 403), ("operator", 403), ("executor", 403),
                                           ("controller", 403), ("moderator", 403), ("admin", 200)])
def test_only_the_community_admin_opens_the_screens(client, world, role, expected):
    client.force_login(getattr(world, role))
    assert [client.get(url).status_code for url in SCREENS] == [expected, expected]
    with tenancy.scope(world.community):
        rule = RoutingRule.objects.first()
    assert client.get(f"/c/kyiv/appeals/office/categories/{world.pothole.pk}/").status_code == expected
    assert client.post(f"/c/kyiv/appeals/office/routing/{rule.pk}/", {"delete": "1"}).status_code in (
        {302} if expected == 200 else {403})


def test_admin_adds_and_edits_a_category_audited(client, world):
    client.force_login(world.admin)
    response = client.post(SCREENS[0], {"code": "trees", "name_uk": "Дерева", "name_en": "Trees", "icon": "🌳",
                                        "parent": world.other.pk, "is_public": "on", "position": "5"})
    assert response.status_code == 302
    with tenancy.scope(world.community):
        trees = Category.objects.get(code="trees")
    assert trees.parent_id == world.other.pk and trees.is_public and not trees.needs_study
    assert "🌳 Trees" in client.get(SCREENS[0]).content.decode()  # the English name: tests read English
    response = client.post(f"/c/kyiv/appeals/office/categories/{trees.pk}/", {
        "code": "trees", "name_uk": "Зелені насадження", "needs_study": "on", "is_active": "on", "position": "5"})
    assert response.status_code == 302
    with tenancy.scope(world.community):
        trees.refresh_from_db()
    assert trees.name_uk == "Зелені насадження" and trees.needs_study and trees.parent_id is None
    records = AuditRecord.objects.filter(actor=world.admin, action__startswith="appeals.category_")
    assert list(records.order_by("id").values_list("action", flat=True)) == [
        "appeals.category_create", "appeals.category_update"]
    assert records.get(action="appeals.category_update").data["name_uk"] == "Зелені насадження"


def test_bad_category_input_changes_nothing(client, world):
    client.force_login(world.admin)
    duplicate = client.post(SCREENS[0], {"code": "pothole", "name_uk": "Ще раз", "position": "0"})
    assert duplicate.status_code == 400 and b"already exists" in duplicate.content
    child = client.post(SCREENS[0], {"code": "small-holes", "name_uk": "Дрібні ями", "parent": world.pothole.pk,
                                     "position": "0"})
    assert child.status_code == 302
    with tenancy.scope(world.community):
        small = Category.objects.get(code="small-holes")
    cycle = client.post(f"/c/kyiv/appeals/office/categories/{world.pothole.pk}/", {
        "code": "pothole", "name_uk": "Вибоїни", "parent": small.pk, "position": "0"})
    assert cycle.status_code == 400 and b"under itself" in cycle.content
    with tenancy.scope(world.community):
        assert Category.objects.get(pk=world.pothole.pk).parent_id is None
    assert not AuditRecord.objects.filter(action="appeals.category_update").exists()


def test_admin_manages_routing_rules_and_routing_follows(client, world):
    client.force_login(world.admin)
    response = client.post(SCREENS[1], {"category": world.other.pk, "district": world.centre.pk,
                                        "department": world.roads.pk})
    assert response.status_code == 302
    clash = client.post(SCREENS[1], {"category": world.other.pk, "district": world.centre.pk,
                                     "department": world.housing.pk})
    assert clash.status_code == 400 and b"already a rule" in clash.content
    with tenancy.scope(world.community):
        rule = RoutingRule.objects.get(category=world.other)
        routed = actions.appeal_register(community=world.community, text="Інше питання", category=world.other,
                                         author=actions.Author(user=world.resident), latitude=49.79, longitude=30.12)
    assert routed.department_id == world.roads.pk
    edited = client.post(f"/c/kyiv/appeals/office/routing/{rule.pk}/", {
        "category": world.other.pk, "district": "", "department": world.housing.pk})
    assert edited.status_code == 302
    with tenancy.scope(world.community):
        rule.refresh_from_db()
    assert rule.district_id is None and rule.department_id == world.housing.pk
    assert client.post(f"/c/kyiv/appeals/office/routing/{rule.pk}/", {"delete": "1"}).status_code == 302
    with tenancy.scope(world.community):
        assert not RoutingRule.objects.filter(category=world.other).exists()
        assert Appeal.objects.get(pk=routed.pk).department_id == world.roads.pk  # routed appeals keep their department
    assert list(AuditRecord.objects.filter(actor=world.admin, action__startswith="appeals.routing_rule_")
                .order_by("id").values_list("action", flat=True)) == [
        "appeals.routing_rule_create", "appeals.routing_rule_update", "appeals.routing_rule_delete"]
