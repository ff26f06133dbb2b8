"""Who may do what. Predicates take (user, community) unless said otherwise."""

from __future__ import annotations

import rules

from hromada.apps.accounts.models import IdentityLevel, Role
from hromada.apps.accounts.roles import staff_roles


def _has_role(user, community, *roles: str) -> bool:
    return community is not None and staff_roles(user, community).has(*roles)


def role_predicate(*roles: str) -> rules.Predicate:
    name = "has_role_" + "_".join(roles)
    return rules.predicate(lambda user, community: _has_role(user, community, *roles), name=name)


is_platform_admin = rules.predicate(lambda user: bool(getattr(user, "is_superuser", False)),
                                    name="is_platform_admin")
is_operator = role_predicate(Role.OPERATOR, Role.ADMIN)
is_executor = role_predicate(Role.EXECUTOR)
is_controller = role_predicate(Role.CONTROLLER, Role.ADMIN)
is_moderator = role_predicate(Role.MODERATOR, Role.ADMIN)
is_community_admin = role_predicate(Role.ADMIN)
is_staff_member = role_predicate(*Role.values)
is_identity_verified = rules.predicate(
    lambda user: getattr(user, "is_authenticated", False) and user.identity_level >= IdentityLevel.VERIFIED,
    name="is_identity_verified",
)

rules.add_perm("accounts.verify_in_person", is_operator)
rules.add_perm("accounts.manage_staff", is_community_admin)
rules.add_perm("backoffice.enter", is_staff_member)
rules.add_perm("communities.change_community", is_community_admin)
rules.add_perm("communities.create_community", is_platform_admin)
