"""The component catalogue in the back office: platform administrators only, every component shown."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hromada.apps.accounts.models import IdentityLevel
from hromada.testing.factories import make_user

CATALOGUE = "/c/kyiv/office/ui/"


@pytest.fixture
def admin(community):
    return make_user(community=community, is_superuser=True, is_staff=True)


def test_platform_admin_sees_every_component(client, admin):
    client.force_login(admin)
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    page = response.content.decode()
    for marker in ['class="page-header"', 'class="breadcrumbs', 'class="button button--primary"',
                   'button--secondary', 'button--warning', 'button--start', 'class="banner banner--success"',
                   'class="error-summary"', 'class="field field--error"', 'class="summary-list"',
                   'class="tag tag--green"',
                   'role="region" aria-label="Projects by votes" tabindex="0"', 'class="pagination"',
                   'class="tabs"', 'class="empty-state"', 'class="card"', 'class="stat stat--good"',
                   'class="timeline"', 'class="file-upload"', 'class="details"', 'class="task-list"',
                   'class="counter"']:
        assert marker in page, marker
    assert "Files: PDF, JPG, PNG." in page


def test_catalogue_ids_are_unique(client, admin):
    client.force_login(admin)
    page = client.get(CATALOGUE).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


def test_pagination_keeps_other_query_parameters(client, admin):
    client.force_login(admin)
    page = client.get(CATALOGUE + "?q=park&page=7").content.decode()
    assert 'href="?q=park&amp;page=8" rel="next"' in page
    assert 'aria-current="page"><span class="visually-hidden">Page </span>7<' in page
    assert "…" in page  # pages 2 to 5 are left out


@pytest.mark.parametrize("role", ["admin", "operator"])
def test_staff_are_refused(client, staff, role):
    client.force_login(staff(role))
    assert client.get(CATALOGUE).status_code == 403


def test_residents_are_refused_and_visitors_sent_to_sign_in(client, community):
    assert client.get(CATALOGUE)["Location"].startswith("/c/kyiv/accounts/login/")
    client.force_login(make_user(community=community, level=IdentityLevel.VERIFIED))
    assert client.get(CATALOGUE).status_code == 403


def test_components_make_no_queries_of_their_own(client, admin):
    client.force_login(admin)
    client.get(CATALOGUE)
    with CaptureQueriesContext(connection) as queries:
        client.get(CATALOGUE)
    # the session, the user and the community's roles: nothing per component
    assert len(queries) <= 6, [q["sql"] for q in queries]
