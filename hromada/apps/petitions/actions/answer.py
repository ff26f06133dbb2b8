"""The council's part: consideration, the official response, the signers told, the archive."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import User
from hromada.apps.petitions.actions.common import _tell
from hromada.apps.petitions.models import (
    TEXT_MAX,
    Decision,
    Petition,
    PetitionDocument,
    PetitionResponse,
    Signature,
)
from hromada.apps.petitions.workflow import WORKFLOW
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.cases.actions import apply_transition, copy_values, lock
from hromada.core.tasks import enqueue
from hromada.core.text import clean_plain_text

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def petition_start_consideration(*, petition: Petition, by: User) -> Petition:
    """The council takes the petition up; signing closes. The deadline stays as set at the threshold."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        locked = lock(petition, related=("community",))
        event = apply_transition(locked, WORKFLOW, "start_consideration", by=by, event={"at": now},
                                 consideration_started_at=now)
        audit_record(actor=by, action="petitions.start_consideration", community=locked.community, target=locked)
        _tell(locked.author, petition=locked, kind="petitions.consideration", key=f"petition-event:{event.pk}",
              params={"due": locked.consideration_due_at},
              subject=gettext_noop("Your petition is under consideration"),
              body=gettext_noop(
                  "The council is considering your petition “%(title)s”; the answer is due by %(due)s.\n%(link)s"))
    copy_values(petition, locked)
    return locked


def petition_answer(*, petition: Petition, by: User, decision: str, text: str,
                    documents: Iterable[tuple[str, UploadedFile]] = ()) -> PetitionResponse:
    """Publish the official response with any decision documents; the author is told now,
    the signers who asked to be told by a background job queued in the same transaction."""
    if decision not in Decision.values:
        raise DomainError(_("Choose the decision: supported or not supported."), code="decision_required",
                          field="decision")
    text = clean_plain_text(text, field="text", max_length=TEXT_MAX, refuse_markup=True)
    documents = list(documents)
    if len(documents) > MAX_DOCUMENTS:
        raise DomainError(_("Attach at most %(n)s documents.") % {"n": MAX_DOCUMENTS}, code="too_many_documents",
                          field="documents")
    for _title, upload in documents:
        if upload.size and upload.size > MAX_DOCUMENT_BYTES:
            raise DomainError(_("“%(name)s” is larger than 20 MB.") % {"name": upload.name},
                              code="document_too_large", field="documents")
    now = timezone.now()
    with transaction.atomic(durable=True):
        locked = lock(petition, related=("community",))
        event = apply_transition(locked, WORKFLOW, "answer", by=by, data={"decision": decision}, event={"at": now},
                                 answered_at=now)
        response = PetitionResponse.objects.create(community_id=locked.community_id, petition=locked,
                                                   decision=decision, text=text, responded_by=by, published_at=now)
        for title, upload in documents:
            PetitionDocument.objects.create(
                community_id=locked.community_id, petition=locked, file=upload,
                title=clean_plain_text(title or upload.name, field="documents", max_length=200, single_line=True,
                                       refuse_markup=True))
        copy_values(petition, locked)
        audit_record(actor=by, action="petitions.answer", community=locked.community, target=locked,
                     data={"decision": decision, "documents": len(documents)})
        params = {"decision": Decision(decision).label}
        _tell(locked.author, petition=locked, kind="petitions.answered_author", key=f"petition-event:{event.pk}",
              params=params, subject=gettext_noop("The council answered your petition"),
              body=gettext_noop(
                  "The council answered your petition “%(title)s”: %(decision)s. Read the response: %(link)s"))
        from hromada.apps.petitions.tasks import notify_signers_answered

        enqueue(notify_signers_answered, community_id=locked.community_id, petition_id=locked.pk)
    return response


def notify_signers(*, petition: Petition, batch_size: int = 500) -> int:
    """Tell every active signer who did not opt out that the petition was answered (idempotent)."""
    sent = 0
    signers = (Signature.objects.filter(petition=petition, withdrawn_at__isnull=True, invalidated_at__isnull=True,
                                        notify_on_answer=True)
               .exclude(person_id=petition.author_id).select_related("person").order_by("pk"))
    decision = petition.response.decision
    for signature in signers.iterator(chunk_size=batch_size):
        with translation.override(signature.person.preferred_language or "uk"):
            label = str(Decision(decision).label)
        _tell(signature.person, petition=petition, kind="petitions.answered_signer",
              key=f"petition-answered:{petition.pk}:{signature.person_id}", params={"decision": label},
              subject=gettext_noop("A petition you signed was answered"),
              body=gettext_noop("The council answered the petition “%(title)s” you signed: %(decision)s. "
                   "Read the response: %(link)s"))
        sent += 1
    return sent


def petition_archive(*, petition: Petition, by: User) -> Petition:
    with transaction.atomic(durable=True):
        locked = lock(petition, related=("community",))
        apply_transition(locked, WORKFLOW, "archive", by=by, closed_at=locked.closed_at or timezone.now())
        audit_record(actor=by, action="petitions.archive", community=locked.community, target=locked)
    copy_values(petition, locked)
    return locked
