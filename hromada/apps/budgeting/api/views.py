"""REST API and open data of the participatory budget (`/c/<slug>/api/v1/budget/`).

Reading is public (projects once published, review conclusions, results, implementation; the
de-identified votes once voting is over). Writing a ballot needs an authenticated, eligible
voter; the permission is declared on the view (``rule``) and refused with the rule's message."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.budgeting import actions, limits, results, selectors
from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.api import serializers as s
from hromada.apps.budgeting.models import (
    PUBLIC_STATUSES,
    Ballot,
    BallotChoice,
    Cycle,
    ImplementationItem,
    Project,
    ProjectResult,
    Review,
)
from hromada.core import exports
from hromada.core.api.errors import DomainError
from hromada.core.inputs import bounded_int
from hromada.core.streaming import ScopedStreamingResponse

ERRORS = {
    400: OpenApiResponse(s.BudgetErrors, description=(
        "Bad ballot. Codes: `invalid` (malformed input), `empty_ballot`, `duplicate_project`, `not_on_ballot`, "
        "`bad_points`, `bad_ranking`, `category_limit`, `total_limit`, `other_district`, `unknown_district`, "
        "`not_a_number`.")),
    401: OpenApiResponse(s.BudgetErrors, description="Code `not_authenticated`: sign in or send a token."),
    403: OpenApiResponse(s.BudgetErrors, description=(
        "Code `permission_denied` with the reason (voting closed, identity level, residence, age); "
        "`voting_closed` when voting closed while the ballot was being saved.")),
    409: OpenApiResponse(s.BudgetErrors, description="Code `already_voted_offline`: the person voted on paper or "
                                                    "at a CNAP desk."),
    429: OpenApiResponse(s.BudgetErrors, description="Code `rate_limited`: too many ballots from the account or "
                                                    "the address in a short time."),
}
CYCLE_FILTER = OpenApiParameter("cycle", str, description="Short name (slug) of a cycle.")


class RulePermission(permissions.BasePermission):
    """Asks the view's `rule` (a permission of rules.py) about `view.rule_object(request)`;
    a refusal carries the rule's message."""

    def has_permission(self, request: Request, view: Any) -> bool:
        perm = getattr(view, "rules_by_method", {}).get(request.method)
        if perm is None:
            return True
        reason = budget_rules.refusal(perm, request.user, view.rule_object(request))
        if reason:
            self.message = reason
            return False
        return True


def _cycle(slug: str) -> Cycle:
    try:
        return selectors.cycle_by_slug(slug)
    except Cycle.DoesNotExist:
        raise Http404 from None


def _csv(header: list[str], rows: Any, filename: str) -> ScopedStreamingResponse:
    """A CSV download (LF line ends, no byte-order mark, as these files always were), text neutralised."""
    return exports.csv_response(header, rows, filename=filename, bom=False, lineterminator="\n")


class CycleList(generics.ListAPIView):
    """Cycles of the community with their phases and categories."""

    serializer_class = s.CycleOutput
    permission_classes: list = []

    def get_queryset(self) -> QuerySet[Cycle]:
        return Cycle.objects.select_related("community").prefetch_related("phases", "categories").order_by(
            "-year", "-pk")


class CycleDetail(APIView):
    permission_classes: list = []

    @extend_schema(responses=s.CycleOutput)
    def get(self, request: Request, slug: str) -> Response:
        cycle = _cycle(slug)
        return Response(s.CycleOutput(cycle).data)


def _public_projects(request: Request) -> QuerySet[Project]:
    projects = (Project.objects.filter(status__in=PUBLIC_STATUSES)
                .select_related("cycle", "author").order_by("cycle_id", "number"))
    if request.query_params.get("cycle"):
        projects = projects.filter(cycle__slug=request.query_params["cycle"])
    category = bounded_int(request.query_params.get("category"))
    if category is not None:
        projects = projects.filter(category_id=category)
    if request.query_params.get("status"):
        projects = projects.filter(status=request.query_params["status"])
    return projects


PROJECT_FILTERS = [CYCLE_FILTER, OpenApiParameter("category", int), OpenApiParameter("status", str)]


@extend_schema(parameters=PROJECT_FILTERS)
class ProjectList(generics.ListAPIView):
    """Published projects (drafts and projects on moderation are never listed)."""

    serializer_class = s.ProjectOutput
    permission_classes: list = []

    def get_queryset(self) -> QuerySet[Project]:
        return _public_projects(self.request)


class ProjectDetail(generics.RetrieveAPIView):
    """One published project with its cost estimate and the review conclusions."""

    serializer_class = s.ProjectDetailOutput
    permission_classes: list = []

    def get_queryset(self) -> QuerySet[Project]:
        return (Project.objects.filter(status__in=PUBLIC_STATUSES).select_related("cycle", "author")
                .prefetch_related("cost_items", Prefetch("reviews", queryset=Review.objects.select_related(
                    "project", "department"))))


