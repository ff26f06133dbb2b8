"""Review: the responsible department concludes, the author revises within the review phase,
a rejected author appeals once, and every conclusion and decision is public."""

from decimal import Decimal

import pytest

from hromada.apps.budgeting import actions
from hromada.apps.budgeting.models import Appeal, ProjectStatus, Review
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord
from hromada.testing import factories

BASE = "/c/kyiv/budget"


@pytest.fixture
def department(community):
    return factories.make_department(community, name_uk="Управління благоустрою", name_en="Landscaping",
                                     email="blago@example.test")


@pytest.fixture
def executor(community, department):
    return factories.make_staff(community, "executor", department=department)


@pytest.fixture
def author(community):
    return bf.make_voter(community)


@pytest.fixture
def under_review(cycle, author, department):
    return bf.make_project(cycle, author=author, status=ProjectStatus.UNDER_REVIEW, department=department,
                           cost=120000)


def test_moderator_sends_a_published_project_to_a_department(client, cycle, at, staff, author, department):
    at("review")
    project = bf.make_project(cycle, author=author, status=ProjectStatus.PUBLISHED)
    client.force_login(staff("moderator"))

    client.post(f"{BASE}/office/projects/{project.pk}/", {"action": "assign", "department": department.pk})

    project.refresh_from_db()
    assert project.status == ProjectStatus.UNDER_REVIEW and project.department == department
    from hromada.core.notifications.models import Message

    assert Message.objects.filter(address="blago@example.test").exists()


def test_not_feasible_needs_a_reason_and_the_reason_is_public(client, at, executor, under_review):
    at("review")
    client.force_login(executor)
    url = f"{BASE}/office/projects/{under_review.pk}/"

    silent = client.post(url, {"action": "review", "conclusion": "not_feasible", "reason": ""}, follow=True)
    assert "Give the reason why the project is not feasible: it is published." in silent.content.decode()
    assert not Review.objects.exists()

    client.post(url, {"action": "review", "conclusion": "not_feasible",
                      "reason": "Ділянка належить державі, не громаді."})
    client.logout()
    page = client.get(f"{BASE}/projects/{under_review.pk}/").content.decode()
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.NOT_FEASIBLE
    assert "Landscaping: Not feasible" in page and "Ділянка належить державі, не громаді." in page
    assert AuditRecord.objects.filter(action="budgeting.review", actor=executor).exists()


def test_executor_of_another_department_cannot_conclude(client, at, community, under_review):
    at("review")
    client.force_login(factories.make_staff(community, "executor"))

    response = client.post(f"{BASE}/office/projects/{under_review.pk}/",
                           {"action": "review", "conclusion": "feasible"})

    assert response.status_code == 403
    assert "Only the department responsible for the project can give its conclusion." in response.content.decode()
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.UNDER_REVIEW


def test_changed_cost_must_fit_the_category_and_becomes_the_cost(at, executor, under_review, in_community):
    at("review")
    with pytest.raises(DomainError, match=r"outside the category's limits \(1000.00 – 300000.00 UAH\)"):
        actions.project_review(project=under_review, by=executor, conclusion="feasible_changed_cost",
                               reason="Дорожчі матеріали", changed_cost="350000")
    with pytest.raises(DomainError, match="The new cost: “сто” is not a number."):
        actions.project_review(project=under_review, by=executor, conclusion="feasible_changed_cost",
                               reason="Дорожчі матеріали", changed_cost="сто")
    actions.project_review(project=under_review, by=executor, conclusion="feasible_changed_cost",
                           reason="Дорожчі матеріали", changed_cost="150 000,50")
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.FEASIBLE_CHANGED_COST
    assert under_review.cost == Decimal("150000.50") and under_review.estimated_cost == Decimal("120000")


def test_author_revises_within_the_review_phase_and_the_department_reviews_again(
        client, cycle, at, executor, under_review, author):
    at("review")
    with_reason = {"action": "review", "conclusion": "not_feasible", "reason": "Завелика кількість лавок"}
    client.force_login(executor)
    client.post(f"{BASE}/office/projects/{under_review.pk}/", with_reason)
    client.force_login(author)
    category = under_review.category
    form = {
        "title": under_review.title, "description": "Менше лавок.", "category": category.pk, "co_authors": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100", "items-0-description": "Лавка", "items-0-unit": "шт",
        "items-0-quantity": "4", "items-0-unit_price": "10000", "note": "Лише 4 лавки",
    }

    response = client.post(f"{BASE}/projects/{under_review.pk}/revise/", form)

    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.UNDER_REVIEW
    assert under_review.estimated_cost == Decimal("40000.00")
    assert under_review.events.last().note == "Лише 4 лавки"

    at("voting")
    client.force_login(executor)
    client.post(f"{BASE}/office/projects/{under_review.pk}/", with_reason)
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.UNDER_REVIEW  # the review phase is over
    client.force_login(author)
    late = client.get(f"{BASE}/projects/{under_review.pk}/revise/")
    assert late.status_code == 403
    assert "Revising a project: not possible now." in late.content.decode()


def test_one_appeal_per_rejected_project(client, at, staff, author, under_review, executor, in_community):
    at("review")
    actions.project_review(project=under_review, by=executor, conclusion="not_feasible", reason="Не наша ділянка")
    client.force_login(author)

    empty = client.post(f"{BASE}/projects/{under_review.pk}/appeal/", {"text": "  "})
    assert empty.status_code == 400
    client.post(f"{BASE}/projects/{under_review.pk}/appeal/", {"text": "Ділянка комунальна, ось витяг."})
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.APPEALED

    admin = staff("admin")
    actions.appeal_decide(project=under_review, by=admin, upheld=False, reason="Витяг не підтверджує.")
    # Rejected again: no second appeal, neither through the page nor through the action.
    again = client.get(f"{BASE}/projects/{under_review.pk}/")
    assert "Appeal the conclusion" not in again.content.decode()
    under_review.refresh_from_db()
    under_review.status = ProjectStatus.NOT_FEASIBLE  # even if the status were back, the appeal is used up
    under_review.save(update_fields=["status"])
    with pytest.raises(DomainError, match="already been appealed once"):
        actions.project_appeal(project=under_review, by=author, text="Ще раз")
    assert Appeal.objects.count() == 1


def test_upheld_appeal_goes_on_the_ballot(client, cycle, at, staff, author, under_review, executor, in_community):
    at("review")
    actions.project_review(project=under_review, by=executor, conclusion="not_feasible", reason="Не наша ділянка")
    actions.project_appeal(project=under_review, by=author, text="Ділянка комунальна.")
    admin = staff("admin")
    client.force_login(admin)
    client.post(f"{BASE}/office/projects/{under_review.pk}/",
                {"action": "decide_appeal", "upheld": "1", "reason": "Витяг підтверджує."})
    under_review.refresh_from_db()
    assert under_review.status == ProjectStatus.APPEAL_UPHELD

    added = actions.cycle_prepare_ballot(cycle=cycle, by=admin)

    under_review.refresh_from_db()
    assert added == 1 and under_review.status == ProjectStatus.ON_BALLOT
    page = client.get(f"{BASE}/projects/{under_review.pk}/").content.decode()
    assert "Appeal upheld" in page and "Витяг підтверджує." in page


def test_reviews_wait_for_the_review_phase(at, executor, under_review, in_community):
    at("submission")
    with pytest.raises(DomainError, match="Review by a department: not possible now"):
        actions.project_review(project=under_review, by=executor, conclusion="feasible")
