"""Every role × every permission of appeals, as one matrix."""

import pytest

from hromada.apps.appeals import actions
from hromada.core import tenancy
from hromada.testing import factories

ROLES = ["anonymous", "resident", "author", "operator", "executor", "other_executor", "controller", "moderator",
         "admin", "foreign_staff"]
# permission -> roles that hold it on a routed appeal of the roads department
MATRIX = {
    "appeals.view_appeal": {"author", "operator", "executor", "controller", "admin"},
    "appeals.intake_appeal": {"operator", "admin"},
    "appeals.route_appeal": {"operator", "admin"},
    "appeals.return_appeal": {"operator", "admin"},
    "appeals.work_appeal": {"executor"},
    "appeals.forward_appeal": {"executor", "operator", "admin"},
    "appeals.extend_appeal": {"executor", "controller", "admin"},
    "appeals.rate_appeal": {"author"},
    "appeals.reopen_appeal": {"author"},
    "appeals.mark_duplicate": {"executor", "operator", "admin"},
    "appeals.view_dashboard": {"controller", "admin"},
    "appeals.manage_appeals": {"admin"},
}


@pytest.fixture
def people(world, other_community):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(), "resident": factories.make_user(community=world.community),
        "author": world.resident, "operator": world.operator, "executor": world.executor,
        "other_executor": world.housing_executor, "controller": world.controller, "moderator": world.moderator,
        "admin": world.admin,
        "foreign_staff": factories.make_staff(other_community, "admin"),
    }


@pytest.mark.parametrize("permission", list(MATRIX))
def test_permission_matrix(world, people, permission):
    with tenancy.scope(world.community):
        appeal = actions.appeal_register(community=world.community, text="Яма", category=world.pothole,
                                         author=actions.Author(user=world.resident))
        got = {role for role in ROLES if people[role].has_perm(permission, appeal)}
    assert got == MATRIX[permission]


@pytest.mark.parametrize("role,expected", [("anonymous", 302), ("resident", 404), ("author", 200),
                                           ("executor", 200), ("other_executor", 404), ("foreign_staff", 404)])
def test_detail_page_by_role(client, world, people, role, expected):
    with tenancy.scope(world.community):
        appeal = actions.appeal_register(community=world.community, text="Яма", category=world.pothole,
                                         author=actions.Author(user=world.resident))
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(f"/c/kyiv/appeals/{appeal.pk}/")
    assert response.status_code == (404 if expected == 302 else expected)


@pytest.mark.parametrize("role,expected", [("anonymous", 401), ("resident", 403), ("operator", 403),
                                           ("executor", 200), ("controller", 403)])
def test_api_queue_by_role(client, world, people, role, expected):
    if role != "anonymous":
        client.force_login(people[role])
    assert client.get("/c/kyiv/api/v1/appeals/queue/").status_code == expected
