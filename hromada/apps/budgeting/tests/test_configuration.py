"""Community admins set up a cycle in the back office: dates of the phases, categories and rules."""

from decimal import Decimal

from hromada.apps.budgeting import phases
from hromada.apps.budgeting.models import Category, Cycle
from hromada.core.calendar import KYIV

B = "/c/kyiv/budget/office"


def _dates(**overrides):
    data = {}
    for i, kind in enumerate(["submission", "review", "voting", "results", "implementation"]):
        data[f"phase-{kind}_start"] = f"2027-0{i + 2}-01T00:00"
        data[f"phase-{kind}_end"] = f"2027-0{i + 3}-01T00:00"
    data.update(overrides)
    return data


def _cycle_form(**overrides):
    data = {"slug": "gb2027", "name_uk": "Громадський бюджет 2027", "year": "2027", "voting_rule": "approval",
            "tally_rule": "greedy", "max_points_per_project": "1", "min_identity_level": "30",
            "eligibility": "residents", "min_project_score": "0", **_dates()}
    data.update(overrides)
    return data


def test_admin_creates_a_cycle_with_phases_and_categories(client, community, staff, in_community):
    client.force_login(staff("admin"))

    created = client.post(f"{B}/cycles/new/", _cycle_form(min_age="14", eligibility="residents_or_taxpayers"))
    added = client.post(f"{B}/gb2027/categories/", {"name_uk": "Малі проєкти", "fund": "500000", "min_cost": "0",
                                                     "max_cost": "200000", "max_votes": "3"})

    assert created.status_code == 302 and added.status_code == 302
    cycle = Cycle.objects.get(slug="gb2027")
    assert cycle.effective_min_age == 14
    assert cycle.eligibility == "residents_or_taxpayers"
    assert [p.kind for p in phases.phases_of(cycle)] == ["submission", "review", "voting", "results",
                                                         "implementation"]
    assert phases.phase(cycle, "voting").starts_at.astimezone(KYIV).isoformat() == "2027-04-01T00:00:00+03:00"
    assert Category.objects.get(cycle=cycle).fund == Decimal("500000")
    page = client.get(f"{B}/gb2027/categories/").content.decode()
    assert "Малі проєкти" in page


def test_overlapping_phases_and_a_category_larger_than_its_fund_are_refused(client, community, staff):
    client.force_login(staff("admin"))

    bad = client.post(f"{B}/cycles/new/", _cycle_form(**{"phase-review_start": "2027-02-15T00:00"}))

    assert bad.status_code == 400
    assert "The phase “Review” starts before the previous phase ends." in bad.content.decode()
    client.post(f"{B}/cycles/new/", _cycle_form())
    too_big = client.post(f"{B}/gb2027/categories/", {"name_uk": "Великі", "fund": "100000", "min_cost": "0",
                                                       "max_cost": "200000", "max_votes": "3"})
    assert too_big.status_code == 400
    assert "The costs must satisfy: minimum ≤ maximum ≤ the fund." in too_big.content.decode()


def test_admin_moves_the_dates_of_the_phases(client, community, staff, cycle):
    client.force_login(staff("admin"))

    response = client.post(f"{B}/pb2026/phases/", _dates())

    assert response.status_code == 302
    from hromada.core import tenancy

    with tenancy.scope(community):
        cycle = Cycle.objects.get(pk=cycle.pk)
        assert phases.phase(cycle, "submission").starts_at.year == 2027


def test_only_admins_configure(client, community, staff):
    client.force_login(staff("moderator"))
    response = client.get(f"{B}/cycles/new/")
    assert response.status_code == 403
    assert "Only community admins configure the participatory budget." in response.content.decode()
