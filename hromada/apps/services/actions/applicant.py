"""What the applicant does with a case: submit it again with the missing documents, withdraw it, rate the
service after the result is issued. Each runs in one transaction holding the case's row lock and writes its
event; the applicant is told of each change of status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.services.actions.intake import durable, store_documents
from hromada.apps.services.forms import DEFAULT_FILE_MB, FILE_TYPES, CleanFile, clean_upload
from hromada.apps.services.models import CaseStatus, Service, ServiceCase, ServiceCaseEvent
from hromada.apps.services.notices import tell_applicant
from hromada.apps.services.workflow import WORKFLOW
from hromada.core.api.errors import DomainError
from hromada.core.cases.actions import apply_transition, lock, require
from hromada.core.text import clean_plain_text

NOTE_MAX = 2000
MAX_RESUBMIT_FILES = 10


def _clean_files(files: Sequence[Any]) -> list[CleanFile]:
    if len(files) > MAX_RESUBMIT_FILES:
        raise DomainError(_("At most %(limit)s files can be added at once.") % {"limit": MAX_RESUBMIT_FILES},
                          code="too_many_files", field="documents")
    cleaned = []
    for upload in files:
        try:
            cleaned.append(clean_upload(upload, field="", label=_("Document"), allowed_types=FILE_TYPES,
                                        max_size_mb=DEFAULT_FILE_MB))
        except Exception as error:  # forms.ValidationError: the same words, as the action's error
            messages = getattr(error, "messages", None)
            if messages is None:
                raise
            raise DomainError(messages[0], code=getattr(error, "code", None) or "bad_file", field="documents") from None
    return cleaned


def case_resubmit(*, case: ServiceCase, by: Any, files: Sequence[Any] = (), note: str = "") -> ServiceCase:
    """Submit a returned case again with the documents the ЦНАП asked for (at least one file when it named
    any). The list of missing documents is kept in the event and cleared on the case."""
    note = clean_plain_text(note, field="note", max_length=NOTE_MAX, required=False)
    documents = _clean_files(files)

    def write(stored: list[Any]) -> ServiceCase:
        lock(case)
        WORKFLOW.check(case, "resubmit", by)
        if case.missing_documents and not documents:
            raise DomainError(_("Attach the missing documents: %(list)s.") % {
                "list": "; ".join(case.missing_documents)}, code="documents_required", field="documents")
        attachments = store_documents(case, documents, by=by, stored=stored)
        event = apply_transition(case, WORKFLOW, "resubmit", by=by, note=note, permission_checked=True,
                                 data={"missing": list(case.missing_documents),
                                       "files": [a.original_name for a in attachments]},
                                 missing_documents=[])
        tell_applicant(case, event_id=event.pk)
        return case

    return durable(write)


def case_withdraw(*, case: ServiceCase, by: Any, reason: str = "") -> ServiceCase:
    """The applicant withdraws the case (until it is with the provider)."""
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        lock(case)
        event = apply_transition(case, WORKFLOW, "withdraw", by=by, note=reason)
        tell_applicant(case, event_id=event.pk)
    return case


def case_rate(*, case: ServiceCase, by: Any, rating: Any, comment: str = "") -> ServiceCase:
    """Rate the service 1–5 (with an optional comment), once, after the result is issued. The service's tally
    moves in the same transaction, under the case's lock, so parallel requests rate a case once."""
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), code="bad_rating", field="rating")
    comment = clean_plain_text(comment, field="comment", max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        require(by, "services.rate_case", case)
        lock(case)
        if case.status != CaseStatus.ISSUED:
            raise DomainError(_("You can rate the service once its result is issued."), code="not_issued",
                              status_code=409)
        if case.rating is not None:
            raise DomainError(_("You have already rated the service for this application."), code="already_rated",
                              status_code=409)
        case.rating, case.rating_comment, case.rated_at = value, comment, timezone.now()
        case.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        Service.objects.filter(pk=case.service_id).update(rating_count=F("rating_count") + 1,
                                                          rating_sum=F("rating_sum") + value)
        ServiceCaseEvent.record(case, "rate", actor=by, data={"rating": value}, note=comment)
    return case
