"""The implementation of the winning projects: items of the responsible departments, progress,
money spent, milestones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.budgeting import workflow
from hromada.apps.budgeting.actions.common import locked_project, parse_decimal, parse_int, require
from hromada.apps.budgeting.actions.projects import validate_photo
from hromada.apps.budgeting.models import (
    Cycle,
    ImplementationItem,
    ImplementationPhoto,
    Milestone,
    Project,
    ProjectEvent,
    ProjectStatus,
    money,
)
from hromada.apps.communities.models import Department
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import kyiv_date
from hromada.core.cases.actions import lock
from hromada.core.text import strip_controls


def implementation_start(*, project: Project, by: Any, department: Department | None = None) -> ImplementationItem:
    """A winning project becomes an implementation item of a responsible department."""
    require(by, "budgeting.start_implementation", project)
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        department = department or locked.department
        if department is None or department.community_id != locked.community_id:
            raise DomainError(_("Choose the department responsible for the implementation."),
                              code="bad_department", field="department")
        workflow.apply(locked, "start_implementation", by=by, data={"department": department.name_uk})
        item = ImplementationItem.objects.create(community_id=locked.community_id, project=locked,
                                                 department=department)
        audit_record(actor=by, action="budgeting.start_implementation", community=locked.cycle.community,
                     target=item, data={"project": locked.number, "department": department.pk})
    return item


def cycle_start_implementation(*, cycle: Cycle, by: Any, default_department: Department | None = None) -> int:
    """Start the implementation of every winner that has none yet; returns how many were started."""
    require(by, "budgeting.start_implementation", cycle)
    started = 0
    for project in Project.objects.filter(cycle=cycle, status=ProjectStatus.WINNER).select_related("cycle"):
        implementation_start(project=project, by=by, department=project.department or default_department)
        started += 1
    return started


def implementation_update(*, item: ImplementationItem, by: Any, progress: Any, spent: Any, note: str = "",
                          photos: Sequence[UploadedFile] = ()) -> ImplementationItem:
    """The department reports progress (0–100 %) and money spent; at 100 % the project is implemented."""
    require(by, "budgeting.update_implementation", item)
    progress_value = parse_int(progress, field="progress", label=_("Progress"))
    if not 0 <= progress_value <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), code="out_of_range", field="progress")
    spent_value = money(parse_decimal(spent, field="spent", label=_("Spent"), allow_zero=True))
    for upload in photos:
        validate_photo(upload)
    with transaction.atomic(durable=True):
        locked = lock(item, related=("project",))
        locked.progress, locked.spent, locked.note = progress_value, spent_value, strip_controls(note)
        fields = ["progress", "spent", "note", "updated_at"]
        project = locked_project(locked.project)
        if progress_value == 100 and project.status == ProjectStatus.IMPLEMENTATION:
            locked.completed_at = timezone.now()
            fields.append("completed_at")
            workflow.apply(project, "complete", by=by, note=locked.note, permission_checked=True)
        else:
            ProjectEvent.record(project, "implementation_update", actor=by, note=locked.note,
                                data={"progress": progress_value, "spent": str(spent_value)})
        locked.save(update_fields=fields)
        for upload in photos:
            ImplementationPhoto.objects.create(community_id=locked.community_id, item=locked, image=upload,
                                               caption=(upload.name or "")[:200])
        audit_record(actor=by, action="budgeting.update_implementation", community=project.cycle.community,
                     target=locked, data={"progress": progress_value, "spent": str(spent_value)})
    return locked


def milestone_add(*, item: ImplementationItem, by: Any, title: str, due_date: date | None = None) -> Milestone:
    require(by, "budgeting.update_implementation", item)
    title = strip_controls(title, single_line=True)
    if not title:
        raise DomainError(_("Name the milestone."), code="required", field="title")
    position = (item.milestones.aggregate(n=Max("position"))["n"] or 0) + 1
    return Milestone.objects.create(community_id=item.community_id, item=item, title=title[:200],
                                    due_date=due_date, position=position)


def milestone_reach(*, milestone: Milestone, by: Any, done_on: date | None = None) -> Milestone:
    require(by, "budgeting.update_implementation", milestone.item)
    with transaction.atomic(durable=True):
        milestone.done_on = done_on or kyiv_date(timezone.now())
        milestone.save(update_fields=["done_on"])
        ProjectEvent.record(milestone.item.project, "milestone", actor=by, note=milestone.title,
                            data={"done_on": milestone.done_on.isoformat()})
    return milestone
