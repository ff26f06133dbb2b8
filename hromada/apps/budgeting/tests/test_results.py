"""Results: the tally per category, the results page with its reasons and bars, the published
de-identified votes (.pb and CSV) from which anyone gets the same winners."""

import csv
import io
import re
from decimal import Decimal

import pytest

from hromada.apps.budgeting import results, tally
from hromada.apps.budgeting.models import ProjectResult, ProjectStatus, TallyRun, TallyStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord

BASE = "/c/kyiv/budget"


@pytest.fixture
def voted(cycle, community):
    """City-wide small (fund 600 000): №1 250k/5 votes, №2 300k/4, №3 100k/3, №4 200k/2, №5 50k/0;
    City-wide large: №6 500k/2 votes."""
    small = [bf.make_project(cycle, cost=cost, title=f"Малий {i + 1}")
             for i, cost in enumerate([250000, 300000, 100000, 200000, 50000])]
    large = bf.make_project(cycle, category_name="City-wide large", cost=500000, title="Великий")
    p1, p2, p3, p4, _p5 = small
    for choice in ([p1, p2, p3], [p1, p2, p3], [p1, p2, p3, large], [p1, p2, p4, large], [p1, p4]):
        bf.cast(cycle, bf.make_voter(community), choice)
    return {"small": small, "large": large}


def _tally(client, admin):
    client.force_login(admin)
    return client.post(f"{BASE}/office/pb2026/", {"action": "tally"}, follow=True)


def test_greedy_tally_funds_by_votes_while_the_fund_lasts(client, cycle, at, staff, voted):
    at("results")
    admin = staff("admin")

    response = _tally(client, admin)

    assert "The votes are counted and the results published." in response.content.decode()
    small = voted["small"]
    for project in small:
        project.refresh_from_db()
    assert [p.status for p in small] == ["winner", "winner", "not_funded", "not_funded", "winner"]
    p3 = ProjectResult.objects.get(project=small[2])
    assert (p3.votes, p3.funded, p3.reason, p3.remaining_fund) == (3, False, "did_not_fit", Decimal("50000"))
    run = TallyRun.objects.get()
    assert (run.status, run.ballots, run.rule) == (TallyStatus.DONE, 5, "greedy")
    assert AuditRecord.objects.filter(action="budgeting.tally_done", actor=admin).exists()
    assert small[0].events.last().to_status == ProjectStatus.WINNER


def test_results_page_shows_votes_cost_decision_and_bars(client, cycle, at, staff, voted):
    at("results")
    _tally(client, staff("admin"))
    client.logout()

    page = client.get(f"{BASE}/pb2026/results/").content.decode()

    assert "Counted on" in page and "5 ballots" in page
    assert "№3. Малий 3" in page
    assert '<strong class="tag tag--grey">Not funded</strong>' in page
    assert "did not fit the fund left when its turn came (50,000 UAH were left)" in page
    # The chart: funded projects in the "funded" colour, bars as long as their votes on a 0–5 scale.
    bars = dict(re.findall(r'<rect class="chart-bar (chart-series-\d)" x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"'
                           r' height="12"><title>№1\. ', page))
    assert bars and "chart-series-2" in bars  # №1 (the most votes) is funded
    widths = {number: float(width) for width, number in
              re.findall(r'width="([0-9.]+)" height="12"><title>№(\d)\.', page)}
    assert widths["3"] == pytest.approx(widths["1"] * 3 / 5, abs=0.2)  # №3: 3 votes of №1's 5
    assert "Funded" in page and "Not funded" in page and '<table class="chart-table">' not in page
    assert "Fund 600,000 UAH; funded projects cost 600,000 UAH." in page


def test_only_admins_count_and_only_in_the_results_phase(client, cycle, at, staff, voted):
    at("voting")
    admin = staff("admin")
    client.force_login(admin)
    early = client.post(f"{BASE}/office/pb2026/", {"action": "tally"})
    assert early.status_code == 403 and "Counting the votes: not possible now." in early.content.decode()
    at("results")
    client.force_login(staff("moderator"))
    assert client.post(f"{BASE}/office/pb2026/", {"action": "tally"}).status_code == 403
    assert not TallyRun.objects.exists()


def test_a_cycle_is_counted_once(cycle, at, staff, voted, in_community):
    at("results")
    admin = staff("admin")
    results.tally_start(cycle=cycle, by=admin)
    with pytest.raises(DomainError, match="already been counted"):
        results.tally_start(cycle=cycle, by=admin)
    assert TallyRun.objects.count() == 1 and ProjectResult.objects.count() == 6


