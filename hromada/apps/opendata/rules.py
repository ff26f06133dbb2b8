"""Who may publish: community admins manage the whole catalogue; executors of a department
update the data sets of their department's publisher. Predicates take (user, community) or
(user, dataset)."""

from __future__ import annotations

import rules

from hromada.apps.accounts.roles import staff_roles
from hromada.apps.accounts.rules import is_community_admin
from hromada.apps.opendata.models import Publisher
from hromada.core import tenancy


@rules.predicate
def is_dataset_department_executor(user, dataset) -> bool:
    if dataset is None or not getattr(user, "is_authenticated", False):
        return False
    return staff_roles(user, dataset.community).executes_for(dataset.publisher.department_id)


@rules.predicate
def is_dataset_community_admin(user, dataset) -> bool:
    return dataset is not None and is_community_admin(user, dataset.community)


@rules.predicate
def is_department_publisher(user, community) -> bool:
    """An executor of a department that publishes data sets in the community."""
    if community is None or not getattr(user, "is_authenticated", False):
        return False
    departments = staff_roles(user, community).departments
    if not departments:
        return False
    with tenancy.scope(community):
        return Publisher.objects.filter(department_id__in=departments).exists()


@rules.predicate
def is_kept_by_hand(user, dataset) -> bool:
    """A data set its publisher keeps, not one the platform produces and updates itself."""
    return dataset is not None and not dataset.platform_key


rules.add_perm("opendata.manage_catalogue", is_community_admin)
# The catalogue's back office: community admins, and executors of a department that publishes.
rules.add_perm("opendata.use_office", is_community_admin | is_department_publisher)
# The CKAN write actions check the data set's publisher again on every call; the token only says who.
rules.add_perm("opendata.hold_api_token", is_community_admin | is_department_publisher)
rules.add_perm("opendata.change_dataset", is_dataset_community_admin | is_dataset_department_executor)
# Its passport (title, description, themes...) in the office's form.
rules.add_perm("opendata.edit_dataset", (is_dataset_community_admin | is_dataset_department_executor)
               & is_kept_by_hand)
