"""Proposals: a verified resident writes a project with an itemised cost, location and photos;
moderation publishes it; comments are moderated; every step is on the project's timeline."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.budgeting.models import Comment, CostItem, Project, ProjectPhoto, ProjectStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.audit.models import AuditRecord
from hromada.testing import factories

BASE = "/c/kyiv/budget"


def _form(cycle, category_name="City-wide small", items=None, **overrides):
    category = bf.category(cycle, category_name)
    items = items if items is not None else [("Лавка", "шт", "3", "1200.50"), ("Урна", "шт", "2", "99,99")]
    data = {
        "title": "Сквер на Соборній", "description": "Лавки, урни і клумби.", "beneficiaries": "Мешканці району",
        "category": str(category.pk), "district": "", "latitude": "", "longitude": "", "co_authors": "",
        "items-TOTAL_FORMS": str(max(3, len(items))), "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "100",
        # A typed total must be ignored: the total is always computed from the items.
        "estimated_cost": "1",
    }
    for i, (description, unit, quantity, price) in enumerate(items):
        data.update({f"items-{i}-description": description, f"items-{i}-unit": unit,
                     f"items-{i}-quantity": quantity, f"items-{i}-unit_price": price})
    data.update(overrides)
    return data


@pytest.fixture
def author(community):
    return bf.make_voter(community, full_name="Ольга Авторка")


def test_resident_proposes_and_the_total_is_computed_from_the_items(client, cycle, at, author):
    at("submission")
    client.force_login(author)

    response = client.post(f"{BASE}/pb2026/propose/", _form(cycle))

    assert response.status_code == 302
    project = Project.objects.get()
    assert project.status == ProjectStatus.DRAFT
    assert project.estimated_cost == Decimal("3801.48")  # 3 × 1200.50 + 2 × 99.99
    assert project.number == 1
    page = client.get(response["Location"]).content.decode()
    assert "3,801.48" in page or "3 801,48" in page or "3801.48" in page
    assert "Your draft is saved." in page
    assert [e.kind for e in project.events.all()] == ["create"]


@pytest.mark.parametrize(("items", "message"), [
    ([("Лавка", "шт", "-3", "1200")], "Cost item 1, quantity must be greater than zero."),
    ([("Лавка", "шт", "3", "-5")], "Cost item 1, unit price cannot be negative."),
    ([("Лавка", "шт", "три", "1200")], "Cost item 1, quantity: “три” is not a number."),
    ([("Лавка", "шт", "3", "NaN")], "Cost item 1, unit price: “NaN” is not a number."),
    ([("Лавка", "шт", "3", "1e400")], "Cost item 1: the number is too large."),
    ([("Лавка", "шт", "3", "10.001")], "Cost item 1: quantity has at most 3 decimals and the price at most 2"),
    ([("", "", "", "")], "Add at least one cost item."),
    ([("Лавка", "шт", "", "100")], "Cost item 1, quantity: enter a number."),
])
def test_bad_cost_items_are_refused_and_nothing_is_saved(client, cycle, at, author, items, message):
    at("submission")
    client.force_login(author)

    response = client.post(f"{BASE}/pb2026/propose/", _form(cycle, items=items))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Project.objects.exists() and not CostItem.objects.exists()


def test_place_must_be_inside_the_district_of_a_district_category(client, cycle, at, author):
    at("submission")
    client.force_login(author)

    outside = client.post(f"{BASE}/pb2026/propose/", _form(cycle, "Centre", latitude="49.84", longitude="30.12"))
    assert outside.status_code == 400
    assert "The place you marked is outside the district “Centre”." in outside.content.decode()
    missing = client.post(f"{BASE}/pb2026/propose/", _form(cycle, "Centre"))
    assert missing.status_code == 302
    project = Project.objects.get()
    from hromada.apps.budgeting import actions
    from hromada.core.api.errors import DomainError

    with pytest.raises(DomainError, match="Mark the place of the project on the map"):
        actions.project_submit(project=project, by=author)

    inside = client.post(f"{BASE}/pb2026/propose/", _form(cycle, "Centre", latitude="49.80", longitude="30.12"))
    assert inside.status_code == 302
    placed = Project.objects.get(latitude__isnull=False)
    assert placed.district.name_uk == "Центр"
    assert "latitude 49.800000, longitude 30.120000" in client.get(inside["Location"]).content.decode()


def test_photos_are_checked_with_pillow(client, cycle, at, author):
    at("submission")
    client.force_login(author)
    fake = SimpleUploadedFile("sквер.jpg", b"this is not a picture", content_type="image/jpeg")

    refused = client.post(f"{BASE}/pb2026/propose/", {**_form(cycle), "photos": [fake]})

    assert refused.status_code == 400
    assert "is not a photo we can read (JPEG, PNG or WebP)" in refused.content.decode()
    assert not Project.objects.exists()
    photo = SimpleUploadedFile("сквер.png", bf.png_bytes(), content_type="image/png")
    accepted = client.post(f"{BASE}/pb2026/propose/", {**_form(cycle), "photos": [photo]})
    assert accepted.status_code == 302
    assert ProjectPhoto.objects.count() == 1
    assert "<img src=\"/media/budgeting/" in client.get(accepted["Location"]).content.decode()


@pytest.mark.parametrize(("who", "message"), [
    ("email_only", "Only residents with a verified identity can propose projects."),
    ("elsewhere", "Only residents of this community can do this."),
])
def test_only_verified_residents_propose(client, cycle, at, community, other_community, who, message):
    at("submission")
    person = bf.make_voter(community, level=IdentityLevel.EMAIL) if who == "email_only" \
        else bf.make_voter(other_community)
    client.force_login(person)

    response = client.post(f"{BASE}/pb2026/propose/", _form(cycle))

    assert response.status_code == 403
    assert message in response.content.decode()
    assert not Project.objects.exists()


def test_proposals_close_with_the_submission_phase(client, cycle, at, author):
    at(bf.PHASES["submission"][1])
    client.force_login(author)

    response = client.get(f"{BASE}/pb2026/propose/")

    assert response.status_code == 403
    assert "Proposing a project: not possible now. It is open during the phase “Submission of projects”" in \
        response.content.decode()


def test_co_author_may_edit_the_draft_and_unknown_co_author_is_refused(client, cycle, at, author, community):
    at("submission")
    partner = bf.make_voter(community, email="partner@example.test")
    client.force_login(author)
    unknown = client.post(f"{BASE}/pb2026/propose/", _form(cycle, co_authors="ghost@example.test"))
    assert unknown.status_code == 400
    assert "There is no resident with a verified identity and the e-mail ghost@example.test." in \
        unknown.content.decode()

    client.post(f"{BASE}/pb2026/propose/", _form(cycle, co_authors="PARTNER@example.test"))
    project = Project.objects.get()
    client.force_login(partner)
    response = client.post(f"{BASE}/projects/{project.pk}/edit/",
                           _form(cycle, title="Сквер і фонтан", co_authors="partner@example.test"))

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Сквер і фонтан"
    assert [e.kind for e in project.events.all()] == ["create", "edit"]


def test_moderation_publishes_the_project_and_the_timeline_shows_each_step(client, cycle, at, author, staff):
    at("submission")
    client.force_login(author)
    client.post(f"{BASE}/pb2026/propose/", _form(cycle))
    project = Project.objects.get()
    anonymous_view = client.get(f"{BASE}/projects/{project.pk}/")
    assert anonymous_view.status_code == 200  # the author sees the draft
    client.post(f"{BASE}/projects/{project.pk}/submit/")
    client.logout()
    assert client.get(f"{BASE}/projects/{project.pk}/").status_code == 302  # not public: sign in

    moderator = staff("moderator")
    client.force_login(moderator)
    client.post(f"{BASE}/office/projects/{project.pk}/", {"action": "take"})
    client.post(f"{BASE}/office/projects/{project.pk}/", {"action": "publish"})
    client.logout()

    page = client.get(f"{BASE}/projects/{project.pk}/").content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLISHED
    assert [(e.from_status, e.to_status) for e in project.events.exclude(kind="create")] == [
        ("draft", "submitted"), ("submitted", "on_moderation"), ("on_moderation", "published")]
    for label in ("Submitted", "On moderation", "Published"):
        assert label in page
    assert AuditRecord.objects.filter(action="budgeting.moderate_publish", actor=moderator).exists()
    assert "Сквер на Соборній" in client.get(f"{BASE}/pb2026/").content.decode()


def test_return_for_corrections_needs_a_reason_the_author_reads(client, cycle, at, author, staff):
    at("submission")
    project = bf.make_project(cycle, author=author, status=ProjectStatus.SUBMITTED)
    client.force_login(staff("moderator"))

    no_reason = client.post(f"{BASE}/office/projects/{project.pk}/", {"action": "return"}, follow=True)
    assert "Give the reason: the author will read it." in no_reason.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED

    client.post(f"{BASE}/office/projects/{project.pk}/", {"action": "return", "reason": "Додайте кошторис урн."})
    client.force_login(author)
    page = client.get(f"{BASE}/projects/{project.pk}/").content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert "Додайте кошторис урн." in page and "Edit the draft" in page


def test_submission_outside_the_category_cost_limits_is_refused(cycle, at, author, in_community):
    at("submission")
    from hromada.apps.budgeting import actions
    from hromada.core.api.errors import DomainError

    project = bf.make_project(cycle, author=author, status=ProjectStatus.DRAFT, cost=500)
    with pytest.raises(DomainError) as error:
        actions.project_submit(project=project, by=author)
    assert error.value.detail == "The cost 500.00 UAH is outside the category's limits (1000.00 – 300000.00 UAH)."
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT and not project.events.exists()


def test_comments_wait_for_a_moderator(client, cycle, at, staff, community):
    at("review")
    project = bf.make_project(cycle, status=ProjectStatus.PUBLISHED)
    writer = factories.make_user(community=community, level=IdentityLevel.EMAIL)
    reader = factories.make_user(community=community, level=IdentityLevel.EMAIL)
    client.force_login(writer)
    client.post(f"{BASE}/projects/{project.pk}/comments/", {"text": "Гарна ідея!"})
    assert "waiting for moderation" in client.get(f"{BASE}/projects/{project.pk}/").content.decode()
    client.force_login(reader)
    assert "Гарна ідея!" not in client.get(f"{BASE}/projects/{project.pk}/").content.decode()

    client.force_login(staff("moderator"))
    comment = Comment.objects.get()
    client.post(f"{BASE}/office/comments/", {"comment": comment.pk, "publish": "1"})

    client.force_login(reader)
    assert "Гарна ідея!" in client.get(f"{BASE}/projects/{project.pk}/").content.decode()


def test_unverified_email_cannot_comment(client, cycle, at, community):
    at("review")
    project = bf.make_project(cycle, status=ProjectStatus.PUBLISHED)
    client.force_login(factories.make_user(community=community, level=IdentityLevel.UNVERIFIED))

    response = client.post(f"{BASE}/projects/{project.pk}/comments/", {"text": "спам"})

    assert response.status_code == 403
    assert "Confirm your e-mail to comment." in response.content.decode()
    assert not Comment.objects.exists()


def test_withdrawn_project_stays_public_with_its_history(client, cycle, at, author):
    at("review")
    project = bf.make_project(cycle, author=author, status=ProjectStatus.PUBLISHED)
    client.force_login(author)
    client.post(f"{BASE}/projects/{project.pk}/withdraw/", {"reason": "Зробили за кошти ОСББ"})
    client.logout()
    page = client.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert "Withdrawn by the author" in page and "Зробили за кошти ОСББ" in page
