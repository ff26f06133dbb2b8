import json

import pytest

from hromada.apps.communities.models import Community, District
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord
from hromada.testing.factories import PASSWORD, make_department, make_district, make_user

SQUARE = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.1], [30.0, 50.0]]]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 200), ("operator", 403), ("executor", 403), ("controller", 403), ("moderator", 403),
     ("resident", 403), ("anonymous", 302)],
)
def test_only_community_admin_opens_settings(client, community, staff, role, expected):
    if role == "resident":
        client.force_login(make_user(community=community))
    elif role != "anonymous":
        client.force_login(staff(role))
    response = client.get("/c/kyiv/office/community/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/c/kyiv/accounts/login/")


def test_admin_of_another_community_is_refused(client, community, other_community):
    from hromada.testing.factories import make_staff

    client.force_login(make_staff(other_community, "admin"))
    assert client.get("/c/kyiv/office/community/").status_code == 403


def _settings_post(community, **overrides):
    data = {f: getattr(community, f) for f in [
        "name_uk", "name_en", "kind", "edrpou", "email", "phone", "address", "website",
        "petition_threshold", "petition_period_days", "petition_min_age", "budget_max_votes", "budget_min_age",
        "appeal_short_term_days", "appeal_term_days", "appeal_max_term_days",
        "appeal_rate_per_hour", "ballot_rate_per_address", "open311_rate_per_hour"]}
    data["martial_law_mode"] = "on"
    data.update(overrides)
    return data


def test_admin_changes_policy_and_it_is_audited(client, community, staff):
    admin = staff("admin")
    client.force_login(admin)
    response = client.post("/c/kyiv/office/community/", _settings_post(community, petition_threshold=500))
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.petition_threshold == 500
    record = AuditRecord.objects.get(action="communities.update_settings")
    assert record.actor == admin and record.data["changed"] == {"petition_threshold": "500"}


@pytest.mark.parametrize(
    "overrides",
    [{"petition_period_days": 120}, {"edrpou": "123"}, {"budget_max_votes": 11},
     {"appeal_short_term_days": 40, "appeal_term_days": 30}],
)
def test_bad_settings_are_refused_and_nothing_changes(client, community, staff, overrides):
    client.force_login(staff("admin"))
    response = client.post("/c/kyiv/office/community/", _settings_post(community, **overrides))
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()  # the summary lists what to correct
    fresh = Community.objects.get(pk=community.pk)
    assert fresh.petition_period_days == 90 and fresh.edrpou == "" and fresh.budget_max_votes == 5
    assert not AuditRecord.objects.filter(action="communities.update_settings").exists()


def test_admin_adds_district_with_geojson(client, community, staff):
    client.force_login(staff("admin"))
    response = client.post("/c/kyiv/office/community/districts/",
                           {"name_uk": "Подільський", "name_en": "Podilskyi", "code": "POD",
                            "boundary": json.dumps({"type": "Feature", "geometry": SQUARE})})
    assert response.status_code == 302
    with tenancy.scope(community):
        district = District.objects.get(name_uk="Подільський")
    assert district.contains(30.05, 50.05) and not district.contains(31, 50.05)


@pytest.mark.parametrize("boundary", ["not json", '{"type": "Point", "coordinates": [30, 50]}',
                                      '{"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [30, 51]]]}'])
def test_bad_district_boundary_is_refused(client, community, staff, boundary):
    client.force_login(staff("admin"))
    response = client.post("/c/kyiv/office/community/districts/", {"name_uk": "Х", "boundary": boundary})
    assert response.status_code == 400
    with tenancy.scope(community):
        assert not District.objects.exists()


def test_duplicate_district_name_is_a_field_error(client, community, staff):
    make_district(community, SQUARE, name_uk="Центр")
    client.force_login(staff("admin"))
    response = client.post("/c/kyiv/office/community/districts/",
                           {"name_uk": "Центр", "boundary": json.dumps(SQUARE)})
    assert response.status_code == 400
    assert "already used" in response.content.decode()


def test_password_login_reaches_back_office(client, community, staff):
    admin = staff("admin")
    assert client.login(username=admin.email, password=PASSWORD)
    page = client.get("/c/kyiv/office/").content.decode()
    assert "/c/kyiv/office/community/" in page


@pytest.mark.parametrize(("path", "heading"), [("departments/", "Departments"), ("districts/", "Districts")])
def test_unit_lists_show_their_own_heading_and_edit_links(client, community, staff, path, heading):
    make_district(community, SQUARE, name_uk="Центр")
    make_department(community, name_uk="Відділ освіти")
    client.force_login(staff("admin"))
    page = client.get(f"/c/kyiv/office/community/{path}").content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f'href="/c/kyiv/office/community/{path}' in page
