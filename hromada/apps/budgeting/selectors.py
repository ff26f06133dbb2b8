"""Reads that span models or decide what a person may see."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from hromada.apps.budgeting import phases
from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.models import (
    PUBLIC_STATUSES,
    Appeal,
    Ballot,
    BallotChoice,
    Category,
    Comment,
    CommentStatus,
    Cycle,
    ImplementationItem,
    Phase,
    Project,
    ProjectEvent,
    ProjectStatus,
    TallyRun,
    TallyStatus,
)
from hromada.core import tenancy
from hromada.core.memo import TimedMemory


def voter_pseudonym(cycle_id: int, key: str) -> str:
    """The de-identified voter id published with the votes: an HMAC of the person and the cycle
    under PSEUDONYM_KEY, so ids differ between cycles and cannot be linked to accounts without the
    key. Its own key, not SECRET_KEY: that one is rotated and shared with every signing purpose."""
    message = f"hromada.budgeting.voter:{cycle_id}:{key}".encode()
    return hmac.new(settings.PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()[:20]


def cycles() -> QuerySet[Cycle]:
    return Cycle.objects.prefetch_related("phases").order_by("-year", "-pk")


def current_cycle() -> Cycle | None:
    """The cycle with a phase open now, else the newest one."""
    now = timezone.now()
    open_now = Cycle.objects.filter(phases__starts_at__lte=now, phases__ends_at__gt=now).order_by("-year").first()
    return open_now or Cycle.objects.order_by("-year", "-pk").first()


def cycle_by_slug(slug: str) -> Cycle:
    return Cycle.objects.select_related("community").prefetch_related("phases").get(slug=slug)


_BALLOT_CYCLES = TimedMemory("budgeting.ballot_cycles", limit=1_000)


def cycle_for_ballot(slug: str) -> Cycle:
    """The cycle with everything a ballot is checked against (phases, categories, the projects on
    the ballot), kept in this process for BUDGETING_BALLOT_CACHE_SECONDS (default 2; 0 turns it off).

    On the last voting day every ballot needs the same few rows; re-reading them for each of
    hundreds of ballots a second costs more than the ballot itself. A change to the ballot or the
    dates reaches every process within the cache time."""
    ttl = float(getattr(settings, "BUDGETING_BALLOT_CACHE_SECONDS", 2.0))
    community_id = tenancy.current_community_id()
    if community_id is None:  # no community's scope: nothing to remember it under
        ttl = 0
    return _BALLOT_CYCLES.remember(community_id, slug, lambda: _ballot_cycle(slug), ttl)


def _ballot_cycle(slug: str) -> Cycle:
    cycle = cycle_by_slug(slug)
    phases.phases_of(cycle)
    cycle.__dict__["_categories"] = list(Category.objects.filter(cycle=cycle))
    cycle.__dict__["_on_ballot"] = {
        pk: (number, category_id) for pk, number, category_id in
        Project.objects.filter(cycle=cycle, status=ProjectStatus.ON_BALLOT).values_list("pk", "number", "category_id")
    }
    return cycle


def public_projects(cycle: Cycle) -> QuerySet[Project]:
    return (Project.objects.filter(cycle=cycle, status__in=PUBLIC_STATUSES)
            .select_related("category", "district", "author").order_by("number"))


def project_for(pk: int) -> Project:
    return Project.objects.select_related("cycle", "cycle__community", "category", "category__district",
                                          "district", "department", "author").get(pk=pk)


def visible_comments(project: Project, user: Any) -> QuerySet[Comment]:
    """Published comments, plus the person's own ones still waiting for moderation."""
    condition = Q(status=CommentStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        condition |= Q(author_id=user.pk, status=CommentStatus.PENDING)
    return project.comments.filter(condition).select_related("author").order_by("created_at", "pk")


def appeal_of(project: Project) -> Appeal | None:
    return Appeal.objects.filter(project=project).select_related("decided_by").first()


def implementation_of(project: Project) -> ImplementationItem | None:
    return ImplementationItem.objects.filter(project=project).select_related("department") \
        .prefetch_related("milestones", "photos").first()


def timeline(project: Project) -> QuerySet[ProjectEvent]:
    return project.events.select_related("actor").order_by("at", "pk")


def office_queues(user: Any, community: Any) -> dict[str, QuerySet[Project]]:
    """Work waiting for the person: moderation for moderators, reviews for department executors."""
    held, departments = budget_rules.staff_roles(user, community.pk)
    queues: dict[str, QuerySet[Project]] = {}
    base = Project.objects.select_related("cycle", "category", "department").order_by("submitted_at", "pk")
    if held & {"moderator", "admin"}:
        queues["moderation"] = base.filter(status__in=[ProjectStatus.SUBMITTED, ProjectStatus.ON_MODERATION])
        queues["to_assign"] = base.filter(status=ProjectStatus.PUBLISHED)
    if held & {"admin"}:
        queues["appeals"] = base.filter(status=ProjectStatus.APPEALED)
    if departments:
        review = base.filter(status=ProjectStatus.UNDER_REVIEW)
        if budget_rules.ALL_DEPARTMENTS not in departments:
            review = review.filter(department_id__in=departments)
        queues["review"] = review
        implementing = base.filter(status=ProjectStatus.IMPLEMENTATION)
        if budget_rules.ALL_DEPARTMENTS not in departments:
            implementing = implementing.filter(implementation__department_id__in=departments)
        queues["implementation"] = implementing
    return queues


def pending_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(status=CommentStatus.PENDING).select_related("project", "author") \
        .order_by("created_at")


# --- ballots ---------------------------------------------------------------------------------

@dataclass
class BallotCategory:
    category: Category
    projects: list[Project] = field(default_factory=list)


def ballot_layout(cycle: Cycle) -> list[BallotCategory]:
    """The ballot: each category with its projects on the ballot, in number order."""
    categories = list(cycle.categories.select_related("district").order_by("position", "pk")
                      .prefetch_related(Prefetch(
                          "projects", queryset=Project.objects.filter(status=ProjectStatus.ON_BALLOT)
                          .select_related("district").order_by("number"), to_attr="on_ballot")))
    return [BallotCategory(c, list(c.on_ballot)) for c in categories]  # type: ignore[attr-defined]


def ballot_of(cycle: Cycle, user: Any) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (Ballot.objects.filter(cycle=cycle, voter_id=user.pk)
            .prefetch_related(Prefetch("choices", queryset=BallotChoice.objects.select_related("project")))
            .first())


def eligibility(user: Any, cycle: Cycle) -> str | None:
    """Why the person cannot vote in the cycle now, or None."""
    return budget_rules.refusal("budgeting.vote", user, cycle)


# --- results ---------------------------------------------------------------------------------

def result_run(cycle: Cycle) -> TallyRun | None:
    return TallyRun.objects.filter(cycle=cycle, status=TallyStatus.DONE).first()


def latest_run(cycle: Cycle) -> TallyRun | None:
    return TallyRun.objects.filter(cycle=cycle).order_by("-pk").first()


@dataclass
class CategoryResults:
    category: Category
    rows: list[Any]
    funded_cost: Decimal
    max_votes: int


def results_by_category(run: TallyRun) -> list[CategoryResults]:
    rows = list(run.results.select_related("project", "category", "category__district").order_by(
        "category__position", "category_id", "rank"))
    grouped: dict[int, CategoryResults] = {}
    for row in rows:
        group = grouped.get(row.category_id)
        if group is None:
            group = grouped[row.category_id] = CategoryResults(row.category, [], Decimal("0"), 0)
        group.rows.append(row)
        if row.funded:
            group.funded_cost += row.cost
        group.max_votes = max(group.max_votes, row.votes)
    return list(grouped.values())


def live_counts(cycle: Cycle) -> dict[int, int]:
    """Votes (or points) per project so far; for staff and for the tally."""
    return dict(BallotChoice.objects.filter(ballot__cycle=cycle).values("project_id")
                .annotate(total=Sum("points")).values_list("project_id", "total"))


def turnout(cycle: Cycle) -> dict[str, int]:
    by_channel = dict(Ballot.objects.filter(cycle=cycle).values("channel").annotate(n=Count("pk"))
                      .values_list("channel", "n"))
    return {"total": sum(by_channel.values()), **by_channel}


def implementation_items(cycle: Cycle | None = None) -> QuerySet[ImplementationItem]:
    items = ImplementationItem.objects.select_related("project", "project__cycle", "department") \
        .prefetch_related("milestones").order_by("project__cycle", "project__number")
    if cycle is not None:
        items = items.filter(project__cycle=cycle)
    return items


def phase_timeline(cycle: Cycle) -> list[dict[str, Any]]:
    now = timezone.now()
    current = phases.active_phase(cycle, now)
    return [{"phase": p, "current": current is not None and p.pk == current.pk, "past": p.ends_at <= now}
            for p in phases.phases_of(cycle)]


# Which open phase the community home names when cycles overlap (last year's implementation runs through
# this year's vote): the one residents act in first.
HOME_PHASE_ORDER = (phases.PhaseKind.VOTING, phases.PhaseKind.SUBMISSION, phases.PhaseKind.REVIEW,
                    phases.PhaseKind.RESULTS, phases.PhaseKind.IMPLEMENTATION)


def current_or_next_phase() -> Phase | None:
    """For the community home page, in one query: the open phase residents act in first (voting, then
    submission, review, results, implementation; of equals the one that ends first), else the next phase to
    open, with its cycle."""
    now = timezone.now()
    pending = list(Phase.objects.filter(ends_at__gt=now).select_related("cycle").order_by("starts_at", "pk"))
    open_now = [phase for phase in pending if phase.starts_at <= now]
    if open_now:
        rank: dict[str, int] = {str(kind): index for index, kind in enumerate(HOME_PHASE_ORDER)}
        return min(open_now, key=lambda phase: (rank.get(phase.kind, len(rank)), phase.ends_at))
    return pending[0] if pending else None


# The author's projects that are still on their way (the rest are decided, done or withdrawn).
PROJECTS_UNDER_WAY = frozenset(ProjectStatus.values) - {
    ProjectStatus.REJECTED, ProjectStatus.APPEAL_REJECTED, ProjectStatus.NOT_FUNDED, ProjectStatus.IMPLEMENTED,
    ProjectStatus.WITHDRAWN}


def projects_under_way_of(user: Any, limit: int = 5) -> list[Project]:
    """The projects the person wrote that are still on their way, newest first (their home page)."""
    return list(Project.objects.filter(author=user, status__in=PROJECTS_UNDER_WAY).select_related("cycle")
                .order_by("-created_at", "-pk")[:limit])


def ballots_in_open_votes_of(user: Any) -> list[Ballot]:
    """The person's ballots in cycles whose voting is open now (they may still change them)."""
    now = timezone.now()
    return list(Ballot.objects.filter(voter=user, cycle__phases__kind=phases.PhaseKind.VOTING,
                                      cycle__phases__starts_at__lte=now, cycle__phases__ends_at__gt=now)
                .select_related("cycle").order_by("-created_at"))


def search_public(q: str) -> QuerySet[Project]:
    """Public projects of every cycle whose title or description holds every word of `q`, or whose number it
    is (the cycle page's own search, across cycles)."""
    qs = Project.objects.filter(status__in=PUBLIC_STATUSES)
    for word in q.split()[:8]:
        condition = Q(title__icontains=word) | Q(description__icontains=word)
        if word.isdigit() and len(word) < 10:
            condition |= Q(number=int(word))
        qs = qs.filter(condition)
    return qs.select_related("cycle").order_by("-cycle__year", "cycle_id", "number")
