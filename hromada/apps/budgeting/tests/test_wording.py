"""What officials and residents read in the participatory budget: statuses in words, only the fields that apply."""

import io

from django.core.management import call_command

from hromada.apps.budgeting.demo import load_demo
from hromada.apps.budgeting.models import Cycle, ImplementationItem, ProjectEvent, ProjectStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.apps.budgeting.tests.test_configuration import _cycle_form
from hromada.apps.communities.models import Community
from hromada.core import tenancy

B = "/c/kyiv/budget/office"


def test_office_counts_projects_by_status_in_words(client, cycle, staff):
    bf.make_project(cycle, status=ProjectStatus.ON_BALLOT)
    bf.make_project(cycle, status=ProjectStatus.APPEAL_REJECTED)
    client.force_login(staff("admin"))
    html = client.get(f"{B}/{cycle.slug}/").content.decode()
    assert '<th scope="row">On the ballot</th><td class="num">1</td>' in html
    assert '<th scope="row">Appeal rejected</th><td class="num">1</td>' in html
    assert "on_ballot" not in html and "appeal_rejected" not in html


def test_approval_cycle_needs_no_points_per_project(client, community, staff, in_community):
    client.force_login(staff("admin"))
    response = client.post(f"{B}/cycles/new/", _cycle_form(max_points_per_project=""))
    assert response.status_code == 302
    assert Cycle.objects.get(slug="gb2027").voting_rule == "approval"


def test_cumulative_cycle_still_needs_points_per_project(client, community, staff, in_community):
    client.force_login(staff("admin"))
    response = client.post(f"{B}/cycles/new/", _cycle_form(voting_rule="cumulative", max_points_per_project=""))
    assert response.status_code == 400
    assert "Give the points per project: cumulative voting needs them." in response.content.decode()
    assert not Cycle.objects.filter(slug="gb2027").exists()


def test_demo_finished_projects_do_not_say_works_continue(db):
    call_command("demo", stdout=io.StringIO())
    community = Community.objects.get(slug="demo")
    load_demo(community)
    with tenancy.scope(community):
        items = list(ImplementationItem.objects.select_related("project").prefetch_related("milestones"))
    finished = [item for item in items if item.progress == 100]
    assert finished
    for item in finished:
        assert "тривають" not in item.note
        assert all(m.done_on is not None for m in item.milestones.all())
    assert any("тривають" in item.note for item in items if item.progress < 100)


def test_office_timeline_names_steps_without_a_status_in_words(client, cycle, staff):
    project = bf.make_project(cycle, status=ProjectStatus.SUBMITTED)
    with tenancy.scope(cycle.community):
        ProjectEvent.objects.create(community=cycle.community, project=project, actor=project.author, kind="edit")
    client.force_login(staff("admin"))
    html = client.get(f"{B}/projects/{project.pk}/").content.decode()
    timeline = html.split('class="timeline"')[1]
    assert "Edited by the author" in timeline and ": edit<" not in timeline
