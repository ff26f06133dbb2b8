"""API serializers of the participatory budget: input and output apart. Outputs never carry a
resident's contact details; authors appear by name only and voters by their de-identified id."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hromada.apps.budgeting.models import (
    Ballot,
    Category,
    CostItem,
    Cycle,
    ImplementationItem,
    Milestone,
    Phase,
    Project,
    ProjectResult,
    Review,
)

# --- input ----------------------------------------------------------------------------------

class ChoiceInput(serializers.Serializer):
    project = serializers.IntegerField(help_text=_("Project id (the `id` field of a project)."))
    points = serializers.IntegerField(default=1, min_value=1, max_value=100,
                                      help_text=_("1 for approval voting; points (cumulative) or rank (ranking)."))


class BallotInput(serializers.Serializer):
    choices = serializers.ListField(child=ChoiceInput(), allow_empty=True, max_length=100)
    district = serializers.IntegerField(required=False, allow_null=True,
                                        help_text=_("The district whose projects the voter votes for (optional)."))


# --- output ---------------------------------------------------------------------------------

class PhaseOutput(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["kind", "starts_at", "ends_at"]


class CategoryOutput(serializers.ModelSerializer):
    district = serializers.IntegerField(source="district_id", allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "name_uk", "name_en", "fund", "min_cost", "max_cost", "max_votes", "district"]


class CycleOutput(serializers.ModelSerializer):
    phases = PhaseOutput(many=True)
    categories = CategoryOutput(many=True)
    active_phase = serializers.SerializerMethodField()
    max_votes = serializers.IntegerField(source="effective_max_votes")
    min_age = serializers.IntegerField(source="effective_min_age")

    class Meta:
        model = Cycle
        fields = ["slug", "name_uk", "name_en", "year", "description", "voting_rule", "tally_rule", "max_votes",
                  "max_points_per_project", "min_age", "min_identity_level", "eligibility", "min_project_score",
                  "active_phase", "phases", "categories"]

    def get_active_phase(self, cycle: Cycle) -> str | None:
        from hromada.apps.budgeting import phases

        current = phases.active_phase(cycle)
        return current.kind if current else None


class CostItemOutput(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        model = CostItem
        fields = ["description", "unit", "quantity", "unit_price", "total"]


class ProjectOutput(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.slug")
    category = serializers.IntegerField(source="category_id")
    district = serializers.IntegerField(source="district_id", allow_null=True)
    department = serializers.IntegerField(source="department_id", allow_null=True)
    author_name = serializers.CharField(source="author.full_name")
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        model = Project
        fields = ["id", "number", "cycle", "category", "district", "title", "status", "status_reason",
                  "author_name", "estimated_cost", "approved_cost", "cost", "latitude", "longitude", "department",
                  "published_at"]


class ReviewOutput(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    project_number = serializers.IntegerField(source="project.number")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name_uk")

    class Meta:
        model = Review
        fields = ["id", "project", "project_number", "department", "department_name", "conclusion", "reason",
                  "changed_cost", "created_at"]


class ProjectDetailOutput(ProjectOutput):
    cost_items = CostItemOutput(many=True)
    reviews = ReviewOutput(many=True)
    beneficiaries = serializers.CharField()
    description = serializers.CharField()

    class Meta(ProjectOutput.Meta):
        fields = [*ProjectOutput.Meta.fields, "description", "beneficiaries", "cost_items", "reviews"]


class ResultOutput(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    project_number = serializers.IntegerField(source="project.number")
    title = serializers.CharField(source="project.title")
    category = serializers.IntegerField(source="category_id")

    class Meta:
        model = ProjectResult
        fields = ["project", "project_number", "title", "category", "rank", "votes", "voters", "cost", "funded",
                  "reason", "remaining_fund"]


class ResultsOutput(serializers.Serializer):
    cycle = serializers.CharField()
    rule = serializers.CharField()
    counted_at = serializers.DateTimeField()
    ballots = serializers.IntegerField()
    projects = ResultOutput(many=True)


class VoteOutput(serializers.Serializer):
    voter_id = serializers.CharField(help_text=_("De-identified voter id (HMAC of the person and the cycle)."))
    voting_method = serializers.CharField(help_text=_("online, paper or cnap (as the channel of a ballot)."))
    choices = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()),
                                    help_text=_("Pairs [project number, points]."))


class MilestoneOutput(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "done_on"]


class ImplementationOutput(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    project_number = serializers.IntegerField(source="project.number")
    title = serializers.CharField(source="project.title")
    cycle = serializers.CharField(source="project.cycle.slug")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name_uk")
    cost = serializers.DecimalField(source="project.cost", max_digits=14, decimal_places=2)
    milestones = MilestoneOutput(many=True)

    class Meta:
        model = ImplementationItem
        fields = ["id", "project", "project_number", "title", "cycle", "department", "department_name", "cost",
                  "progress", "spent", "note", "started_at", "updated_at", "completed_at", "milestones"]


class BallotChoiceOutput(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    points = serializers.IntegerField()


class BallotOutput(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.slug")
    voter_id = serializers.CharField(source="public_id")
    district = serializers.IntegerField(source="district_id", allow_null=True)
    choices = BallotChoiceOutput(many=True)

    class Meta:
        model = Ballot
        fields = ["id", "cycle", "voter_id", "channel", "district", "created_at", "updated_at", "choices"]


class BudgetErrorItem(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class BudgetErrors(serializers.Serializer):
    """The platform's error envelope (hromada.core.api.errors)."""

    errors = BudgetErrorItem(many=True)  # type: ignore[assignment]  # the envelope's key; shadows Serializer.errors
