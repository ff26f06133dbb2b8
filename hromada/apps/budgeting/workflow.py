"""The life of a project as a table: transition, from, to, permission, guard.

``apply()`` is the only code that changes ``Project.status``. It checks the table, the
permission (who and in which phase, see ``rules.py``) and the guard (facts about the project),
then saves the status and writes the timeline event in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.models import Project, ProjectEvent
from hromada.apps.budgeting.models import ProjectStatus as S
from hromada.core.api.errors import DomainError

Guard = Callable[[Project], str | None]  # returns why the transition may not happen, or None


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


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    permission: str  # a rule in rules.py, tested with (user, project)
    label: Any  # lazy text for buttons and the timeline
    guard: Guard | None = None


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

TRANSITIONS: dict[str, Transition] = {t.name: t for t in TABLE}


def available(project: Project, user: Any) -> list[Transition]:
    """Transitions the person could take on the project now (table and permission; guards not run)."""
    return [t for t in TABLE if project.status in t.sources and user.has_perm(t.permission, project)]


def check(project: Project, name: str, by: Any, *, permission_checked: bool = False) -> Transition:
    """The transition, or a DomainError saying why it cannot happen."""
    transition = TRANSITIONS[name]
    if not permission_checked:
        reason = budget_rules.refusal(transition.permission, by, project)
        if reason:
            raise DomainError(reason, code="forbidden", status_code=403)
    if project.status not in transition.sources:
        raise DomainError(
            _("This cannot be done while the project is “%(status)s”.") % {"status": project.get_status_display()},
            code="wrong_status", status_code=409,
        )
    if transition.guard is not None:
        reason = transition.guard(project)
        if reason:
            raise DomainError(reason, code="guard_failed")
    return transition


def apply(project: Project, name: str, *, by: Any, note: str = "", data: dict | None = None,
          permission_checked: bool = False, extra_fields: tuple[str, ...] = ()) -> ProjectEvent:
    """Move the project along transition `name` and write its event.

    Call inside a transaction holding the project's row lock (``select_for_update``) so two
    people cannot move the same project at once. `permission_checked=True` is for system steps
    (the tally) whose permission the caller checked on the cycle.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("workflow.apply() must run inside a transaction")
    transition = check(project, name, by, permission_checked=permission_checked)
    previous = project.status
    project.status = transition.target
    now = timezone.now()
    fields = ["status", "updated_at", *extra_fields]
    if transition.target == S.SUBMITTED:
        project.submitted_at = now
        fields.append("submitted_at")
    if transition.target == S.PUBLISHED:
        project.published_at = now
        fields.append("published_at")
    if note or transition.target in (S.REJECTED, S.NOT_FEASIBLE, S.APPEAL_REJECTED, S.DRAFT):
        project.status_reason = note
        fields.append("status_reason")
    project.save(update_fields=list(dict.fromkeys(fields)))
    return ProjectEvent.objects.create(
        community_id=project.community_id, project=project,
        actor=by if getattr(by, "pk", None) else None, kind=name, from_status=previous,
        to_status=transition.target, note=note, data=data or {},
    )
