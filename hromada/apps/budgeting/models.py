"""Participatory budget: cycles with dated phases, categories with funds, projects with itemised
costs, reviews, appeals, comments, ballots, tally results and implementation tracking.

Every write goes through ``actions``; the status of a project changes only through
``workflow.apply`` (the transition table), which writes a :class:`ProjectEvent`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.communities.models import Localized
from hromada.core.cases.models import CaseEvent
from hromada.core.tenancy.models import TenantModel

CENT = Decimal("0.01")


def money_field(verbose_name: Any, **options: Any) -> Any:
    """An amount in hryvnias with kopiykas."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class VotingRule(models.TextChoices):
    APPROVAL = "approval", _("Approval: one vote for each chosen project")
    CUMULATIVE = "cumulative", _("Cumulative: points spread over projects")
    RANKING = "ranking", _("Ranking: chosen projects in order of preference")


class VoterEligibility(models.TextChoices):
    """Who may vote in a cycle, besides the age and identity level."""

    RESIDENTS = "residents", _("Residents of the community")  # the account's home community is this one
    TAXPAYERS = "taxpayers", _("Taxpayers of the community")  # the tax number is in the register of taxpayers
    RESIDENTS_OR_TAXPAYERS = "residents_or_taxpayers", _("Residents or taxpayers of the community")


class TallyRule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first, while the fund lasts")
    GREEDY_THRESHOLD = "greedy-threshold", _("Most votes first, above a minimum score")
    MES = "mes", _("Method of Equal Shares")
    MES_COMPLETE = "mes-complete", _("Method of Equal Shares, completed")


class Cycle(TenantModel, Localized):
    """One yearly participatory-budget round of a community."""

    slug = models.SlugField(_("short name"), max_length=50)
    year = models.PositiveIntegerField(_("budget year"), validators=[MinValueValidator(2000)])
    description = models.TextField(_("description"), blank=True)
    voting_rule = models.CharField(_("voting rule"), max_length=16, choices=VotingRule.choices,
                                   default=VotingRule.APPROVAL)
    tally_rule = models.CharField(_("tally rule"), max_length=20, choices=TallyRule.choices,
                                  default=TallyRule.GREEDY)
    max_votes = models.PositiveSmallIntegerField(
        _("votes per voter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Projects (or points, for cumulative voting) per voter in total. Empty: the community setting."),
    )
    max_points_per_project = models.PositiveSmallIntegerField(
        _("points per project"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Cumulative voting: the most points a voter may give one project."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum voter age"), null=True, blank=True, validators=[MaxValueValidator(120)],
        help_text=_("Empty: the community setting."),
    )
    min_identity_level = models.PositiveSmallIntegerField(
        _("identity level needed to vote"), choices=IdentityLevel.choices, default=IdentityLevel.VERIFIED,
    )
    eligibility = models.CharField(
        _("who may vote"), max_length=24, choices=VoterEligibility.choices, default=VoterEligibility.RESIDENTS,
        help_text=_("Taxpayers are the people in the community's register of taxpayers."),
    )
    min_project_score = models.PositiveIntegerField(
        _("minimum votes to be funded"), default=0,
        help_text=_("Used by the rule “most votes first, above a minimum score”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        ordering = ["-year", "-pk"]
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="budget_cycle_unique_slug")]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgeting:cycle", kwargs={"cycle": self.slug})

    @property
    def effective_max_votes(self) -> int:
        return self.max_votes or self.community.budget_max_votes

    @property
    def effective_min_age(self) -> int:
        return self.min_age if self.min_age is not None else self.community.budget_min_age


