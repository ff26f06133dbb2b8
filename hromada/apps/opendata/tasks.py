"""Background jobs: refresh platform data sets on their stated frequency.

`hromada opendata tick` (from cron, every few minutes) queues `opendata.refresh_due` for every
community; the job refreshes the data sets whose next update is due.
"""

from __future__ import annotations

from hromada.apps.communities.models import Community
from hromada.apps.opendata import actions
from hromada.core.jobs import job


@job(name="opendata.refresh_due")
def refresh_due(*, community_id: int) -> None:
    actions.platform_datasets_refresh(community=Community.objects.get(pk=community_id), only_due=True)


@job(name="opendata.refresh_dataset")
def refresh_dataset(*, community_id: int, key: str) -> None:
    actions.platform_dataset_refresh(community=Community.objects.get(pk=community_id), key=key)
