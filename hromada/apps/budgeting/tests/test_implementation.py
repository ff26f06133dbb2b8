"""Implementation: winners become items of a responsible department, which reports progress,
money spent, milestones and photos; residents follow it on a public page."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hromada.apps.budgeting import actions
from hromada.apps.budgeting.models import ImplementationItem, ImplementationPhoto, ProjectStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.api.errors import DomainError
from hromada.testing import factories

BASE = "/c/kyiv/budget"


@pytest.fixture
def department(community):
    return factories.make_department(community, name_uk="Управління освіти", name_en="Education")


@pytest.fixture
def winner(cycle, department):
    return bf.make_project(cycle, status=ProjectStatus.WINNER, department=department, cost=200000,
                           title="Спортмайданчик")


def test_admin_starts_implementing_the_winners(client, at, staff, cycle, winner, department):
    at("results")
    client.force_login(staff("admin"))

    client.post(f"{BASE}/office/pb2026/", {"action": "start_implementation"})

    item = ImplementationItem.objects.get()
    winner.refresh_from_db()
    assert (item.project, item.department, item.progress) == (winner, department, 0)
    assert winner.status == ProjectStatus.IMPLEMENTATION


def test_department_reports_progress_until_done(client, at, staff, winner, department, community, in_community):
    at("results")
    item = actions.implementation_start(project=winner, by=staff("admin"))
    at("implementation")
    executor = factories.make_staff(community, "executor", department=department)
    client.force_login(executor)
    url = f"{BASE}/office/implementation/{item.pk}/"

    client.post(url, {"action": "milestone", "m-title": "Закупівля покриття", "m-due_date": "2026-07-01"})
    photo = SimpleUploadedFile("site.png", bf.png_bytes(), content_type="image/png")
    client.post(url, {"action": "update", "progress": "40", "spent": "80000", "note": "Покриття закуплено",
                      "photos": [photo]})
    milestone = item.milestones.get()
    client.post(url, {"action": "reach", "milestone": milestone.pk})
    client.post(url, {"action": "update", "progress": "100", "spent": "195000.50", "note": "Відкрито!"})

    item.refresh_from_db()
    winner.refresh_from_db()
    assert (item.progress, item.spent, winner.status) == (100, Decimal("195000.50"), ProjectStatus.IMPLEMENTED)
    assert ImplementationPhoto.objects.count() == 1
    client.logout()
    page = client.get(f"{BASE}/pb2026/implementation/").content.decode()
    assert "Спортмайданчик" in page and "100% done" in page and "Закупівля покриття" in page
    assert "reached" in page
    timeline = client.get(f"{BASE}/projects/{winner.pk}/").content.decode()
    assert "Progress 40%" in timeline and "Implemented" in timeline and "Milestone reached" in timeline


@pytest.mark.parametrize(("progress", "spent", "message"), [
    ("120", "0", "Progress is a percentage from 0 to 100."),
    ("50", "-10", "Spent cannot be negative."),
    ("п'ять", "0", "Progress must be a whole number."),
])
def test_bad_progress_reports_change_nothing(client, at, staff, winner, department, community, progress, spent,
                                             message, in_community):
    at("results")
    item = actions.implementation_start(project=winner, by=staff("admin"))
    at("implementation")
    client.force_login(factories.make_staff(community, "executor", department=department))

    response = client.post(f"{BASE}/office/implementation/{item.pk}/",
                           {"action": "update", "progress": progress, "spent": spent})

    assert response.status_code == 400 and message in response.content.decode()
    item.refresh_from_db()
    assert (item.progress, item.spent) == (0, Decimal("0"))


def test_other_departments_cannot_report(at, staff, winner, community, in_community):
    at("results")
    item = actions.implementation_start(project=winner, by=staff("admin"))
    at("implementation")
    stranger = factories.make_staff(community, "executor")
    with pytest.raises(DomainError, match="Only the responsible department reports on the implementation."):
        actions.implementation_update(item=item, by=stranger, progress=10, spent=0)
