"""Counting the votes with the tally package, storing the results, and publishing the votes.

``run_rule`` is the one place that calls ``hromada.apps.budgeting.tally``; everything else here
reads the database, hands it plain data, and writes back what the rule decided. The votes are
published per category as pabulib ``.pb`` files (and as one CSV), so anyone can re-run the tally
with ``hromada tally FILE.pb --rule RULE`` or pabutools and get the same winners.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from hromada.apps.budgeting import phases, workflow
from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting import tally as tally_engine
from hromada.apps.budgeting.models import (
    Ballot,
    BallotChoice,
    Category,
    Cycle,
    Project,
    ProjectResult,
    ProjectStatus,
    ResultReason,
    TallyRule,
    TallyRun,
    TallyStatus,
    VotingRule,
)
from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.budgeting.tally.election import exact
from hromada.core import exports
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.tasks import enqueue, scoped

logger = logging.getLogger("hromada.budgeting")

# Projects that were on the ballot, whatever happened to them afterwards.
BALLOT_STATUSES = (ProjectStatus.ON_BALLOT, ProjectStatus.WINNER, ProjectStatus.NOT_FUNDED,
                   ProjectStatus.IMPLEMENTATION, ProjectStatus.IMPLEMENTED)
VOTE_TYPES = {VotingRule.APPROVAL: "approval", VotingRule.CUMULATIVE: "cumulative", VotingRule.RANKING: "ordinal"}
# Said in the META of a published ranking election, so a reader knows how the rankings were counted.
RANK_POINTS_NOTE = ("rankings are counted by rank points: of k projects ranked on a ballot the first gets k points, "
                    "the next k-1, the last 1; projects are ranked by their total points")


# --- the one call site of the tally package ---------------------------------------------------

def run_rule(*, projects: list[tally_engine.Project], ballots: list[Any], budget: Decimal, rule: str,
             vote_type: str, threshold: int | None = None) -> tally_engine.TallyResult:
    """Tally one category. `ballots` are lists of project ids (approval; ordinal: in rank order, counted by rank
    points, see ``tally.rank_points``) or {id: points} (cumulative)."""
    election = tally_engine.Election.from_ballots(projects, ballots, budget=budget, vote_type=vote_type)
    return tally_engine.tally(election, rule, threshold=threshold if rule == TallyRule.GREEDY_THRESHOLD else None)


def project_key(project_number: int) -> str:
    """The id of a project in the tally and in the published files: its public number."""
    return str(project_number)


# --- reading the votes ------------------------------------------------------------------------

@dataclass
class CategoryVotes:
    category: Category
    projects: list[Project]
    ballots: list[Any]  # lists of ids, or {id: points}; ranking ballots in rank order
    voter_ids: list[str]
    channels: list[str]


def category_votes(category: Category, *, vote_type: str) -> CategoryVotes:
    """The category's projects on the ballot and every ballot with at least one vote in it, ordered by
    the de-identified voter id (not by time, so the order reveals nothing)."""
    projects = list(Project.objects.filter(category=category, status__in=BALLOT_STATUSES).order_by("number"))
    key_of = {p.pk: project_key(p.number) for p in projects}
    rows = (BallotChoice.objects.filter(category=category, project_id__in=list(key_of))
            .order_by("ballot__public_id", "points" if vote_type == "ordinal" else "project__number")
            .values_list("ballot__public_id", "ballot__channel", "project_id", "points"))
    ballots: list[Any] = []
    voter_ids: list[str] = []
    channels: list[str] = []
    current: str | None = None
    for public_id, channel, project_id, points in rows.iterator(chunk_size=5000):
        if public_id != current:
            current = public_id
            voter_ids.append(public_id)
            channels.append(channel)
            ballots.append({} if vote_type == "cumulative" else [])
        if vote_type == "cumulative":
            ballots[-1][key_of[project_id]] = points
        else:
            ballots[-1].append(key_of[project_id])
    return CategoryVotes(category, projects, ballots, voter_ids, channels)


def engine_projects(projects: list[Project], category: Category) -> list[tally_engine.Project]:
    return [tally_engine.Project(id=project_key(p.number), cost=exact(p.cost), category=str(category.pk), name=p.title)
            for p in projects]


# --- the tally --------------------------------------------------------------------------------

def _check_can_tally(cycle: Cycle, by: Any) -> None:
    reason = budget_rules.refusal("budgeting.tally_cycle", by, cycle)
    if reason:
        raise DomainError(reason, code="forbidden", status_code=403)
    if TallyRun.objects.filter(cycle=cycle, status=TallyStatus.DONE).exists():
        raise DomainError(_("The votes of this cycle have already been counted and the results published."),
                          code="already_counted", status_code=409)
    if not Project.objects.filter(cycle=cycle, status=ProjectStatus.ON_BALLOT).exists():
        raise DomainError(_("There are no projects on the ballot to count."), code="nothing_to_count",
                          status_code=409)


def tally_start(*, cycle: Cycle, by: Any, background: bool = False) -> TallyRun:
    """Count the cycle's votes with its tally rule and publish the results.

    With `background=True` the count runs as a background task and the returned run shows its progress;
    otherwise it runs now and the returned run is finished (or failed, with the reason)."""
    _check_can_tally(cycle, by)
    try:
        with transaction.atomic():
            run = TallyRun.objects.create(community_id=cycle.community_id, cycle=cycle, rule=cycle.tally_rule,
                                          started_by=by if getattr(by, "pk", None) else None)
            audit_record(actor=by, action="budgeting.tally_start", community=cycle.community, target=cycle,
                         data={"rule": cycle.tally_rule, "run": run.pk})
            if background:
                enqueue(tally_job, community_id=cycle.community_id, run_id=run.pk)
    except IntegrityError:
        raise DomainError(_("The votes of this cycle are being counted already."), code="tally_running",
                          status_code=409) from None
    if not background:
        try:
            tally_execute(run)
        except Exception:  # recorded on the run (status "failed" and the message); the admin sees it
            logger.exception("tally of cycle %s failed", cycle.pk)
        run.refresh_from_db()
    return run


@task()
@scoped
def tally_job(*, community_id: int, run_id: int) -> None:
    run = TallyRun.objects.filter(pk=run_id, status=TallyStatus.RUNNING).first()
    if run is not None:
        tally_execute(run)


def _progress(run: TallyRun, percent: int) -> None:
    TallyRun.objects.filter(pk=run.pk).update(progress=percent)


def _remaining_before(outcomes: list[Any], fund: Decimal) -> dict[str, Decimal]:
    """For greedy rules: what was left of the fund when each project's turn came (score order, ties by
    id as text, as the rule breaks them)."""
    remaining = Fraction(fund)
    left: dict[str, Decimal] = {}
    for outcome in sorted(outcomes, key=lambda o: (-Fraction(o.score), o.id)):
        left[outcome.id] = Decimal(remaining.numerator) / Decimal(remaining.denominator)
        if outcome.funded:
            remaining -= Fraction(outcome.cost)
    return left


def tally_execute(run: TallyRun) -> None:
    """Compute every category, then store all results and move every project in one transaction.
    A failure stores nothing but the run's status and message."""
    cycle = Cycle.objects.select_related("community").get(pk=run.cycle_id)
    started = time.monotonic()
    vote_type = VOTE_TYPES[VotingRule(cycle.voting_rule)]
    computed = []
    try:
        categories = list(cycle.categories.order_by("position", "pk"))
        for index, category in enumerate(categories):
            votes = category_votes(category, vote_type=vote_type)
            if not votes.projects:
                continue
            result = run_rule(projects=engine_projects(votes.projects, category), ballots=votes.ballots,
                              budget=category.fund, rule=run.rule, vote_type=vote_type,
                              threshold=cycle.min_project_score)
            computed.append((category, votes, result))
            _progress(run, int(90 * (index + 1) / max(1, len(categories))))
        ballots = Ballot.objects.filter(cycle=cycle).count()
        with transaction.atomic():
            locked = TallyRun.objects.select_for_update().get(pk=run.pk)
            if locked.status != TallyStatus.RUNNING:
                return
            for category, votes, result in computed:
                by_key = {project_key(p.number): p for p in votes.projects}
                greedy = run.rule in (TallyRule.GREEDY, TallyRule.GREEDY_THRESHOLD)
                left = _remaining_before(result.projects, category.fund) if greedy else {}
                ranked = sorted(result.projects, key=lambda o: (-Fraction(o.score), int(o.id)))
                for rank, outcome in enumerate(ranked, start=1):
                    project = Project.objects.select_for_update().select_related("cycle", "category") \
                        .get(pk=by_key[outcome.id].pk)
                    ProjectResult.objects.create(
                        community_id=cycle.community_id, run=locked, project=project, category=category,
                        votes=int(outcome.score), voters=outcome.supporters, cost=project.cost, rank=rank,
                        funded=outcome.funded, reason=ResultReason(str(outcome.reason)),
                        remaining_fund=left.get(outcome.id))
                    if project.status == ProjectStatus.ON_BALLOT:
                        workflow.apply(project, "win" if outcome.funded else "lose", by=locked.started_by,
                                       permission_checked=True,
                                       data={"votes": int(outcome.score), "reason": str(outcome.reason)})
            locked.status, locked.progress, locked.finished_at = TallyStatus.DONE, 100, timezone.now()
            locked.ballots, locked.seconds = ballots, round(time.monotonic() - started, 3)
            locked.save(update_fields=["status", "progress", "finished_at", "ballots", "seconds"])
            audit_record(actor=locked.started_by, action="budgeting.tally_done", community=cycle.community,
                         target=cycle, data={"run": locked.pk, "rule": locked.rule, "ballots": ballots,
                                             "winners": sum(len(r.selected) for _c, _v, r in computed)})
    except BaseException as exc:  # also a run stopped by its time limit
        TallyRun.objects.filter(pk=run.pk, status=TallyStatus.RUNNING).update(
            status=TallyStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:2000])
        raise


