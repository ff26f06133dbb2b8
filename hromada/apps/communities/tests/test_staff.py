"""Community admins appoint and remove staff in the back office; every change is audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver

from hromada.apps.accounts.models import StaffRole
from hromada.apps.backoffice.middleware import is_office_route
from hromada.apps.communities.models import Community
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord
from hromada.testing.factories import make_department, make_staff, make_user

STAFF_URL = "/c/kyiv/office/community/staff/"
ROLES = ["anonymous", "resident", "operator", "executor", "controller", "moderator", "admin", "platform"]


def _sign_in(client, community, who: str):
    if who == "anonymous":
        return None
    if who == "resident":
        user = make_user(community=community)
    elif who == "platform":
        user = make_user(community=community, is_superuser=True)
    else:
        user = make_staff(community, who)
    client.force_login(user)
    return user


def _roles(community) -> list[tuple[str, str]]:
    with tenancy.scope(community):
        return sorted(StaffRole.objects.values_list("user__email", "role"))


@pytest.mark.parametrize("who", ROLES)
def test_who_may_appoint(client, community, who):
    person = make_user(community=community, email="new.operator@example.org")
    _sign_in(client, community, who)
    before = _roles(community)

    response = client.post(STAFF_URL, {"email": person.email, "role": "operator"})

    allowed = who in ("admin", "platform")
    appointed = ("new.operator@example.org", "operator") in _roles(community)
    assert appointed is allowed
    if allowed:
        assert response.status_code == 302
        assert AuditRecord.objects.filter(action="communities.staff_appoint", data__user=person.pk).exists()
    else:
        assert _roles(community) == before
        assert response.status_code == (302 if who == "anonymous" else 403)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ROLES)
def test_who_may_remove(client, community, who):
    moderator = make_staff(community, "moderator", email="moderator@example.org")
    with tenancy.scope(community):
        role = StaffRole.objects.get(user=moderator)
    _sign_in(client, community, who)

    response = client.post(f"{STAFF_URL}{role.pk}/remove/")

    allowed = who in ("admin", "platform")
    with tenancy.scope(community):
        still_there = StaffRole.objects.filter(pk=role.pk).exists()
    assert still_there is not allowed
    assert AuditRecord.objects.filter(action="communities.staff_remove").exists() is allowed
    if not allowed:
        assert response.status_code == (302 if who == "anonymous" else 403)


def test_admin_sees_the_staff_and_appoints_an_executor_of_a_department(client, community):
    admin = _sign_in(client, community, "admin")
    roads = make_department(community, name_uk="Дороги", name_en="Roads", code="ROADS")
    person = make_user(community=community, email="petro@example.org", full_name="Петро Шляховик")

    page = client.get(STAFF_URL).content.decode()
    assert admin.email in page and "Community admin" in page

    missing = client.post(STAFF_URL, {"email": person.email, "role": "executor"})
    assert missing.status_code == 400
    assert "An executor works in a department: choose one." in missing.content.decode()
    assert ("petro@example.org", "executor") not in _roles(community)

    done = client.post(STAFF_URL, {"email": person.email, "role": "executor", "department": roads.pk}, follow=True)
    assert "Петро Шляховик is now Executor." in done.content.decode()
    with tenancy.scope(community):
        assert StaffRole.objects.get(user=person).department == roads
    record = AuditRecord.objects.get(action="communities.staff_appoint", data__user=person.pk)
    assert record.actor == admin and record.data["department"] == roads.pk


def test_unknown_e_mail_and_the_admin_role_are_refused_with_a_reason(client, community):
    _sign_in(client, community, "admin")

    unknown = client.post(STAFF_URL, {"email": "nobody@example.org", "role": "operator"})
    admin_role = client.post(STAFF_URL, {"email": make_user(community=community).email, "role": "admin"})

    assert unknown.status_code == 400
    assert "There is no account with this e-mail. Ask the person to register first." in unknown.content.decode()
    assert admin_role.status_code == 400
    assert not AuditRecord.objects.filter(action="communities.staff_appoint").exists()


def test_the_same_role_twice_is_refused(client, community):
    _sign_in(client, community, "admin")
    person = make_user(community=community, email="twice@example.org")
    client.post(STAFF_URL, {"email": person.email, "role": "moderator"})

    again = client.post(STAFF_URL, {"email": person.email, "role": "moderator"})

    assert again.status_code == 400 and "already holds this role" in again.content.decode()
    assert _roles(community).count(("twice@example.org", "moderator")) == 1


def test_an_admin_of_another_community_appoints_nobody_here(client, community, other_community):
    client.force_login(make_staff(other_community, "admin"))
    person = make_user(community=community)

    assert client.post(STAFF_URL, {"email": person.email, "role": "operator"}).status_code == 403
    assert (person.email, "operator") not in _roles(community)


def test_createcommunity_names_the_first_admin(db, client):
    person = make_user(email="head@example.org")

    call_command("createcommunity", "bucha", "Бучанська громада", "--admin", "head@example.org", stdout=io.StringIO())

    community = Community.objects.get(slug="bucha")
    assert _roles(community) == [("head@example.org", "admin")]
    assert AuditRecord.objects.filter(action="communities.staff_appoint", community=community).exists()
    client.force_login(person)
    assert client.get("/c/bucha/office/community/staff/").status_code == 200


def test_createcommunity_with_an_unknown_admin_creates_nothing(db):
    with pytest.raises(CommandError, match="no active account"):
        call_command("createcommunity", "bucha", "Бучанська громада", "--admin", "nobody@example.org")
    assert not Community.objects.filter(slug="bucha").exists()


@pytest.mark.parametrize(("who", "shown"), [("resident", False), ("operator", True), ("admin", True)])
def test_the_office_link_is_shown_only_to_staff_of_this_community(client, community, other_community, who, shown):
    _sign_in(client, community, who)
    page = client.get("/c/kyiv/").content.decode()
    assert ('href="/c/kyiv/office/"' in page) is shown


def test_staff_of_another_community_get_no_office_link_here(client, community, other_community):
    client.force_login(make_staff(other_community, "operator"))
    assert 'href="/c/kyiv/office/"' not in client.get("/c/kyiv/").content.decode()


def _office_paths(patterns, prefix: str = "") -> list[str]:
    """Every office URL of the community URLconf with sample arguments."""
    samples = {"int": "1", "slug": "x", "str": "x", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}
    paths = []
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _office_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern) and is_office_route(prefix + route):
            path = prefix + route
            for converter, value in samples.items():
                while f"<{converter}:" in path:
                    start = path.index(f"<{converter}:")
                    path = path[:start] + value + path[path.index(">", start) + 1:]
            paths.append("/c/kyiv/" + path)
    return paths


def test_anonymous_visitors_are_asked_to_sign_in_on_every_office_page(client, community):
    from django.conf import settings

    paths = _office_paths(get_resolver(settings.COMMUNITY_URLCONF).url_patterns)
    assert len(paths) > 30 and "/c/kyiv/office/" in paths and "/c/kyiv/budget/office/x/paper/" in paths

    answers = {path: client.get(path) for path in paths}

    wrong = {path: r.status_code for path, r in answers.items()
             if r.status_code != 302 or not r["Location"].startswith("/c/kyiv/accounts/login/?next=")}
    assert not wrong