class Phase(TenantModel):
    """A dated window of a cycle; see ``phases.FEATURES`` for what it switches on."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases", verbose_name=_("cycle"))
    kind = models.CharField(_("phase"), max_length=16, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="budget_phase_unique_kind"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="budget_phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Category(TenantModel, Localized):
    """A pot of money within a cycle (e.g. city-wide large projects, or one district's projects)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="categories", verbose_name=_("cycle"))
    fund = money_field(_("fund, UAH"), validators=[MinValueValidator(Decimal("0.01"))])
    min_cost = money_field(_("minimum project cost, UAH"), default=Decimal("0"),
                                   validators=[MinValueValidator(Decimal("0"))])
    max_cost = money_field(_("maximum project cost, UAH"),
                                   validators=[MinValueValidator(Decimal("0.01"))])
    max_votes = models.PositiveSmallIntegerField(
        _("votes per voter in this category"), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    district = models.ForeignKey("communities.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"),
                                 help_text=_("Only projects located in this district. Empty: city-wide."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name_uk"], name="budget_category_unique_name"),
            models.CheckConstraint(condition=Q(max_cost__gte=models.F("min_cost")),
                                   name="budget_category_cost_range"),
            models.CheckConstraint(condition=Q(max_cost__lte=models.F("fund")),
                                   name="budget_category_max_cost_within_fund"),
        ]


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # the author is writing it; only authors see it
    SUBMITTED = "submitted", _("Submitted")  # waiting for a moderator
    ON_MODERATION = "on_moderation", _("On moderation")  # a moderator is checking it
    REJECTED = "rejected", _("Rejected by moderator")  # breaks the rules of the programme; final
    PUBLISHED = "published", _("Published")  # public, waiting to be sent to a department
    UNDER_REVIEW = "under_review", _("Under review")  # the responsible department is assessing it
    FEASIBLE = "feasible", _("Feasible")  # the department found it can be carried out as proposed
    FEASIBLE_CHANGED_COST = "feasible_changed_cost", _("Feasible with changed cost")  # at the department's cost
    NOT_FEASIBLE = "not_feasible", _("Not feasible")  # with a reason; the author may revise or appeal once
    APPEALED = "appealed", _("Appealed")  # the author contests the conclusion
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")  # the commission admits it to the ballot
    APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")  # final
    ON_BALLOT = "on_ballot", _("On the ballot")  # residents can vote for it
    WINNER = "winner", _("Winner")  # funded by the tally
    NOT_FUNDED = "not_funded", _("Not funded")  # did not win enough support or did not fit the fund
    IMPLEMENTATION = "implementation", _("Being implemented")  # an implementation item tracks it
    IMPLEMENTED = "implemented", _("Implemented")  # done
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")  # final


PUBLIC_STATUSES = frozenset(ProjectStatus.values) - {
    ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.ON_MODERATION,
}


class Project(TenantModel):
    """A resident's proposal: what, where, for whom and for how much."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="projects", verbose_name=_("cycle"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="projects",
                                 verbose_name=_("category"))
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="budget_projects",
                               verbose_name=_("author"))
    co_authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_projects",
                                        verbose_name=_("co-authors"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    beneficiaries = models.TextField(_("who benefits"), blank=True)
    district = models.ForeignKey("communities.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    estimated_cost = money_field(_("estimated cost, UAH"), default=Decimal("0"), editable=False,
                                         help_text=_("The sum of the cost items; never typed in."))
    approved_cost = money_field(_("cost set by the department, UAH"), null=True, blank=True,
                                        editable=False)
    status = models.CharField(_("status"), max_length=24, choices=ProjectStatus.choices,
                              default=ProjectStatus.DRAFT, db_index=True)
    status_reason = models.TextField(_("reason of the last decision"), blank=True)
    department = models.ForeignKey("communities.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("responsible department"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="budget_project_unique_number"),
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="budget_project_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="budget_project_location_complete",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="budget_project_cycle_status")]

    def __str__(self) -> str:
        return f"№{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgeting:project", kwargs={"pk": self.pk})

    @property
    def cost(self) -> Decimal:
        """What the project costs for the tally: the department's figure when it changed the cost."""
        return self.approved_cost if self.approved_cost is not None else self.estimated_cost

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CostItem(TenantModel):
    """One line of a project's cost estimate: quantity × unit price."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_items",
                                verbose_name=_("project"))
    position = models.PositiveSmallIntegerField(_("line"), default=0)
    description = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = money_field(_("unit price, UAH"))

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="budget_costitem_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="budget_costitem_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def total(self) -> Decimal:
        return money(self.quantity * self.unit_price)


def _photo_path(instance: models.Model, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"budgeting/{instance.community_id}/{uuid.uuid4().hex}.{ext}"  # type: ignore[attr-defined]


class ProjectPhoto(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos", verbose_name=_("project"))
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    caption = models.CharField(_("description of the photo"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")
        ordering = ["pk"]


class ProjectEvent(CaseEvent):
    """One entry of a project's public timeline: who, when (``at``), from, to, why."""

    subject_field = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("project"))
    # The base's columns, with the project's statuses as choices (the timeline shows their names).
    from_status = models.CharField(_("from"), max_length=32, choices=ProjectStatus.choices, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=32, choices=ProjectStatus.choices, blank=True, default="")

    class Meta(CaseEvent.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")


class ReviewConclusion(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible")
    FEASIBLE_CHANGED_COST = "feasible_changed_cost", _("Feasible with changed cost")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class Review(TenantModel):
    """The responsible department's conclusion on a project. Public."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("project"))
    department = models.ForeignKey("communities.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=ReviewConclusion.choices)
    reason = models.TextField(_("reasons"), blank=True)
    changed_cost = money_field(_("cost set by the department, UAH"), null=True, blank=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("review conclusion")
        verbose_name_plural = _("review conclusions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(conclusion="feasible_changed_cost") | Q(changed_cost__gt=0),
                name="budget_review_changed_cost_given",
            ),
        ]


class AppealDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Appeal(TenantModel):
    """The author's one appeal against a "not feasible" conclusion (one per project: a unique key)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="appeal",
                                   verbose_name=_("project"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    text = models.TextField(_("grounds of the appeal"))
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=16, choices=AppealDecision.choices,
                                default=AppealDecision.PENDING)
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by moderator")


class Comment(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("project"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("author"))
    text = models.TextField(_("comment"), max_length=4000)
    status = models.CharField(_("status"), max_length=16, choices=CommentStatus.choices,
                              default=CommentStatus.PENDING)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("moderator"))
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderation_note = models.CharField(_("moderator's note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]


class Taxpayer(TenantModel):
    """A person in the community's register of taxpayers (people who pay taxes to its budget), known only by
    the keyed hash of their tax number, the same hash an account keeps (``accounts.models.tax_number_hash``).
    The register is replaced as a whole by an import (``actions.taxpayers_import``)."""

    tax_number_hash = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("taxpayer")
        verbose_name_plural = _("register of taxpayers")
        constraints = [models.UniqueConstraint(fields=["community", "tax_number_hash"],
                                               name="budget_taxpayer_unique_hash")]


class BallotChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper ballot")
    CNAP = "cnap", _("At a CNAP desk")


class Ballot(TenantModel):
    """One person's vote in one cycle. Uniqueness is the database's job: one ballot per account
    and one per person (tax-number hash) in a cycle; paper and online ballots share both keys."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("cycle"))
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("voter"))
    person_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    public_id = models.CharField(_("de-identified voter id"), max_length=32, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=BallotChannel.choices,
                               default=BallotChannel.ONLINE)
    district = models.ForeignKey("communities.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district voted in"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by operator"))
    created_at = models.DateTimeField(_("cast"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "voter"], name="budget_ballot_one_per_voter"),
            models.UniqueConstraint(fields=["cycle", "person_hash"], name="budget_ballot_one_per_person"),
            models.UniqueConstraint(fields=["cycle", "public_id"], name="budget_ballot_unique_public_id"),
            models.CheckConstraint(condition=Q(voter__isnull=False) | Q(person_hash__isnull=False),
                                   name="budget_ballot_identifies_voter"),
        ]


class BallotChoice(TenantModel):
    """A project on a ballot with its points (approval: 1; cumulative: points; ranking: the rank)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices", verbose_name=_("ballot"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    points = models.PositiveSmallIntegerField(_("points"), default=1)

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="budget_choice_one_vote_per_project"),
            models.CheckConstraint(condition=Q(points__gte=1), name="budget_choice_points_positive"),
        ]


class TallyStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TallyRun(TenantModel):
    """One count of a cycle's votes. The cycle's results are its one finished run."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="tally_runs", verbose_name=_("cycle"))
    rule = models.CharField(_("tally rule"), max_length=20, choices=TallyRule.choices)
    status = models.CharField(_("status"), max_length=8, choices=TallyStatus.choices, default=TallyStatus.RUNNING)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    ballots = models.PositiveIntegerField(_("ballots counted"), default=0)
    seconds = models.FloatField(_("tally time, s"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(fields=["cycle"], condition=Q(status="done"), name="budget_tally_one_result"),
            models.UniqueConstraint(fields=["cycle"], condition=Q(status="running"),
                                    name="budget_tally_one_running"),
        ]


class ResultReason(models.TextChoices):
    """Why a project was or was not funded; the values are the tally package's reasons."""

    FUNDED = "funded", _("Funded")
    FUNDED_IN_COMPLETION = "funded_in_completion", _("Funded when the rest of the fund was given out by votes")
    DID_NOT_FIT = "did_not_fit", _("Did not fit the fund left when its turn came")
    BELOW_THRESHOLD = "below_threshold", _("Fewer votes than the minimum")
    NOT_AFFORDABLE = "not_affordable", _("Its supporters' equal shares could not cover the cost")
    NO_SUPPORTERS = "no_supporters", _("No votes")


class ProjectResult(TenantModel):
    run = models.ForeignKey(TallyRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("tally"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="results",
                                verbose_name=_("project"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    votes = models.PositiveIntegerField(_("votes"))
    voters = models.PositiveIntegerField(_("voters"), default=0)
    cost = money_field(_("cost, UAH"))
    rank = models.PositiveIntegerField(_("place"))
    funded = models.BooleanField(_("funded"))
    reason = models.CharField(_("why"), max_length=24, choices=ResultReason.choices)
    remaining_fund = money_field(_("fund left when its turn came, UAH"), null=True, blank=True)

    class Meta:
        verbose_name = _("project result")
        verbose_name_plural = _("project results")
        ordering = ["category", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "project"], name="budget_result_unique_project")]


class ImplementationItem(TenantModel):
    """A winning project being carried out: who does it, how far it is, what it has cost so far."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="implementation",
                                   verbose_name=_("project"))
    department = models.ForeignKey("communities.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("responsible department"))
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0,
                                                validators=[MaxValueValidator(100)])
    spent = money_field(_("spent, UAH"), default=Decimal("0"))
    note = models.TextField(_("latest news"), blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("implementation item")
        verbose_name_plural = _("implementation items")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="budget_impl_progress_max_100"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="budget_impl_spent_not_negative"),
        ]


class Milestone(TenantModel):
    item = models.ForeignKey(ImplementationItem, on_delete=models.CASCADE, related_name="milestones",
                             verbose_name=_("implementation item"))
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("planned date"), null=True, blank=True)
    done_on = models.DateField(_("reached"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["position", "due_date", "pk"]


class ImplementationPhoto(TenantModel):
    item = models.ForeignKey(ImplementationItem, on_delete=models.CASCADE, related_name="photos",
                             verbose_name=_("implementation item"))
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    caption = models.CharField(_("description of the photo"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("implementation photo")
        verbose_name_plural = _("implementation photos")
        ordering = ["pk"]
