"""The demo: a cycle open for voting and last year's cycle counted and being implemented."""

import io

from django.core.management import call_command

from hromada.apps.budgeting.demo import load_demo
from hromada.apps.budgeting.models import Ballot, Cycle, ImplementationItem, Project, TallyRun
from hromada.apps.communities.models import Community
from hromada.core import tenancy


def test_demo_is_complete_and_idempotent(client, db):
    call_command("demo", stdout=io.StringIO())  # the foundation's demo community
    community = Community.objects.get(slug="demo")

    first = load_demo(community)
    again = load_demo(community)

    with tenancy.scope(community):
        assert Cycle.objects.count() == 2
        assert (first["projects"], first["ballots"]) == (again["projects"], again["ballots"])
        assert first["projects"] == 14 and first["ballots"] > 30
        assert Ballot.objects.filter(cycle=first["current"], channel="paper").exists()
        assert TallyRun.objects.filter(cycle=first["previous"], status="done").exists()
        assert ImplementationItem.objects.filter(project__cycle=first["previous"]).exists()
        assert Project.objects.filter(cycle=first["current"], status="on_ballot").count() == 13
    vote = client.get("/c/demo/budget/gb-current/vote/").content.decode()
    assert "Велодоріжка вздовж набережної" in vote and "Sign in first." in vote
    assert client.get("/c/demo/budget/").status_code == 302
    assert "Funded" in client.get("/c/demo/budget/gb-previous/results/").content.decode()
    assert "% done" in client.get("/c/demo/budget/gb-previous/implementation/").content.decode()
    client.login(username="resident@demo.hromada.local", password="demo-password-2026")
    assert "Choose up to 5 projects in total" in client.get("/c/demo/budget/gb-current/vote/").content.decode()


def test_every_page_of_the_demo_renders_for_its_people(client, db):
    """Residents, staff and visitors open the budget's pages in the demo without an error."""
    call_command("demo", stdout=io.StringIO())
    community = Community.objects.get(slug="demo")
    demo = load_demo(community)
    with tenancy.scope(community):
        project = Project.objects.filter(cycle=demo["current"]).order_by("number").first()
        item = ImplementationItem.objects.filter(project__cycle=demo["previous"]).first()
        category = demo["current"].categories.first()
    public = ["/c/demo/", "/c/demo/budget/?all=1", "/c/demo/budget/gb-current/", "/c/demo/budget/gb-current/vote/",
              "/c/demo/budget/gb-current/results/", "/c/demo/budget/gb-previous/results/",
              "/c/demo/budget/gb-previous/implementation/", f"/c/demo/budget/projects/{project.pk}/",
              "/c/demo/budget/gb-previous/votes.csv", f"/c/demo/budget/gb-current/?category={category.pk}&q=1"]
    for path in public:
        assert client.get(path).status_code == 200, path
    assert "/c/demo/budget/" in client.get("/c/demo/").content.decode()
    client.login(username="admin@demo.hromada.local", password="demo-password-2026")
    office = ["/c/demo/budget/office/", "/c/demo/budget/office/gb-current/", "/c/demo/budget/office/gb-current/paper/",
              "/c/demo/budget/office/comments/", f"/c/demo/budget/office/projects/{project.pk}/",
              f"/c/demo/budget/office/implementation/{item.pk}/", "/c/demo/budget/office/cycles/new/",
              "/c/demo/budget/office/gb-current/phases/", "/c/demo/budget/office/gb-current/categories/",
              "/c/demo/office/", "/c/demo/budget/my/", "/c/demo/accounts/cabinet/"]
    for path in office:
        assert client.get(path).status_code == 200, path
    assert "Participatory budget" in client.get("/c/demo/office/").content.decode()
