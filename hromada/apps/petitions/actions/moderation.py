"""Moderation: a submitted petition is published (collection starts) or rejected with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import User
from hromada.apps.petitions.actions.common import _tell
from hromada.apps.petitions.actions.signing import _bump_count, _follow_threshold, _insert_signature
from hromada.apps.petitions.models import NOTE_MAX, Petition, RejectionReason, SignatureChannel
from hromada.apps.petitions.workflow import WORKFLOW
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import add_calendar_days, end_of_day
from hromada.core.cases.actions import apply_transition, copy_values, lock
from hromada.core.text import clean_plain_text


def petition_moderate(*, petition: Petition, by: User, publish: bool, reason: str = "", note: str = "") -> Petition:
    """Publish the petition (collection starts; its author signs it) or reject it with a reason."""
    note = clean_plain_text(note, field="note", max_length=NOTE_MAX, required=False, refuse_markup=True)
    if not publish:
        if reason not in RejectionReason.values:
            raise DomainError(_("Choose the reason for the rejection."), code="reason_required", field="reason")
        if reason == RejectionReason.OTHER and not note:
            raise DomainError(_("Explain the reason in the note."), code="note_required", field="note")
    now = timezone.now()
    with transaction.atomic(durable=True):
        locked = lock(petition, related=("community",))
        community = locked.community
        if publish:
            ends = end_of_day(add_calendar_days(now, community.petition_period_days))
            event = apply_transition(locked, WORKFLOW, "publish", by=by, note=note, event={"at": now},
                                     published_at=now, collection_ends_at=ends, threshold=community.petition_threshold)
            _insert_signature(locked, locked.author, now=now, channel=SignatureChannel.ONLINE)
            _bump_count(locked, +1, now=now, require_open=True)
            _follow_threshold(locked, now=now)
            _tell(locked.author, petition=locked, kind="petitions.published", key=f"petition-event:{event.pk}",
                  params={"ends": ends, "threshold": locked.threshold},
                  subject=gettext_noop("Your petition is published"),
                  body=gettext_noop(
                      "Your petition “%(title)s” is published and collects signatures until %(ends)s; it needs "
                       "%(threshold)s. Your own signature is already counted.\n%(link)s"))
        else:
            event = apply_transition(locked, WORKFLOW, "reject", by=by, note=note, data={"reason": reason},
                                     event={"at": now}, rejection_reason=reason, rejection_note=note, closed_at=now)
            _tell(locked.author, petition=locked, kind="petitions.rejected", key=f"petition-event:{event.pk}",
                  params={"reason": RejectionReason(reason).label, "note": note},
                  subject=gettext_noop("Your petition was not published"),
                  body=gettext_noop(
                      "Your petition “%(title)s” was not published. Reason: %(reason)s. %(note)s\n%(link)s"))
        audit_record(actor=by, action="petitions.publish" if publish else "petitions.reject", community=community,
                     target=locked, data={"reason": reason, "note": note})
    copy_values(petition, locked)
    return locked
