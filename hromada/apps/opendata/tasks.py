"""Background tasks: refresh platform data sets on their stated frequency.

The scheduler (settings.TASK_SCHEDULE; or `hromada opendata tick`) runs `refresh_due_all`, which
enqueues `refresh_due` for every community; that task refreshes the data sets whose next update is due.
"""

from __future__ import annotations

from django_tasks import task

from hromada.apps.communities.models import Community
from hromada.apps.opendata import actions
from hromada.core.tasks import enqueue_per_community, scoped


@task()
def refresh_due_all() -> None:
    """Enqueue the due refreshes of every active community (periodic)."""
    enqueue_per_community(refresh_due)


@task()
@scoped
def refresh_due(*, community_id: int) -> None:
    actions.platform_datasets_refresh(community=Community.objects.get(pk=community_id), only_due=True)


@task()
@scoped
def refresh_dataset(*, community_id: int, key: str) -> None:
    actions.platform_dataset_refresh(community=Community.objects.get(pk=community_id), key=key)
