"""Who may do what with administrative services. The object is a case, a service or the community.

ЦНАП administrators are the community's operators; the provider's staff are the executors of the
department a service names; controllers watch terms; community admins keep the register.
"""

from __future__ import annotations

import rules

from hromada.apps.accounts.models import Role
from hromada.apps.accounts.roles import staff_roles
from hromada.apps.communities.models import Community
from hromada.apps.services.models import Service, ServiceCase


def _community(obj) -> Community | int | None:
    if isinstance(obj, Community):
        return obj
    if isinstance(obj, ServiceCase | Service):
        return obj.community_id
    return None


def _staff(roles: tuple[str, ...], name: str) -> rules.Predicate:
    """Holds one of `roles` in the object's community (platform admins hold every role)."""
    return rules.predicate(lambda user, obj: obj is not None and staff_roles(user, _community(obj)).has(*roles),
                           name=name)


cnap_admin = _staff((Role.OPERATOR, Role.ADMIN), "services_cnap_admin")
controller = _staff((Role.CONTROLLER, Role.ADMIN), "services_controller")
register_keeper = _staff((Role.ADMIN,), "services_register_keeper")


@rules.predicate
def is_provider_executor(user, case) -> bool:
    """An executor of the department that decides the case (platform admins count as every executor)."""
    if not isinstance(case, ServiceCase):
        return False
    return staff_roles(user, case.community_id).executes_for(case.department_id)


@rules.predicate
def is_any_executor(user, obj) -> bool:
    roles = staff_roles(user, _community(obj))
    return roles.every_role or bool(roles.departments)


@rules.predicate
def is_applicant(user, case) -> bool:
    return (isinstance(case, ServiceCase) and getattr(user, "is_authenticated", False)
            and case.applicant_id is not None and case.applicant_id == user.pk)


@rules.predicate
def is_signed_in(user, obj) -> bool:
    return obj is not None and bool(getattr(user, "is_authenticated", False))


rules.add_perm("services.apply", is_signed_in)  # the service's own conditions (identity level) come after
rules.add_perm("services.view_case", is_applicant | cnap_admin | controller | is_provider_executor)
rules.add_perm("services.register_case", cnap_admin)  # accept, return, send, issue; paper applications
rules.add_perm("services.decide_case", is_provider_executor)  # grant, refuse, result ready
rules.add_perm("services.resubmit_case", is_applicant | cnap_admin)
rules.add_perm("services.withdraw_case", is_applicant)
rules.add_perm("services.rate_case", is_applicant)
rules.add_perm("services.view_cnap_queue", cnap_admin)
rules.add_perm("services.view_provider_queue", is_any_executor)
rules.add_perm("services.view_control", controller)
rules.add_perm("services.manage_register", register_keeper)  # cards, offices, windows, import and export
rules.add_perm("services.use_office", cnap_admin | controller | is_any_executor)