def test_published_votes_reproduce_the_winners(client, cycle, at, staff, voted):
    at("voting")
    assert client.get(f"{BASE}/pb2026/votes.csv").status_code == 404  # never while people still vote
    at("results")
    _tally(client, staff("admin"))
    client.logout()
    small_category = voted["small"][0].category

    response = client.get(f"{BASE}/pb2026/categories/{small_category.pk}/votes.pb")

    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    election = tally.loads(text)
    rerun = tally.tally(election, election.meta["rule"])
    winners = ProjectResult.objects.filter(category=small_category, funded=True)
    assert sorted(rerun.selected) == sorted(str(r.project.number) for r in winners)
    assert election.meta["budget"] == "600000" and election.num_ballots == 5
    selected_column = {p.id: p.extra["selected"] for p in election.projects}
    assert selected_column == {"1": "1", "2": "1", "3": "0", "4": "0", "5": "1"}


def test_votes_csv_is_de_identified(client, cycle, at, staff, voted, community):
    at("results")
    client.force_login(staff("admin"))

    response = client.get(f"{BASE}/pb2026/votes.csv")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 16  # 3 + 3 + 4 + 4 + 2 choices
    assert {len(r["voter_id"]) for r in rows} == {20}
    from hromada.apps.accounts.models import User

    identities = {str(u.pk) for u in User.objects.all()} | {u.email for u in User.objects.all()}
    assert not identities & {r["voter_id"] for r in rows}
    assert {r["voting_method"] for r in rows} == {"online"}


def test_threshold_and_equal_shares_rules(cycle, at, staff, voted, in_community):
    at("results")
    cycle.tally_rule, cycle.min_project_score = "greedy-threshold", 4
    cycle.save()
    results.tally_start(cycle=cycle, by=staff("admin"))
    reasons = dict(ProjectResult.objects.filter(category=voted["small"][0].category)
                   .values_list("project__number", "reason"))
    assert reasons == {1: "funded", 2: "funded", 3: "below_threshold", 4: "below_threshold", 5: "below_threshold"}


def test_mes_rule_runs_through_the_package(cycle, at, staff, voted, in_community):
    at("results")
    cycle.tally_rule = "mes"
    cycle.save()
    run = results.tally_start(cycle=cycle, by=staff("admin"))
    funded = set(ProjectResult.objects.filter(run=run, funded=True).values_list("project__number", flat=True))
    votes = results.category_votes(voted["small"][0].category, vote_type="approval")
    expected = tally.tally(tally.Election.from_ballots(results.engine_projects(votes.projects, voted["small"][0]
                                                                                 .category),
                                                       votes.ballots, budget=600000), "mes")
    assert {int(i) for i in expected.selected} <= funded
    assert run.status == TallyStatus.DONE


def test_background_tally_shows_progress_then_results(client, cycle, at, staff, voted, in_community):
    at("results")
    admin = staff("admin")
    run = results.tally_start(cycle=cycle, by=admin, background=True)
    assert run.status == TallyStatus.RUNNING
    page = client.get(f"{BASE}/pb2026/results/").content.decode()
    assert "The votes are being counted: 0% done." in page

    results.tally_job.call(community_id=cycle.community_id, run_id=run.pk)  # what the worker does

    run.refresh_from_db()
    assert (run.status, run.progress) == (TallyStatus.DONE, 100)
    assert "Counted on" in client.get(f"{BASE}/pb2026/results/").content.decode()


def test_cumulative_votes_are_published_with_points(client, cycle, at, staff, community):
    at("results")
    cycle.voting_rule = "cumulative"
    cycle.max_points_per_project = 3
    cycle.save()
    a, b = bf.make_project(cycle, cost=300000), bf.make_project(cycle, cost=300000)
    c = bf.make_project(cycle, cost=100000)
    bf.cast(cycle, bf.make_voter(community), [a, c], points=[2, 1])
    bf.cast(cycle, bf.make_voter(community), [b], points=[3])
    results.tally_start(cycle=cycle, by=staff("admin"))

    response = client.get(f"{BASE}/pb2026/categories/{a.category_id}/votes.pb")

    election = tally.loads(b"".join(response.streaming_content).decode())
    assert election.vote_type == "cumulative"
    assert sorted(election.ballots(), key=len) == [{"2": 3}, {"1": 2, "3": 1}]
    assert sorted(tally.tally(election, "greedy").selected) == sorted(
        str(r.project.number) for r in ProjectResult.objects.filter(funded=True, category=a.category))


