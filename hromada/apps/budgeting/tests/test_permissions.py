"""The permission matrix: every role × every action × every phase, then every endpoint × every role.

The expected answer is declared once below (who, and in which phases); the tests compare the
rules (and the endpoints that declare them) against it. One community's staff are plain visitors
in another community."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction

from hromada.apps.accounts.models import IdentityLevel, Role
from hromada.apps.budgeting.models import ImplementationItem, ProjectStatus
from hromada.apps.budgeting.phases import PhaseKind, phases_of
from hromada.apps.budgeting.rules import author_ids, cycle_of, project_of, staff_roles
from hromada.apps.budgeting.tests import factories as bf
from hromada.core import tenancy
from hromada.testing import factories

ROLES = ["anonymous", "unverified", "resident", "author", "operator", "executor", "other_executor", "moderator",
         "admin", "other_community_admin"]
PHASES = ["before", *PhaseKind.values, "after"]
STAFF = {"operator", "executor", "other_executor", "moderator", "admin"}
RESIDENTS = {"resident", "author"} | STAFF  # staff live in the community too (verified, 30 years old)
SIGNED_IN = set(ROLES) - {"anonymous"}
ALWAYS = set(PHASES)

# perm: (object in the world, roles allowed, phases allowed)
EXPECTED: dict[str, tuple[str, set[str], set[str]]] = {
    "budgeting.propose_project": ("cycle", RESIDENTS, {"submission"}),
    "budgeting.change_project": ("draft", {"author"}, {"submission"}),
    "budgeting.submit_project": ("draft", {"author"}, {"submission"}),
    "budgeting.withdraw_project": ("public", {"author"}, {"submission", "review"}),
    "budgeting.moderate_project": ("public", {"moderator", "admin"}, {"submission", "review"}),
    "budgeting.assign_project": ("public", {"moderator", "admin"}, {"review"}),
    "budgeting.review_project": ("public", {"executor"}, {"review"}),
    "budgeting.revise_project": ("public", {"author"}, {"review"}),
    "budgeting.appeal_project": ("public", {"author"}, {"review"}),
    "budgeting.decide_appeal": ("public", {"admin"}, {"review"}),
    "budgeting.prepare_ballot": ("cycle", {"admin"}, {"review", "voting"}),
    "budgeting.vote": ("cycle", RESIDENTS, {"voting"}),
    "budgeting.enter_paper_ballot": ("cycle", {"operator", "admin"}, {"voting"}),
    "budgeting.comment_project": ("public", SIGNED_IN - {"unverified"}, set(PhaseKind.values)),
    "budgeting.moderate_comment": ("public", {"moderator", "admin"}, ALWAYS),
    "budgeting.tally_cycle": ("cycle", {"admin"}, {"results"}),
    "budgeting.start_implementation": ("cycle", {"admin"}, {"results", "implementation"}),
    "budgeting.update_implementation": ("item", {"executor", "admin"}, {"implementation"}),
    "budgeting.manage_cycle": ("cycle", {"admin"}, ALWAYS),
    "budgeting.import_taxpayers": ("cycle", {"admin"}, ALWAYS),
    "budgeting.view_office": ("cycle", STAFF, ALWAYS),
    "budgeting.view_project": ("draft", {"author", "executor", "moderator", "admin"}, ALWAYS),
}

MOMENTS = {"before": bf.BEFORE, "after": bf.AFTER, **{k: bf.INSIDE[PhaseKind(k)] for k in PhaseKind.values}}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Any:
    """One community with a person per role and projects in the statuses the actions need,
    kept for the whole module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock():
        from django.db import connection

        assert connection.creation._get_test_db_name() == connection.settings_dict["NAME"], "not the test database"
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            home = factories.make_community("matrix-town")
            away = factories.make_community("matrix-other")
            department = factories.make_department(home, name_uk="Відділ благоустрою")
            people: dict[str, Any] = {
                "unverified": factories.make_user(community=home, level=IdentityLevel.UNVERIFIED),
                "resident": factories.make_user(community=home, level=IdentityLevel.VERIFIED),
                "author": factories.make_user(community=home, level=IdentityLevel.VERIFIED),
                "operator": factories.make_staff(home, Role.OPERATOR),
                "executor": factories.make_staff(home, Role.EXECUTOR, department=department),
                "other_executor": factories.make_staff(home, Role.EXECUTOR),
                "moderator": factories.make_staff(home, Role.MODERATOR),
                "admin": factories.make_staff(home, Role.ADMIN),
                "other_community_admin": factories.make_staff(away, Role.ADMIN),
            }
            for person in people.values():
                person.birth_date = date(1990, 1, 1)
                person.save(update_fields=["birth_date"])
            cycle = bf.make_cycle(home)
            author = people["author"]
            objects = {
                "cycle": cycle,
                "draft": bf.make_project(cycle, author=author, status=ProjectStatus.DRAFT, department=department),
                "public": bf.make_project(cycle, author=author, status=ProjectStatus.UNDER_REVIEW,
                                          department=department),
                "not_feasible": bf.make_project(cycle, author=author, status=ProjectStatus.NOT_FEASIBLE,
                                                department=department),
                "published": bf.make_project(cycle, author=author, status=ProjectStatus.PUBLISHED),
                "appealed": bf.make_project(cycle, author=author, status=ProjectStatus.APPEALED,
                                            department=department),
                "winner": bf.make_project(cycle, author=author, status=ProjectStatus.IMPLEMENTATION,
                                          department=department),
            }
            with tenancy.scope(home):
                objects["item"] = ImplementationItem.objects.create(community=home, project=objects["winner"],
                                                                    department=department)
                # Read once what the rules look up (roles, authors, phases, the item's project), so
                # the role × action × phase matrix runs without touching the database.
                for person in people.values():
                    staff_roles(person, home.pk)
                for obj in objects.values():
                    cycle = cycle_of(obj)
                    phases_of(cycle)
                    cycle.community  # noqa: B018 - loads the related community
                    if project_of(obj) is not None:
                        author_ids(project_of(obj))
            yield {"community": home, "people": people, "objects": objects}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _person(world: Any, role: str) -> Any:
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return world["people"][role]


