"""The deadline jobs: a collection period that ended below the threshold, consideration overdue."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import Role, StaffRole, User
from hromada.apps.communities.models import Community
from hromada.apps.petitions import signals
from hromada.apps.petitions.actions.common import _tell
from hromada.apps.petitions.models import Petition, PetitionEvent, PetitionStatus
from hromada.apps.petitions.workflow import WORKFLOW
from hromada.core.cases.actions import apply_transition

logger = logging.getLogger("hromada.petitions")
S = PetitionStatus


def petitions_close_expired(*, community: Community) -> list[int]:
    """Forward every petition whose period ended below the threshold as a collective appeal.

    Returns the ids forwarded. Idempotent: a petition is forwarded once (status check under lock)."""
    now = timezone.now()
    forwarded = []
    candidates = Petition.objects.filter(status=S.COLLECTING, collection_ends_at__lt=now).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic(durable=True):
            locked = Petition.objects.select_for_update().select_related("community").get(pk=pk)
            if locked.status != S.COLLECTING or locked.collection_ends_at is None or locked.collection_ends_at >= now:
                continue
            apply_transition(locked, WORKFLOW, "forward", data={"count": locked.signature_count}, event={"at": now},
                             closed_at=now)
            reference, url = forward_to_appeals(locked)
            if reference:
                locked.appeal_reference, locked.appeal_url = reference, url
                locked.save(update_fields=["appeal_reference", "appeal_url"])
            _tell(locked.author, petition=locked, kind="petitions.forwarded", key=f"petition-forwarded:{locked.pk}",
                  params={"count": locked.signature_count, "threshold": locked.threshold},
                  subject=gettext_noop("Your petition is forwarded as a collective appeal"),
                  body=gettext_noop(
                      "The signature period of your petition “%(title)s” ended with %(count)s of %(threshold)s "
                       "signatures. By law it is handled as a collective appeal, and you will get an answer "
                       "within the terms for appeals.\n%(link)s"))
            forwarded.append(pk)
    return forwarded


def forward_to_appeals(petition: Petition) -> tuple[str, str]:
    """The hook to the appeals module: receivers of `signals.petition_forwarded` create the
    collective appeal and return (reference, url). Without one, the forwarding is recorded
    on the petition's timeline and the council's office handles it on paper."""
    for receiver, result in signals.petition_forwarded.send(sender=Petition, petition=petition):
        if isinstance(result, tuple) and len(result) == 2 and result[0]:
            logger.info("petition %s forwarded to %s as %s", petition.pk, receiver, result[0])
            return str(result[0]), str(result[1])
    return "", ""


def petitions_flag_overdue(*, community: Community) -> list[int]:
    """Tell the controllers (once per petition) about consideration past its deadline."""
    now = timezone.now()
    flagged = []
    overdue = Petition.objects.filter(status__in=[S.THRESHOLD_REACHED, S.CONSIDERATION],
                                      consideration_due_at__lt=now, overdue_flagged_at__isnull=True)
    controllers = list(User.objects.filter(
        pk__in=StaffRole.objects.filter(role__in=[Role.CONTROLLER, Role.ADMIN]).values("user_id"), is_active=True))
    for petition in overdue.select_related("community"):
        with transaction.atomic(durable=True):
            if not Petition.objects.filter(pk=petition.pk, overdue_flagged_at__isnull=True).update(
                    overdue_flagged_at=now):
                continue
            PetitionEvent.record(petition, "consideration_overdue", at=now,
                   data={"due": petition.consideration_due_at.isoformat() if petition.consideration_due_at else ""})
            for controller in controllers:
                _tell(controller, petition=petition, kind="petitions.overdue",
                      key=f"petition-overdue:{petition.pk}:{controller.pk}",
                      params={"due": petition.consideration_due_at},
                      subject=gettext_noop("Petition consideration is overdue: %(title)s"),
                      body=gettext_noop(
                          "The petition “%(title)s” had to be considered by %(due)s and is not answered yet."
                           "\n%(link)s"))
            flagged.append(petition.pk)
    return flagged