@extend_schema(parameters=PROJECT_FILTERS, responses={(200, "text/csv"): OpenApiTypes.STR})
class ProjectCsv(APIView):
    """Published projects as CSV (open data)."""

    permission_classes: list = []

    def get(self, request: Request) -> ScopedStreamingResponse:
        header = ["id", "cycle", "number", "category_id", "district_id", "title", "status", "estimated_cost",
                  "approved_cost", "latitude", "longitude"]
        rows = ([p.pk, p.cycle.slug, p.number, p.category_id, p.district_id or "", p.title, p.status,
                 p.estimated_cost, p.approved_cost or "", p.latitude or "", p.longitude or ""]
                for p in _public_projects(request).iterator(chunk_size=2000))
        return _csv(header, rows, "projects.csv")


@extend_schema(parameters=[CYCLE_FILTER])
class ReviewList(generics.ListAPIView):
    """Review conclusions of the departments (public)."""

    serializer_class = s.ReviewOutput
    permission_classes: list = []

    def get_queryset(self) -> QuerySet[Review]:
        reviews = Review.objects.select_related("project", "department").order_by("pk")
        if self.request.query_params.get("cycle"):
            reviews = reviews.filter(project__cycle__slug=self.request.query_params["cycle"])
        return reviews


class ResultList(APIView):
    """The published results of a cycle: every project on the ballot with its votes and why it was
    or was not funded."""

    permission_classes: list = []

    @extend_schema(responses={200: s.ResultsOutput, 404: OpenApiResponse(s.BudgetErrors)})
    def get(self, request: Request, slug: str) -> Response:
        cycle = _cycle(slug)
        run = selectors.result_run(cycle)
        if run is None:
            raise DomainError(_("The results are not published yet."), code="not_published", status_code=404)
        rows = ProjectResult.objects.filter(run=run).select_related("project").order_by("category_id", "rank")
        return Response(s.ResultsOutput({"cycle": cycle.slug, "rule": run.rule, "counted_at": run.finished_at,
                                         "ballots": run.ballots, "projects": rows}).data)


class ResultCsv(APIView):
    permission_classes: list = []

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, 404: OpenApiResponse(s.BudgetErrors)})
    def get(self, request: Request, slug: str) -> ScopedStreamingResponse:
        cycle = _cycle(slug)
        run = selectors.result_run(cycle)
        if run is None:
            raise DomainError(_("The results are not published yet."), code="not_published", status_code=404)

        header = ["category_id", "rank", "project_number", "title", "votes", "voters", "cost", "funded", "reason"]
        rows = ([r.category_id, r.rank, r.project.number, r.project.title, r.votes, r.voters, r.cost, int(r.funded),
                 r.reason]
                for r in ProjectResult.objects.filter(run=run).select_related("project")
                .order_by("category_id", "rank").iterator(chunk_size=2000))
        return _csv(header, rows, f"{cycle.slug}-results.csv")


def _votes_cycle(slug: str) -> Cycle:
    cycle = _cycle(slug)
    if not results.votes_are_public(cycle):
        raise DomainError(_("The votes are published when voting is over."), code="not_published", status_code=404)
    return cycle


class VoteList(generics.ListAPIView):
    """De-identified ballots of a cycle, published once voting is over."""

    serializer_class = s.VoteOutput
    permission_classes: list = []

    def get_queryset(self) -> QuerySet[Ballot]:
        cycle = _votes_cycle(self.kwargs["slug"])
        return (Ballot.objects.filter(cycle=cycle).order_by("public_id")
                .prefetch_related(Prefetch("choices", queryset=BallotChoice.objects.select_related("project")
                                           .order_by("project__number"))))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = [{"voter_id": b.public_id, "voting_method": b.channel,
                 "choices": [[c.project.number, c.points] for c in b.choices.all()]} for b in page or []]
        return self.get_paginated_response(s.VoteOutput(data, many=True).data)


class VoteCsv(APIView):
    permission_classes: list = []

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, 404: OpenApiResponse(s.BudgetErrors)})
    def get(self, request: Request, slug: str) -> ScopedStreamingResponse:
        cycle = _votes_cycle(slug)
        return exports.stream_response(results.stream_votes_csv(cycle), filename=f"{cycle.slug}-votes.csv")


def _implementation(request: Request) -> QuerySet[ImplementationItem]:
    return selectors.implementation_items(
        _cycle(request.query_params["cycle"]) if request.query_params.get("cycle") else None)


