"""A whole cycle through the web pages, from a proposal to a finished implementation."""

from hromada.apps.budgeting.models import Project, ProjectStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.testing import factories

B = "/c/kyiv/budget"


def test_from_proposal_to_implementation(client, community, cycle, at, staff):
    department = factories.make_department(community, name_uk="Управління благоустрою")
    author = bf.make_voter(community, full_name="Марта Ініціативна")
    moderator, admin = staff("moderator"), staff("admin")
    executor = factories.make_staff(community, "executor", department=department)
    small = bf.category(cycle, "City-wide small")

    at("submission")
    client.force_login(author)
    client.post(f"{B}/pb2026/propose/", {
        "title": "Велопарковки біля шкіл", "description": "20 велопарковок.", "category": small.pk,
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100", "items-0-description": "Велопарковка", "items-0-quantity": "20",
        "items-0-unit_price": "4500", "items-1-description": "Монтаж", "items-1-quantity": "1",
        "items-1-unit_price": "12000"})
    project = Project.objects.get()
    client.post(f"{B}/projects/{project.pk}/submit/")
    client.force_login(moderator)
    client.post(f"{B}/office/projects/{project.pk}/", {"action": "take"})
    client.post(f"{B}/office/projects/{project.pk}/", {"action": "publish"})

    at("review")  # a month later: every step signs in again, sessions last two weeks
    client.force_login(moderator)
    client.post(f"{B}/office/projects/{project.pk}/", {"action": "assign", "department": department.pk})
    client.force_login(executor)
    client.post(f"{B}/office/projects/{project.pk}/", {"action": "review", "conclusion": "feasible"})

    at("voting")
    client.force_login(admin)
    client.post(f"{B}/office/pb2026/", {"action": "prepare_ballot"})
    rival = bf.make_project(cycle, cost=560000 - 102000, title="Дорогий конкурент")  # both cannot fit 600k
    for _ in range(3):
        client.force_login(bf.make_voter(community))
        client.post(f"{B}/pb2026/vote/", {"project": [project.pk]})
    client.force_login(bf.make_voter(community))
    client.post(f"{B}/pb2026/vote/", {"project": [rival.pk]})

    at("results")
    client.force_login(admin)
    client.post(f"{B}/office/pb2026/", {"action": "tally"})
    client.post(f"{B}/office/projects/{project.pk}/", {"action": "start_implementation",
                                                      "department": department.pk})

    at("implementation")
    client.force_login(executor)
    item = project.implementation
    client.post(f"{B}/office/implementation/{item.pk}/", {"action": "update", "progress": "100",
                                                         "spent": "101500", "note": "Встановлено"})

    client.logout()
    project.refresh_from_db()
    rival.refresh_from_db()
    assert project.estimated_cost == 102000 and project.status == ProjectStatus.IMPLEMENTED
    assert rival.status == ProjectStatus.WINNER  # 458 000 still fits after 102 000
    page = client.get(f"{B}/projects/{project.pk}/").content.decode()
    for step in ("Submitted", "Published", "Under review", "Feasible", "On the ballot", "Winner",
                 "Being implemented", "Implemented", "3 votes", "Встановлено"):
        assert step in page, step
    results = client.get(f"{B}/pb2026/results/").content.decode()
    assert "Велопарковки біля шкіл" in results and "4 ballots" in results
