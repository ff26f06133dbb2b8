"""Processing: an appeal's way from triage to the answer, the author's rating and reopening.

Each action is its own (outermost, durable) transaction: it locks the appeal, runs its transition
through the workflow (permission, then state, then guard), writes the event and queues the notices;
the caller's `appeal` takes the new values once it has committed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import User
from hromada.apps.appeals import tallies, workflow
from hromada.apps.appeals.actions.common import date_text, not_now, record_event, tell_author, transition
from hromada.apps.appeals.actions.routing import find_category
from hromada.apps.appeals.actions.terms import compute_due_date, max_due_date
from hromada.apps.appeals.models import (
    ANSWER_MAX,
    NOTE_MAX,
    PUBLIC_ANSWER_MAX,
    Appeal,
    AppealAttachment,
    AppealEvent,
    AppealStatus,
)
from hromada.apps.communities.models import Department
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import end_of_day
from hromada.core.cases.actions import copy_values, forbidden, lock, require
from hromada.core.text import clean_plain_text

S = AppealStatus
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _department(value: Any) -> Department:
    department = value if isinstance(value, Department) else Department.objects.filter(pk=value).first()
    if department is None:
        raise DomainError(_("Unknown department."), code="unknown_department", field="department")
    return department


def appeal_route(*, appeal: Appeal, department: Any, by: User, category: Any = None, note: str = "") -> Appeal:
    """Triage: an operator sends a registered appeal to a department (and may fix its category)."""
    department = _department(department)
    category_obj = find_category(appeal.community, category) if category not in (None, "") else None
    note = clean_plain_text(note, field="note", max_length=NOTE_MAX, required=False)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        fields: dict[str, Any] = {"department": department}
        if category_obj is not None:
            fields["category"] = category_obj
        tally = tallies.state(locked)
        locked.department = department  # the guard asks for it; saved by the transition or rolled back
        transition(locked, "route", by=by, note=note, data={"department": department.pk}, tally=tally, **fields)
        tell_author(locked, kind="appeals.routed", subject=gettext_noop("Appeal %(number)s sent to a department"),
                    body=gettext_noop("Your appeal %(number)s was sent to %(department)s. %(link)s"),
                    params={"department": department.name})
    copy_values(appeal, locked)
    return appeal


def appeal_take(*, appeal: Appeal, by: User) -> Appeal:
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        transition(locked, "take", by=by)
        tell_author(locked, kind="appeals.in_progress", subject=gettext_noop("Appeal %(number)s is in progress"),
                    body=gettext_noop("An executor is working on your appeal %(number)s. %(link)s"))
    copy_values(appeal, locked)
    return appeal


def appeal_forward(*, appeal: Appeal, department: Any, reason: str, by: User) -> Appeal:
    """Send the appeal to another department with a reason; the term does not change."""
    department = _department(department)
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        if locked.department_id == department.pk:
            workflow.WORKFLOW.check(locked, "forward", by)
            raise DomainError(_("The appeal is already with this department."), code="same_department",
                              field="department")
        transition(locked, "forward", by=by, note=reason, data={"from_department": locked.department_id,
                                                                "department": department.pk}, department=department)
        audit_record(actor=by, action="appeals.forward", community=locked.community, target=locked,
                     data={"department": department.pk})
    copy_values(appeal, locked)
    return appeal


def appeal_extend(*, appeal: Appeal, reason: str, by: User, until: date | None = None) -> Appeal:
    """Extend the term (once), with a reason and a notice to the resident; never past the maximum (45 days)."""
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        workflow.WORKFLOW.check(locked, "extend", by)
        limit = max_due_date(locked)
        new_due = until or limit
        if new_due > limit:
            raise DomainError(_("The term cannot be extended beyond %(date)s (%(days)s days in total).") % {
                "date": date_text(limit), "days": locked.community.appeal_max_term_days},
                code="term_too_long", field="until")
        if new_due <= locked.due_date:
            raise DomainError(_("The new term must be later than the current one (%(date)s).") % {
                "date": date_text(locked.due_date)}, code="term_not_later", field="until")
        transition(locked, "extend", by=by, note=reason, data={"from": locked.due_date.isoformat(),
                                                               "to": new_due.isoformat()},
                   due_date=new_due, due_at=end_of_day(new_due), extended_at=timezone.now(), extension_reason=reason)
        tell_author(locked, kind="appeals.extended", sms=True,
                    subject=gettext_noop("The term of appeal %(number)s is extended"),
                    body=gettext_noop("The term of your appeal %(number)s is extended to %(due)s. "
                                      "Reason: %(reason)s. %(link)s"), params={"reason": reason})
    copy_values(appeal, locked)
    return appeal


def appeal_request_details(*, appeal: Appeal, question: str, by: User) -> AppealEvent:
    """The executor asks the resident for details; the term keeps running."""
    question = clean_plain_text(question, field="question", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        require(by, "appeals.work_appeal", locked)
        if locked.status not in workflow.WORKING:
            raise not_now(locked)
        event = record_event(locked, "request_details", by=by, note=question)
        tell_author(locked, kind="appeals.details_requested",
                    subject=gettext_noop("Appeal %(number)s: details needed"),
                    body=gettext_noop("The executor asks: %(question)s. Answer on the appeal's page: %(link)s"),
                    params={"question": question})
    return event


def appeal_add_details(*, appeal: Appeal, text: str, by: User) -> AppealEvent:
    """The author adds details to an open appeal (an answer to the executor's question)."""
    text = clean_plain_text(text, field="text", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        if by is None or locked.author_id != by.pk:
            raise forbidden()
        if not locked.is_open:
            raise not_now(locked)
        return record_event(locked, "add_details", by=by, role="resident", note=text)


def appeal_attach(*, appeal: Appeal, upload: Any, by: User) -> AppealAttachment:
    require(by, "appeals.work_appeal", appeal)
    size = getattr(upload, "size", 0) or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
                          code="file_too_large", field="file")
    name = (getattr(upload, "name", "") or "file")[-200:]
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        attachment = AppealAttachment.objects.create(community_id=locked.community_id, appeal=locked, file=upload,
                                                     name=name, uploaded_by=by)
        record_event(locked, "attach", by=by, data={"attachment": attachment.pk, "name": name})
    return attachment


def appeal_answer(*, appeal: Appeal, text: str, by: User, public_answer: str = "") -> Appeal:
    """The department's answer: `text` is the letter to the resident (never published), `public_answer` the
    summary published with the problem (may be empty). Duplicates linked to this appeal get the same answer
    and notice."""
    text = clean_plain_text(text, field="answer", max_length=ANSWER_MAX)
    public_answer = clean_plain_text(public_answer or "", field="public_answer", max_length=PUBLIC_ANSWER_MAX,
                                     required=False)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        now = timezone.now()
        transition(locked, "answer", by=by, answer_text=text, public_answer=public_answer, answered_at=now,
                   answered_by=by)
        tell_author(locked, kind="appeals.answered", sms=True, subject=gettext_noop("Appeal %(number)s answered"),
                    body=gettext_noop("Your appeal %(number)s has an answer. Read it and rate it: %(link)s"))
        for duplicate in Appeal.objects.select_for_update().filter(duplicate_of=locked, status__in=workflow.WORKING):
            duplicate.community = locked.community
            transition(duplicate, "answer", note=gettext_noop("Answered with the main appeal."),
                       data={"main": locked.number}, answer_text=text, public_answer=public_answer,
                       answered_at=now, answered_by=by)
            tell_author(duplicate, kind="appeals.answered", sms=True,
                        subject=gettext_noop("Appeal %(number)s answered"),
                        body=gettext_noop("Your appeal %(number)s has an answer. Read it and rate it: %(link)s"))
    copy_values(appeal, locked)
    return appeal


def appeal_rate(*, appeal: Appeal, rating: Any, comment: str = "", by: User) -> Appeal:
    """The author rates the answer 1–5 (with a comment) and so closes the appeal."""
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise DomainError(_("Rate the answer from 1 to 5."), code="bad_rating", field="rating")
    comment = clean_plain_text(comment, field="comment", max_length=NOTE_MAX, required=False)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        require(by, "appeals.rate_appeal", locked)
        if locked.rating is not None:
            raise DomainError(_("You have already rated this answer."), code="already_rated", status_code=409)
        if locked.status == S.ANSWERED:
            transition(locked, "close", by=by, note=comment, data={"rating": stars}, rating=stars,
                       rating_comment=comment, closed_at=timezone.now())
        elif locked.status == S.CLOSED:
            locked.rating, locked.rating_comment = stars, comment
            locked.save(update_fields=["rating", "rating_comment", "updated_at"])
            record_event(locked, "rate", by=by, note=comment, data={"rating": stars})
        else:
            raise DomainError(_("Only an answered appeal can be rated."), code="bad_transition", status_code=409)
    copy_values(appeal, locked)
    return appeal


def appeal_close(*, appeal: Appeal, by: User | None) -> Appeal:
    """Close an answered appeal (`by` None: the system)."""
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        transition(locked, "close", by=by, closed_at=timezone.now())
    copy_values(appeal, locked)
    return appeal


def appeal_reopen(*, appeal: Appeal, reason: str, by: User) -> Appeal:
    """The author is not satisfied: back to the same department with a new term from today."""
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        now = timezone.now()
        due = compute_due_date(locked.community, now, needs_study=locked.needs_study)
        transition(locked, "reopen", by=by, note=reason, due_date=due, due_at=end_of_day(due), closed_at=None,
                   rating=None, rating_comment="", extended_at=None, extension_reason="",
                   public_answer="")  # the summary said it was done; the resident disputes it
        tell_author(locked, kind="appeals.reopened", subject=gettext_noop("Appeal %(number)s reopened"),
                    body=gettext_noop("Your appeal %(number)s is reopened; the answer is due by %(due)s. %(link)s"))
    copy_values(appeal, locked)
    return appeal


def appeal_return(*, appeal: Appeal, reason: str, by: User) -> Appeal:
    """Return a non-compliant appeal with an explanation (within 10 days of registration)."""
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        transition(locked, "return", by=by, note=reason, return_reason=reason)
        audit_record(actor=by, action="appeals.return", community=locked.community, target=locked)
        tell_author(locked, kind="appeals.returned", subject=gettext_noop("Appeal %(number)s returned"),
                    body=gettext_noop("Your appeal %(number)s is returned: %(reason)s. %(link)s"),
                    params={"reason": reason})
    copy_values(appeal, locked)
    return appeal


def appeal_not_consider(*, appeal: Appeal, reason: str, by: User) -> Appeal:
    """Not subject to consideration (e.g. a repeated appeal already decided on the merits)."""
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        transition(locked, "not_consider", by=by, note=reason)
        audit_record(actor=by, action="appeals.not_consider", community=locked.community, target=locked)
        tell_author(locked, kind="appeals.not_considered",
                    subject=gettext_noop("Appeal %(number)s is not subject to consideration"),
                    body=gettext_noop("Your appeal %(number)s is not subject to consideration: %(reason)s."),
                    params={"reason": reason})
    copy_values(appeal, locked)
    return appeal


def appeal_mark_duplicate(*, appeal: Appeal, main: Appeal, by: User) -> Appeal:
    """Link a report to the main appeal on the same problem; its reporter follows the main one."""
    require(by, "appeals.mark_duplicate", appeal)
    if main.pk == appeal.pk or main.duplicate_of_id == appeal.pk:
        raise DomainError(_("An appeal cannot be a duplicate of itself."), code="bad_duplicate", field="main")
    if main.duplicate_of_id:
        main = Appeal.objects.get(pk=main.duplicate_of_id)
    with transaction.atomic(durable=True):
        locked = lock(appeal, related=("community",))
        if not locked.is_open:
            raise not_now(locked)
        tally = tallies.state(locked)
        locked.duplicate_of = main
        fields = ["duplicate_of", "updated_at"]
        if main.department_id and locked.department_id != main.department_id:
            locked.department_id = main.department_id
            fields.append("department")
        locked.save(update_fields=fields)
        tallies.move(locked.community_id, tally, tallies.state(locked))
        record_event(locked, "mark_duplicate", by=by, data={"main": main.number})
        Appeal.objects.filter(duplicate_of=locked).update(duplicate_of=main)
        tell_author(locked, kind="appeals.duplicate",
                    subject=gettext_noop("Appeal %(number)s joined to %(main)s"),
                    body=gettext_noop("Your appeal %(number)s reports the same problem as %(main)s; you will be "
                                      "told when it is answered. %(link)s"), params={"main": main.number})
    copy_values(appeal, locked)
    return appeal