def test_anyone_can_rerun_the_download_with_the_tally_command(client, cycle, at, staff, voted, tmp_path):
    """The resident's check: download a category's votes and run `hromada tally FILE.pb --rule greedy`."""
    import json

    from django.core.management import call_command

    at("results")
    _tally(client, staff("admin"))
    client.logout()
    category = voted["small"][0].category
    path = tmp_path / "small.pb"
    path.write_bytes(b"".join(client.get(f"{BASE}/pb2026/categories/{category.pk}/votes.pb").streaming_content))
    out = io.StringIO()

    call_command("tally", str(path), "--rule", "greedy", stdout=out)

    *winners, summary = out.getvalue().strip().splitlines()
    assert winners == ["1", "2", "5"]  # №3 did not fit: 50 000 left of the fund
    assert json.loads(summary)["cost"] == 600000


def test_a_failed_count_publishes_nothing_and_says_why(client, cycle, at, staff, voted, monkeypatch):
    at("results")

    def broken(**kwargs):
        raise RuntimeError("the tally package is missing")

    monkeypatch.setattr(results, "run_rule", broken)
    admin = staff("admin")
    client.force_login(admin)
    answer = client.post(f"{BASE}/office/pb2026/", {"action": "tally"}, follow=True).content.decode()

    assert "Counting failed; nothing was published: the tally package is missing" in answer
    run = TallyRun.objects.get()
    assert (run.status, run.message) == (TallyStatus.FAILED, "the tally package is missing")
    assert not ProjectResult.objects.exists()
    assert all(p.status == ProjectStatus.ON_BALLOT for p in voted["small"] if not p.refresh_from_db())
    assert "The results are not published yet." in client.get(f"{BASE}/pb2026/results/").content.decode()
    assert "Latest count: Failed, 0%. the tally package is missing" in \
        client.get(f"{BASE}/office/pb2026/").content.decode()
    monkeypatch.undo()
    client.post(f"{BASE}/office/pb2026/", {"action": "tally"})  # a failed count may be run again
    assert TallyRun.objects.filter(status=TallyStatus.DONE).exists()


def test_rankings_are_counted_by_rank_points_and_published(client, cycle, at, staff, community):
    """Ranking: of k projects ranked in a category the first gets k points, the last 1 (docs/budgeting.md).
    Counted as approvals, №1 (5 voters) and №2 would win; by rank points №2 (9) and №3 (6) beat №1 (5)."""
    at("results")
    cycle.voting_rule = "ranking"
    cycle.save(update_fields=["voting_rule"])
    p1, p2, p3 = (bf.make_project(cycle, cost=300000) for _ in range(3))
    for _ in range(3):
        bf.cast(cycle, bf.make_voter(community), [p2, p3, p1], points=[1, 2, 3])
    for _ in range(2):
        bf.cast(cycle, bf.make_voter(community), [p1], points=[1])
    results.tally_start(cycle=cycle, by=staff("admin"))

    rows = {r.project.number: r for r in ProjectResult.objects.select_related("project")}
    assert {n: (r.votes, r.voters, r.funded) for n, r in rows.items()} == {
        1: (5, 5, False), 2: (9, 3, True), 3: (6, 3, True)}
    assert "9" in client.get(f"{BASE}/pb2026/results/").content.decode()

    votes = list(csv.DictReader(io.StringIO(
        b"".join(client.get(f"{BASE}/pb2026/votes.csv").streaming_content).decode())))
    ranked = [(r["project_number"], r["rank"], r["points"]) for r in votes if r["voter_id"] == votes[0]["voter_id"]]
    assert ranked in ([("2", "1", "3"), ("3", "2", "2"), ("1", "3", "1")], [("1", "1", "1")])
    assert sum(int(r["points"]) for r in votes if r["project_number"] == "2") == 9

    text = b"".join(client.get(f"{BASE}/pb2026/categories/{p1.category_id}/votes.pb").streaming_content).decode()
    election = tally.loads(text)
    assert election.vote_type == "ordinal" and "rank points" in election.meta["comment"]
    assert sorted(election.ballots(), key=len) == [["1"], ["1"], ["2", "3", "1"], ["2", "3", "1"], ["2", "3", "1"]]
    assert sorted(tally.tally(election, "greedy").selected) == ["2", "3"]
    assert "2;300000;9;" in text  # the published score is the rank points
