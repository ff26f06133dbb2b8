"""Processing: a service case's way from the ЦНАП's desk to the provider's decision and the issued result.

Each action is its own (outermost, durable) transaction: it locks the case, runs its transition through
the workflow (permission, then state, then guard), sets the step's timestamps, writes the event and
queues the applicant's notice keyed by that event (a retried step finds the case moved on and is
refused, so nobody is told twice); the caller's `case` takes the new values once it has committed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.services import notices
from hromada.apps.services.models import ServiceCase, ServiceCaseEvent
from hromada.apps.services.workflow import WORKFLOW
from hromada.core.api.errors import DomainError
from hromada.core.cases.actions import apply_transition, copy_values, lock
from hromada.core.text import clean_plain_text

NOTE_MAX = 2000
MISSING_ITEM_MAX = 500
MISSING_MAX_ITEMS = 30


def _step(case: ServiceCase, name: str, *, by: Any, prepare: Any = None, note: str = "",
          data: dict[str, Any] | None = None, **fields: Any) -> ServiceCaseEvent:
    """Lock `case`, check the transition (`prepare(locked)` may add fields after the check of the permission
    and state), apply it and tell the applicant — all in one durable transaction."""
    with transaction.atomic(durable=True):
        locked = lock(case, related=("community", "version", "service"))
        WORKFLOW.check(locked, name, by)  # permission, then state, then guard: before anything is read
        if prepare is not None:
            fields.update(prepare(locked))
        event = apply_transition(locked, WORKFLOW, name, by=by, note=note, data=data, permission_checked=True,
                                 **fields)
        notices.tell_applicant(locked, event_id=event.pk)
    copy_values(case, locked)
    return event


def _note(note: str) -> str:
    return clean_plain_text(note, field="note", max_length=NOTE_MAX, required=False)


def case_accept(*, case: ServiceCase, by: Any, note: str = "") -> ServiceCaseEvent:
    """The ЦНАП administrator accepts a submitted application (its documents are complete)."""
    return _step(case, "accept", by=by, note=_note(note), accepted_at=timezone.now(), missing_documents=[])


def clean_missing(missing: Any) -> list[str]:
    """The list of missing documents: at least one item, each a document of the card or a short free text."""
    if isinstance(missing, str):
        missing = [missing]
    items: list[str] = []
    for raw in missing or []:
        text = clean_plain_text(str(raw), field="missing", max_length=MISSING_ITEM_MAX, single_line=True,
                                required=False)
        if text and text not in items:
            items.append(text)
    if not items:
        raise DomainError(_("Name at least one missing document."), code="required", field="missing")
    if len(items) > MISSING_MAX_ITEMS:
        raise DomainError(_("Name at most %(count)s missing documents.") % {"count": MISSING_MAX_ITEMS},
                          code="too_many", field="missing")
    return items


def case_return(*, case: ServiceCase, missing: Any, by: Any, note: str = "") -> ServiceCaseEvent:
    """Return the application for missing documents, with their list (the card's documents or free text)."""
    items = clean_missing(missing)
    return _step(case, "return", by=by, note=_note(note), data={"missing": items}, missing_documents=items)


def case_send(*, case: ServiceCase, by: Any, note: str = "") -> ServiceCaseEvent:
    """Send the accepted case to the provider: the department the service names works it."""

    def department(locked: ServiceCase) -> dict[str, Any]:
        if locked.service.department_id is None:
            raise DomainError(_("The service names no department that decides it: set one on its card first."),
                              code="no_department", status_code=409)
        return {"department_id": locked.service.department_id}

    return _step(case, "send", by=by, note=_note(note), prepare=department)


def case_grant(*, case: ServiceCase, by: Any, note: str = "") -> ServiceCaseEvent:
    """The provider's executor grants the service."""
    note = _note(note)
    return _step(case, "grant", by=by, note=note, decided_at=timezone.now(), decision_note=note,
                 refusal_ground="")


def case_refuse(*, case: ServiceCase, ground: str, by: Any, note: str = "") -> ServiceCaseEvent:
    """The provider's executor refuses, on one of the grounds of the card version the case was opened under."""
    note = _note(note)
    ground = (ground or "").strip()

    def check_ground(locked: ServiceCase) -> dict[str, Any]:
        grounds = [str(g) for g in locked.version.card.get("refusal_grounds") or []]
        if not ground:
            raise DomainError(_("Choose the ground for refusal."), code="required", field="ground")
        if ground not in grounds:
            raise DomainError(_("A refusal must rest on one of the grounds the service's card lists."),
                              code="unknown_ground", field="ground")
        return {"refusal_ground": ground}

    return _step(case, "refuse", by=by, note=note, prepare=check_ground, data={"ground": ground},
                 decided_at=timezone.now(), decision_note=note)


def case_mark_ready(*, case: ServiceCase, by: Any, note: str = "") -> ServiceCaseEvent:
    """The result (the document, or the letter of refusal) is ready to be handed over."""
    return _step(case, "ready", by=by, note=_note(note))


def case_issue(*, case: ServiceCase, by: Any, note: str = "") -> ServiceCaseEvent:
    """The ЦНАП hands the result over to the applicant."""
    return _step(case, "issue", by=by, note=_note(note), issued_at=timezone.now())