# --- publishing the votes ---------------------------------------------------------------------

def votes_are_public(cycle: Cycle) -> bool:
    """Votes are published once the voting phase is over (never while people still vote)."""
    voting = phases.phase(cycle, PhaseKind.VOTING)
    return voting is not None and timezone.now() >= voting.ends_at


# The .pb file is a standard format read by the tally tools: written exactly as the data is. The votes
# CSV is opened in spreadsheets: its text cells are neutralised against formulas (hromada.core.exports).
_PB_LINE = exports.CsvWriter(delimiter=";", lineterminator="\n", neutralise=False)
VOTES_CSV_LINE = exports.CsvWriter(lineterminator="\n")


def stream_pb(category: Category) -> Iterator[str]:
    """The category's election as a pabulib .pb file, one line at a time."""
    from hromada.apps.budgeting.tally.pabulib import number_text

    cycle = category.cycle
    vote_type = VOTE_TYPES[VotingRule(cycle.voting_rule)]
    votes = category_votes(category, vote_type=vote_type)
    run = TallyRun.objects.filter(cycle=cycle, status=TallyStatus.DONE).first()
    selected = set()
    if run is not None:
        selected = set(run.results.filter(category=category, funded=True).values_list("project_id", flat=True))
    meta = {
        "description": f"{cycle.name_uk}: {category.name_uk}",
        "country": "Ukraine",
        "unit": cycle.community.name_uk,
        "subunit": category.district.name_uk if category.district is not None else "",
        "instance": str(cycle.year),
        "num_projects": str(len(votes.projects)),
        "num_votes": str(len(votes.ballots)),
        "budget": number_text(Fraction(category.fund)),
        "vote_type": vote_type,
        "rule": cycle.tally_rule,
        "currency": "UAH",
        "max_length": str(category.max_votes),
        "language": "uk",
    }
    if cycle.tally_rule == TallyRule.GREEDY_THRESHOLD:
        meta["min_project_score_threshold"] = str(cycle.min_project_score)
    if vote_type == "cumulative":
        meta["max_sum_points"] = str(min(category.max_votes, cycle.effective_max_votes))
    if vote_type == "ordinal":
        meta["comment"] = RANK_POINTS_NOTE
    yield "META\n"
    yield _PB_LINE.line(["key", "value"])
    for key, value in meta.items():
        if value:
            yield _PB_LINE.line([key, value])
    yield "PROJECTS\n"
    scores: dict[str, int] = {}
    for ballot in votes.ballots:
        for position, pid in enumerate(ballot):
            if isinstance(ballot, dict):
                gained = ballot[pid]
            else:
                gained = len(ballot) - position if vote_type == "ordinal" else 1
            scores[pid] = scores.get(pid, 0) + gained
    header = ["project_id", "cost", "votes", "name", "category"] + (["selected"] if run is not None else [])
    yield _PB_LINE.line(header)
    for project in votes.projects:
        key = project_key(project.number)
        row = [key, number_text(Fraction(project.cost)), scores.get(key, 0),
               " ".join(project.title.split()) or "None", str(category.pk)]
        if run is not None:
            row.append(1 if project.pk in selected else 0)
        yield _PB_LINE.line(row)
    yield "VOTES\n"
    with_points = vote_type == "cumulative"
    yield _PB_LINE.line(["voter_id", "vote", *(["points"] if with_points else []), "voting_method"])
    for voter_id, ballot, channel in zip(votes.voter_ids, votes.ballots, votes.channels, strict=True):
        row = [voter_id, ",".join(ballot)]
        if with_points:
            row.append(",".join(str(ballot[pid]) for pid in ballot))
        row.append(channel)
        yield _PB_LINE.line(row)