@extend_schema(parameters=[CYCLE_FILTER])
class ImplementationList(generics.ListAPIView):
    """Winning projects being implemented: department, progress, money spent, milestones."""

    serializer_class = s.ImplementationOutput
    permission_classes: list = []

    def get_queryset(self) -> QuerySet[ImplementationItem]:
        return _implementation(self.request)


@extend_schema(parameters=[CYCLE_FILTER], responses={(200, "text/csv"): OpenApiTypes.STR})
class ImplementationCsv(APIView):
    permission_classes: list = []

    def get(self, request: Request) -> ScopedStreamingResponse:
        items = _implementation(request)  # an unknown cycle is a 404 now, not an error half-way through the stream

        header = ["cycle", "project_number", "title", "department", "progress", "spent", "cost", "completed_at"]
        rows = ([item.project.cycle.slug, item.project.number, item.project.title, item.department.name_uk,
                 item.progress, item.spent, item.project.cost, item.completed_at or ""] for item in items)
        return _csv(header, rows, "implementation.csv")


class MyBallot(APIView):
    """The signed-in voter's ballot in a cycle: read it, cast it, or replace it until voting closes.

    One ballot per person per cycle; a new POST replaces the choices of the earlier online ballot."""

    permission_classes = [permissions.IsAuthenticated, RulePermission]
    rules_by_method: ClassVar[dict[str, str]] = {"POST": "budgeting.vote"}

    def rule_object(self, request: Request) -> Cycle:
        if not hasattr(self, "_cycle_obj"):
            try:
                self._cycle_obj = selectors.cycle_for_ballot(self.kwargs["slug"])
            except Cycle.DoesNotExist:
                raise Http404 from None
        return self._cycle_obj

    @extend_schema(responses={200: s.BallotOutput, 404: OpenApiResponse(s.BudgetErrors)})
    def get(self, request: Request, slug: str) -> Response:
        ballot = selectors.ballot_of(self.rule_object(request), request.user)
        if ballot is None:
            raise DomainError(_("You have not voted in this cycle."), code="no_ballot", status_code=404)
        return Response(s.BallotOutput(ballot).data)

    @extend_schema(request=s.BallotInput, responses={201: s.BallotOutput, 200: s.BallotOutput, **ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        cycle = self.rule_object(request)
        plain = plain_ballot(request.data)
        if plain is None:  # anything but the plain JSON shape: the serializer converts it or says what is wrong
            data = s.BallotInput(data=request.data)
            data.is_valid(raise_exception=True)
            plain = ([actions.Choice(c["project"], c["points"]) for c in data.validated_data["choices"]],
                     data.validated_data.get("district"))
        choices, district_id = plain
        limits.check_ballot(community=cycle.community, user_id=int(request.user.pk or 0), meta=request.META)
        outcome = actions.ballot_submit(cycle=cycle, voter=request.user, choices=choices, district_id=district_id)
        return Response(ballot_answer(cycle, outcome), status=201 if outcome.created else 200)


def ballot_answer(cycle: Cycle, outcome: actions.BallotOutcome) -> dict[str, Any]:
    """The answer to a cast ballot, built from what was just written (the shape of BallotOutput): no re-read."""
    ballot = outcome.ballot
    return {"id": ballot.pk, "cycle": cycle.slug, "voter_id": ballot.public_id, "channel": ballot.channel,
            "district": ballot.district_id, "created_at": _iso(ballot.created_at),
            "updated_at": _iso(ballot.updated_at),
            "choices": [{"project": line.project_id, "points": line.points} for line in outcome.lines]}


def _iso(value: datetime) -> str:
    """A time as DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as "Z"."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


MAX_CHOICES = 100  # BallotInput's max_length
MAX_POINTS = 100  # ChoiceInput's max_value


def plain_ballot(data: Any) -> tuple[list[actions.Choice], int | None] | None:
    """A ballot body of exactly the documented JSON shape — {"choices": [{"project": int, "points": int}…],
    "district": int or null} with at most 100 choices and points 1–100 — read without a serializer
    (building one costs more than checking and storing the ballot). Anything else gives None, and the
    caller runs ``BallotInput``, which accepts the same bodies, converts numbers sent as text, and words
    the errors. The ballot's own rules (projects on the ballot, limits) are checked by the action."""
    if type(data) is not dict:
        return None
    raw, district = data.get("choices"), data.get("district")
    if type(raw) is not list or len(raw) > MAX_CHOICES or (district is not None and type(district) is not int):
        return None
    choices = []
    for item in raw:
        if type(item) is not dict:
            return None
        project, points = item.get("project"), item.get("points", 1)
        if type(project) is not int or type(points) is not int or not 1 <= points <= MAX_POINTS:
            return None
        choices.append(actions.Choice(project, points))
    return choices, district