@pytest.mark.django_db  # the rules read nothing (the world pre-loaded it), but the test database must exist
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("perm", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, time_machine, role, perm, phase):
    time_machine.move_to(MOMENTS[phase], tick=False)
    target, roles, phases_allowed = EXPECTED[perm]
    person = _person(world, role)
    with tenancy.scope(world["community"]):
        allowed = person.has_perm(perm, world["objects"][target])
    assert allowed is (role in roles and phase in phases_allowed)


# --- endpoints ------------------------------------------------------------------------------

B = "/c/matrix-town/budget"
A = "/c/matrix-town/api/v1/budget"

# name: (method, path template, body, phase, roles allowed, api?)
ENDPOINTS: dict[str, tuple[str, str, dict, str, set[str], bool]] = {
    "propose": ("get", B + "/pb2026/propose/", {}, "submission", RESIDENTS, False),
    "edit": ("get", B + "/projects/{draft}/edit/", {}, "submission", {"author"}, False),
    "submit": ("post", B + "/projects/{draft}/submit/", {}, "submission", {"author"}, False),
    "withdraw": ("post", B + "/projects/{public}/withdraw/", {}, "review", {"author"}, False),
    "revise": ("get", B + "/projects/{not_feasible}/revise/", {}, "review", {"author"}, False),
    "appeal": ("get", B + "/projects/{not_feasible}/appeal/", {}, "review", {"author"}, False),
    "comment": ("post", B + "/projects/{public}/comments/", {"text": ""}, "review", SIGNED_IN - {"unverified"},
                False),
    "view_draft": ("get", B + "/projects/{draft}/", {}, "submission", {"author", "executor", "moderator", "admin"},
                   False),
    "vote": ("post", B + "/pb2026/vote/", {}, "voting", RESIDENTS, False),
    "office": ("get", B + "/office/", {}, "review", STAFF, False),
    "office_project": ("get", B + "/office/projects/{public}/", {}, "review", STAFF, False),
    "moderate": ("post", B + "/office/projects/{published}/", {"action": "take"}, "review", {"moderator", "admin"},
                 False),
    "assign": ("post", B + "/office/projects/{published}/", {"action": "assign"}, "review",
               {"moderator", "admin"}, False),
    "review": ("post", B + "/office/projects/{public}/", {"action": "review"}, "review", {"executor"}, False),
    "decide_appeal": ("post", B + "/office/projects/{appealed}/", {"action": "decide_appeal"}, "review",
                      {"admin"}, False),
    "comments": ("get", B + "/office/comments/", {}, "review", {"moderator", "admin"}, False),
    "office_cycle": ("get", B + "/office/pb2026/", {}, "voting", STAFF, False),
    "prepare_ballot": ("post", B + "/office/pb2026/", {"action": "prepare_ballot"}, "voting", {"admin"}, False),
    "paper": ("get", B + "/office/pb2026/paper/", {}, "voting", {"operator", "admin"}, False),
    "tally": ("post", B + "/office/pb2026/", {"action": "tally"}, "results", {"admin"}, False),
    "implementation": ("get", B + "/office/implementation/{item}/", {}, "implementation", {"executor", "admin"},
                       False),
    "new_cycle": ("get", B + "/office/cycles/new/", {}, "before", {"admin"}, False),
    "phases": ("get", B + "/office/pb2026/phases/", {}, "voting", {"admin"}, False),
    "categories": ("get", B + "/office/pb2026/categories/", {}, "voting", {"admin"}, False),
    "taxpayers": ("get", B + "/office/taxpayers/", {}, "voting", {"admin"}, False),
    "api_ballot": ("post", A + "/cycles/pb2026/ballot/", {"choices": []}, "voting", RESIDENTS, True),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("role", ROLES)
def test_endpoint_matrix(world, db, client, time_machine, role, endpoint):
    method, template, body, phase, roles, is_api = ENDPOINTS[endpoint]
    time_machine.move_to(MOMENTS[phase], tick=False)
    objects = world["objects"]
    path = template.format(**{k: getattr(v, "pk", None) for k, v in objects.items()})
    if role != "anonymous":
        client.force_login(world["people"][role])
    if method == "post" and is_api:
        response = client.post(path, body, content_type="application/json")
    else:
        response = getattr(client, method)(path, body)
    if role in roles:
        assert response.status_code not in (401, 403), response.content[:300]
        assert not (response.status_code == 302 and "/accounts/login/" in response["Location"])
    elif role == "anonymous":
        expected = 401 if is_api else 302
        assert response.status_code == expected
    else:
        assert response.status_code == 403