def stream_votes_csv(cycle: Cycle) -> Iterator[str]:
    """Every vote of the cycle, one row per (voter, project), de-identified. `points` are the points the
    vote counts for: 1 (approval), the points given (cumulative), or the rank points (ranking: of k projects
    ranked in the category the first gets k, the last 1), with the rank itself in `rank`."""
    yield VOTES_CSV_LINE.line(["voter_id", "voting_method", "category_id", "category", "project_number", "points",
                               "rank"])
    names = {c.pk: c.name_uk for c in cycle.categories.all()}
    ranking = cycle.voting_rule == VotingRule.RANKING
    rows = (BallotChoice.objects.filter(ballot__cycle=cycle)
            .order_by("ballot__public_id", "category_id", "points" if ranking else "project__number")
            .values_list("ballot__public_id", "ballot__channel", "category_id", "project__number", "points"))
    if not ranking:
        for public_id, channel, category_id, number, points in rows.iterator(chunk_size=5000):
            yield VOTES_CSV_LINE.line([public_id, channel, category_id, names.get(category_id, ""), number, points,
                                       ""])
        return
    group: list[tuple[Any, ...]] = []
    for row in rows.iterator(chunk_size=5000):
        if group and (row[0], row[2]) != (group[0][0], group[0][2]):
            yield from _ranked_lines(group, names)
            group = []
        group.append(row)
    if group:
        yield from _ranked_lines(group, names)


def _ranked_lines(group: list[tuple[Any, ...]], names: dict[int, str]) -> Iterator[str]:
    """One voter's ranking in one category (rows in rank order) with the rank points of each project."""
    for public_id, channel, category_id, number, rank in group:
        yield VOTES_CSV_LINE.line([public_id, channel, category_id, names.get(category_id, ""), number,
                         len(group) - rank + 1, rank])
