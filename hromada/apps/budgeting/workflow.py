"""The life of a project as a table: transition, from, to, permission, guard.

The table is a ``Workflow`` of the case core (``hromada.core.cases``): its ``check`` asks the
permission (who and in which phase, ``rules.refusal``, so a refused person reads why), then the
state, then the guard (facts about the project). ``apply()`` is the only code that changes
``Project.status``: the core's ``apply_transition`` with the project's own stamps, in the
caller's transaction.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.models import Project, ProjectEvent
from hromada.apps.budgeting.models import ProjectStatus as S
from hromada.core.cases.actions import apply_transition
from hromada.core.cases.workflow import Transition, Workflow


def _has_costs(project: Project) -> str | None:
    if not project.cost_items.exists():
        return _("Add at least one cost item.")
    return None


def _cost_within_category(project: Project) -> str | None:
    category = project.category
    if not category.min_cost <= project.cost <= category.max_cost:
        return _("The cost %(cost)s UAH is outside the category's limits (%(min)s – %(max)s UAH).") % {
            "cost": project.cost, "min": category.min_cost, "max": category.max_cost}
    return None


def _located_if_district(project: Project) -> str | None:
    if project.category.district_id is not None and not project.has_location:
        return _("Mark the place of the project on the map: the category is for one district.")
    return None


def _submit_guard(project: Project) -> str | None:
    return _has_costs(project) or _cost_within_category(project) or _located_if_district(project)


def _has_department(project: Project) -> str | None:
    if project.department_id is None:
        return _("Choose the department responsible for the review.")
    return None


def _no_appeal_yet(project: Project) -> str | None:
    from hromada.apps.budgeting.models import Appeal

    if Appeal.objects.filter(project=project).exists():
        return _("This project has already been appealed once; a second appeal is not allowed.")
    return None


WITHDRAWABLE = frozenset({S.DRAFT, S.SUBMITTED, S.ON_MODERATION, S.PUBLISHED, S.UNDER_REVIEW, S.FEASIBLE,
                          S.FEASIBLE_CHANGED_COST, S.NOT_FEASIBLE, S.APPEAL_UPHELD})

TABLE: tuple[Transition, ...] = (
    Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, "budgeting.submit_project",
               gettext_lazy("Submitted for moderation"), _submit_guard),
    Transition("take", frozenset({S.SUBMITTED}), S.ON_MODERATION, "budgeting.moderate_project",
               gettext_lazy("Taken for moderation")),
    Transition("return", frozenset({S.SUBMITTED, S.ON_MODERATION}), S.DRAFT, "budgeting.moderate_project",
               gettext_lazy("Returned to the author for corrections")),
    Transition("publish", frozenset({S.ON_MODERATION}), S.PUBLISHED, "budgeting.moderate_project",
               gettext_lazy("Published")),
    Transition("reject", frozenset({S.ON_MODERATION}), S.REJECTED, "budgeting.moderate_project",
               gettext_lazy("Rejected by moderator")),
    Transition("send_to_review", frozenset({S.PUBLISHED}), S.UNDER_REVIEW, "budgeting.assign_project",
               gettext_lazy("Sent to the department for review"), _has_department),
    Transition("conclude_feasible", frozenset({S.UNDER_REVIEW}), S.FEASIBLE, "budgeting.review_project",
               gettext_lazy("Found feasible")),
    Transition("conclude_changed_cost", frozenset({S.UNDER_REVIEW}), S.FEASIBLE_CHANGED_COST,
               "budgeting.review_project", gettext_lazy("Found feasible with a changed cost")),
    Transition("conclude_not_feasible", frozenset({S.UNDER_REVIEW}), S.NOT_FEASIBLE, "budgeting.review_project",
               gettext_lazy("Found not feasible")),
    Transition("revise", frozenset({S.NOT_FEASIBLE, S.FEASIBLE_CHANGED_COST}), S.UNDER_REVIEW,
               "budgeting.revise_project", gettext_lazy("Revised by the author; back under review"),
               _has_costs),
    Transition("appeal", frozenset({S.NOT_FEASIBLE}), S.APPEALED, "budgeting.appeal_project",
               gettext_lazy("Appealed by the author"), _no_appeal_yet),
    Transition("uphold_appeal", frozenset({S.APPEALED}), S.APPEAL_UPHELD, "budgeting.decide_appeal",
               gettext_lazy("Appeal upheld")),
    Transition("reject_appeal", frozenset({S.APPEALED}), S.APPEAL_REJECTED, "budgeting.decide_appeal",
               gettext_lazy("Appeal rejected")),
    Transition("put_on_ballot", frozenset({S.FEASIBLE, S.FEASIBLE_CHANGED_COST, S.APPEAL_UPHELD}), S.ON_BALLOT,
               "budgeting.prepare_ballot", gettext_lazy("Put on the ballot"), _cost_within_category),
    Transition("win", frozenset({S.ON_BALLOT}), S.WINNER, "budgeting.tally_cycle",
               gettext_lazy("Won the vote")),
    Transition("lose", frozenset({S.ON_BALLOT}), S.NOT_FUNDED, "budgeting.tally_cycle",
               gettext_lazy("Not funded")),
    Transition("start_implementation", frozenset({S.WINNER}), S.IMPLEMENTATION, "budgeting.start_implementation",
               gettext_lazy("Implementation started")),
    Transition("complete", frozenset({S.IMPLEMENTATION}), S.IMPLEMENTED, "budgeting.update_implementation",
               gettext_lazy("Implemented")),
    Transition("withdraw", WITHDRAWABLE, S.WITHDRAWN, "budgeting.withdraw_project",
               gettext_lazy("Withdrawn by the author")),
)

WORKFLOW = Workflow(
    TABLE, event_model=ProjectEvent, refusal=budget_rules.refusal, state_code="wrong_status",
    state_message=gettext_lazy("This cannot be done while the project is “%(status)s”."),
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions

# A transition that reaches one of these states records the moment it did.
STAMPED_AT: dict[str, str] = {S.SUBMITTED: "submitted_at", S.PUBLISHED: "published_at"}
# A refusal or a return states its reason on the project, even when it is empty.
STATES_WITH_REASON: frozenset[str] = frozenset({S.REJECTED, S.NOT_FEASIBLE, S.APPEAL_REJECTED, S.DRAFT})


def available(project: Project, user: Any) -> list[Transition]:
    """Transitions the person could take on the project now (table and permission; guards not run)."""
    return WORKFLOW.available(project, user)


def check(project: Project, name: str, by: Any, *, permission_checked: bool = False) -> Transition:
    """The transition, or a DomainError saying why it cannot happen (403 permission, 409 state or guard)."""
    return WORKFLOW.check(project, name, by, permission_checked=permission_checked)


def apply(project: Project, name: str, *, by: Any, note: str = "", data: dict[str, Any] | None = None,
          permission_checked: bool = False, extra_fields: tuple[str, ...] = ()) -> ProjectEvent:
    """Move the project along transition `name` and write its event (``apply_transition``), with
    the project's own stamps: the time it was submitted or published, and the reason of a refusal
    or a return. `extra_fields` are fields the caller set on the project that are saved with it.

    Call inside a transaction holding the project's row lock (``lock``) so two people cannot move
    the same project at once. `permission_checked=True` is for system steps (the tally) whose
    permission the caller checked on the cycle.
    """
    target = TRANSITIONS[name].target
    fields: dict[str, Any] = {field: getattr(project, field) for field in extra_fields}
    if target in STAMPED_AT:
        fields[STAMPED_AT[target]] = timezone.now()
    if note or target in STATES_WITH_REASON:
        fields["status_reason"] = note
    event: ProjectEvent = apply_transition(project, WORKFLOW, name, by=by, note=note, data=data,
                                           permission_checked=permission_checked, **fields)
    return event
