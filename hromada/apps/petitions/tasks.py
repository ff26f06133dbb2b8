"""Background jobs of petitions. Run `hromada petitions_tick` from cron (every few minutes) to queue
the deadline jobs for every community; the answer queues `notify_signers_answered` itself."""

from __future__ import annotations

from hromada.apps.communities.models import Community
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition
from hromada.core.jobs import job


@job(name="petitions.close_expired")
def petition_close_expired(*, community_id: int) -> None:
    """Forward the petitions of one community whose period ended below the threshold."""
    actions.petitions_close_expired(community=Community.objects.get(pk=community_id))


@job(name="petitions.flag_overdue")
def petition_flag_overdue(*, community_id: int) -> None:
    actions.petitions_flag_overdue(community=Community.objects.get(pk=community_id))


@job(name="petitions.notify_signers_answered")
def notify_signers_answered(*, community_id: int, petition_id: int) -> None:
    """Tell the signers of an answered petition (idempotent: one message per signer)."""
    actions.notify_signers(petition=Petition.objects.select_related("community").get(pk=petition_id))
