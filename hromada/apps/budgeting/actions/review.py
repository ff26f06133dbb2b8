"""The staff's side of a project: moderation, the department's review, the decision on an appeal,
and the ballot prepared from the feasible projects."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.budgeting import workflow
from hromada.apps.budgeting.actions.common import (
    locked_project,
    notify_authors,
    notify_department,
    parse_decimal,
    require,
)
from hromada.apps.budgeting.models import (
    Appeal,
    AppealDecision,
    Cycle,
    Project,
    ProjectStatus,
    Review,
    ReviewConclusion,
    money,
)
from hromada.apps.communities.models import Department
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.text import strip_controls

MODERATION = {"take": "take", "publish": "publish", "return": "return", "reject": "reject"}


def project_moderate(*, project: Project, by: Any, decision: str, reason: str = "") -> Project:
    """A moderator takes a submitted project, then publishes it, returns it for corrections or rejects it."""
    if decision not in MODERATION:
        raise DomainError(_("Unknown decision."), code="bad_decision", field="decision")
    reason = strip_controls(reason)
    if decision in ("return", "reject") and not reason:
        raise DomainError(_("Give the reason: the author will read it."), code="required", field="reason")
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        event = workflow.apply(locked, MODERATION[decision], by=by, note=reason)
        audit_record(actor=by, action=f"budgeting.moderate_{decision}", community=locked.cycle.community,
                     target=locked, data={"to": event.to_status, "reason": reason})
        if decision != "take":
            notify_authors(locked, _("Your project №%(number)s “%(title)s” is now: %(status)s. %(reason)s")
                            % {"number": locked.number, "title": locked.title,
                               "status": locked.get_status_display(), "reason": reason})
    return locked


def project_send_to_review(*, project: Project, by: Any, department: Department) -> Project:
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        if department is None or department.community_id != locked.community_id:
            raise DomainError(_("Choose a department of this community."), code="bad_department", field="department")
        locked.department = department
        workflow.apply(locked, "send_to_review", by=by, data={"department": department.name_uk},
                       extra_fields=("department",))
        audit_record(actor=by, action="budgeting.send_to_review", community=locked.cycle.community,
                     target=locked, data={"department": department.pk})
        notify_department(locked, _("Project №%(number)s “%(title)s” waits for your department's conclusion.")
                           % {"number": locked.number, "title": locked.title})
    return locked


CONCLUSION_TRANSITIONS = {
    ReviewConclusion.FEASIBLE: "conclude_feasible",
    ReviewConclusion.FEASIBLE_CHANGED_COST: "conclude_changed_cost",
    ReviewConclusion.NOT_FEASIBLE: "conclude_not_feasible",
}


def project_review(*, project: Project, by: Any, conclusion: str, reason: str = "",
                   changed_cost: Any = None) -> Review:
    """The responsible department's conclusion. "Not feasible" needs the reason; "feasible with changed
    cost" needs the new cost, which must stay within the category's limits."""
    if conclusion not in CONCLUSION_TRANSITIONS:
        raise DomainError(_("Choose a conclusion."), code="bad_conclusion", field="conclusion")
    reason = strip_controls(reason)
    cost = None
    if conclusion == ReviewConclusion.NOT_FEASIBLE and not reason:
        raise DomainError(_("Give the reason why the project is not feasible: it is published."),
                          code="required", field="reason")
    if conclusion == ReviewConclusion.FEASIBLE_CHANGED_COST:
        cost = money(parse_decimal(changed_cost, field="changed_cost", label=_("The new cost"), allow_zero=False))
        if not reason:
            raise DomainError(_("Explain the change of the cost: it is published."), code="required",
                              field="reason")
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        if cost is not None and not locked.category.min_cost <= cost <= locked.category.max_cost:
            raise DomainError(_("The new cost is outside the category's limits (%(min)s – %(max)s UAH).")
                              % {"min": locked.category.min_cost, "max": locked.category.max_cost},
                              code="out_of_limits", field="changed_cost")
        if locked.department is None:
            raise DomainError(_("Choose the department responsible for the review."), code="bad_department",
                              field="department")
        locked.approved_cost = cost
        workflow.apply(locked, CONCLUSION_TRANSITIONS[ReviewConclusion(conclusion)], by=by, note=reason,
                       data={"changed_cost": str(cost) if cost is not None else None},
                       extra_fields=("approved_cost",))
        review = Review.objects.create(community_id=locked.community_id, project=locked,
                                       department=locked.department, reviewer=by, conclusion=conclusion,
                                       reason=reason, changed_cost=cost)
        audit_record(actor=by, action="budgeting.review", community=locked.cycle.community, target=locked,
                     data={"conclusion": conclusion, "changed_cost": str(cost) if cost is not None else None})
        notify_authors(locked, _("The department's conclusion on your project №%(number)s: %(conclusion)s. "
                                  "%(reason)s") % {"number": locked.number,
                                                   "conclusion": review.get_conclusion_display(),
                                                   "reason": reason})
    return review


def appeal_decide(*, project: Project, by: Any, upheld: bool, reason: str) -> Appeal:
    reason = strip_controls(reason)
    if not reason:
        raise DomainError(_("Give the reasons of the decision: they are published."), code="required",
                          field="reason")
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        workflow.apply(locked, "uphold_appeal" if upheld else "reject_appeal", by=by, note=reason)
        appeal = Appeal.objects.select_for_update().get(project=locked)
        appeal.decision = AppealDecision.UPHELD if upheld else AppealDecision.REJECTED
        appeal.decision_reason, appeal.decided_by, appeal.decided_at = reason, by, timezone.now()
        appeal.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        audit_record(actor=by, action="budgeting.decide_appeal", community=locked.cycle.community, target=locked,
                     data={"upheld": upheld, "reason": reason})
        notify_authors(locked, _("The decision on your appeal (project №%(number)s): %(decision)s. %(reason)s")
                        % {"number": locked.number, "decision": appeal.get_decision_display(), "reason": reason})
    return appeal


def cycle_prepare_ballot(*, cycle: Cycle, by: Any) -> int:
    """Put every feasible project (and every upheld appeal) on the ballot. Returns how many were added."""
    require(by, "budgeting.prepare_ballot", cycle)
    ready = [ProjectStatus.FEASIBLE, ProjectStatus.FEASIBLE_CHANGED_COST, ProjectStatus.APPEAL_UPHELD]
    added = 0
    with transaction.atomic(durable=True):
        projects = list(Project.objects.select_for_update(of=("self",)).select_related("cycle", "category")
                        .filter(cycle=cycle, status__in=ready).order_by("number"))
        for project in projects:
            workflow.apply(project, "put_on_ballot", by=by, permission_checked=True)
            added += 1
        audit_record(actor=by, action="budgeting.prepare_ballot", community=cycle.community, target=cycle,
                     data={"added": added})
    return added
