"""Residents' comments on public projects, and their moderation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.budgeting.actions.common import require
from hromada.apps.budgeting.models import Comment, CommentStatus, Project
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.cases.actions import lock
from hromada.core.text import strip_controls


def comment_add(*, project: Project, author: Any, text: str) -> Comment:
    """A comment waits for a moderator before it is shown to others."""
    require(author, "budgeting.comment_project", project)
    text = strip_controls(text)
    if not text:
        raise DomainError(_("Write the comment first."), code="required", field="text")
    if len(text) > 4000:
        raise DomainError(_("A comment has at most 4000 characters."), code="too_long", field="text")
    return Comment.objects.create(community_id=project.community_id, project=project, author=author, text=text)


def comment_moderate(*, comment: Comment, by: Any, publish: bool, note: str = "") -> Comment:
    require(by, "budgeting.moderate_comment", comment.project)
    with transaction.atomic(durable=True):
        locked = lock(comment)
        locked.status = CommentStatus.PUBLISHED if publish else CommentStatus.HIDDEN
        locked.moderated_by, locked.moderated_at = by, timezone.now()
        locked.moderation_note = strip_controls(note)[:300]
        locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
        audit_record(actor=by, action="budgeting.moderate_comment", community=comment.project.community,
                     target=locked, data={"status": locked.status, "note": locked.moderation_note})
    return locked
