"""Anti-fraud: signatures invalidated in batches by a moderator; the count follows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import User
from hromada.apps.petitions.actions.signing import _bump_count, _follow_threshold
from hromada.apps.petitions.models import (
    NOTE_MAX,
    Petition,
    PetitionEvent,
    PetitionStatus,
    Signature,
    SignatureInvalidation,
)
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.cases.actions import lock, require
from hromada.core.text import clean_plain_text

S = PetitionStatus


def signatures_invalidate_batch(*, petition: Petition, by: User, reason: str,
                                signature_ids: Sequence[int] | None = None, ip: str | None = None,
                                email_domain: str | None = None, signed_from: datetime | None = None,
                                signed_to: datetime | None = None) -> SignatureInvalidation:
    """Invalidate the active signatures matching every given criterion; the count follows.

    At least one criterion is needed. Audited with the criteria and the number invalidated."""
    require(by, "petitions.invalidate_signatures", petition)
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX, refuse_markup=True)
    query = Q(petition=petition, withdrawn_at__isnull=True, invalidated_at__isnull=True)
    criteria: dict[str, Any] = {}
    if signature_ids:
        query &= Q(pk__in=list(signature_ids))
        criteria["signature_ids"] = sorted(int(i) for i in signature_ids)
    if ip:
        query &= Q(ip=ip)
        criteria["ip"] = ip
    if email_domain:
        query &= Q(email_domain=email_domain.strip().lower())
        criteria["email_domain"] = email_domain.strip().lower()
    if signed_from:
        query &= Q(signed_at__gte=signed_from)
        criteria["signed_from"] = signed_from.isoformat()
    if signed_to:
        query &= Q(signed_at__lt=signed_to)
        criteria["signed_to"] = signed_to.isoformat()
    if not criteria:
        raise DomainError(_("Choose which signatures to invalidate: by IP address, e-mail domain, time or list."),
                          code="criteria_required")
    now = timezone.now()
    with transaction.atomic(durable=True):
        lock(petition, related=("community",))  # the petition's row first, as every signing path locks
        batch = SignatureInvalidation.objects.create(community_id=petition.community_id, petition=petition, by=by,
                                                     reason=reason, criteria=criteria, created_at=now)
        count = Signature.objects.filter(query).update(invalidated_at=now, invalidation=batch)
        if not count:
            raise DomainError(_("No active signatures match these criteria."), code="nothing_to_invalidate")
        batch.signature_count = count
        batch.save(update_fields=["signature_count"])
        _bump_count(petition, -count, now=now, require_open=False)
        if petition.status == S.THRESHOLD_REACHED:
            _follow_threshold(petition, now=now)
        PetitionEvent.record(petition, "signatures_invalidated", actor=by, note=reason, at=now,
               data={"count": count, "batch": batch.pk})
        audit_record(actor=by, action="petitions.invalidate_signatures", community=petition.community,
                     target=petition, data={"batch": batch.pk, "count": count, "reason": reason, **criteria})
    return batch
