"""Background tasks of petitions. The scheduler (settings.TASK_SCHEDULE) runs `petitions_tick` every few
minutes: it enqueues the deadline tasks for every community; the answer enqueues `notify_signers_answered`."""

from __future__ import annotations

from django_tasks import task

from hromada.apps.communities.models import Community
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition
from hromada.core.tasks import enqueue, scoped


@task()
def petitions_tick() -> None:
    """Enqueue the deadline tasks for every active community (periodic)."""
    for community_id in Community.objects.filter(is_active=True).values_list("pk", flat=True):
        enqueue(petition_close_expired, community_id=community_id)
        enqueue(petition_flag_overdue, community_id=community_id)


@task()
@scoped
def petition_close_expired(*, community_id: int) -> None:
    """Forward the petitions of one community whose period ended below the threshold."""
    actions.petitions_close_expired(community=Community.objects.get(pk=community_id))


@task()
@scoped
def petition_flag_overdue(*, community_id: int) -> None:
    actions.petitions_flag_overdue(community=Community.objects.get(pk=community_id))


@task()
@scoped
def notify_signers_answered(*, community_id: int, petition_id: int) -> None:
    """Tell the signers of an answered petition (idempotent: one message per signer)."""
    actions.notify_signers(petition=Petition.objects.select_related("community").get(pk=petition_id))
