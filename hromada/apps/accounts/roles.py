"""A person's staff roles in one community: the one lookup that every rules module and action uses.

`staff_roles(user, community)` reads the person's (role, department) rows of that community once per
user object, which a request loads afresh: a page that checks several permissions reads them once,
and a role given or taken away shows from the next request on. A change of roles made in this process
is seen at once (the rows are read again after any StaffRole is saved or deleted), so an action that
appoints someone and a check right after it agree. Platform admins (superusers) hold every role in
every department.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models.signals import post_delete, post_save

from hromada.apps.accounts.models import Role, StaffRole
from hromada.core import memo

_ATTR = "_staff_roles"
_SQL = (f"SELECT role, department_id FROM {StaffRole._meta.db_table} "  # noqa: S608 - our own table name
        "WHERE community_id = %s AND user_id = %s")
_changes = 0  # how many times roles changed in this process: a remembered answer is for one such moment


@dataclass(frozen=True)
class StaffRoles:
    """What a person holds in one community."""

    pairs: frozenset[tuple[str, int | None]]  # the (role, department_id) rows as stored
    every_role: bool = False  # a platform admin: every role, every department

    @property
    def roles(self) -> frozenset[str]:
        if self.every_role:
            return frozenset(Role.values)
        return frozenset(role for role, _department in self.pairs)

    @property
    def departments(self) -> frozenset[int]:
        """The departments the person is an executor in (the rows held; a platform admin holds none)."""
        # An executor always has a department (the `staffrole_executor_has_department` constraint).
        return frozenset(department for role, department in self.pairs
                         if role == Role.EXECUTOR and department is not None)

    def has(self, *wanted: str) -> bool:
        """Holds one of the `wanted` roles (a platform admin holds them all)."""
        return self.every_role or any(role in wanted for role, _department in self.pairs)

    def executes_for(self, department_id: int | None) -> bool:
        """An executor of that department (a platform admin is one of every department)."""
        return department_id is not None and (self.every_role or department_id in self.departments)

    def __bool__(self) -> bool:
        return self.every_role or bool(self.pairs)


NO_ROLES = StaffRoles(frozenset())


def staff_roles(user: Any, community: Any) -> StaffRoles:
    """The roles `user` holds in `community` (a Community or its id). Anonymous people and a missing
    community hold none. Read once per user object and community (see the module's notes)."""
    community_id = community if community is None or isinstance(community, int) else community.pk
    if community_id is None or not getattr(user, "is_authenticated", False):
        return NO_ROLES
    if user.is_superuser:
        return StaffRoles(frozenset(), every_role=True)
    return memo.remember_on(user, _ATTR, community_id, _changes, lambda: _read(user.pk, community_id))


def _read(user_id: int, community_id: int) -> StaffRoles:
    # Plain SQL naming the community: it runs from any scope (jobs, commands), and the ORM took longer
    # to build this query than the database to answer it.
    with connections[router.db_for_read(StaffRole)].cursor() as cursor:
        cursor.execute(_SQL, [community_id, user_id])
        return StaffRoles(frozenset(cursor.fetchall()))


def forget_roles(user: Any) -> None:
    """Read the person's roles again at the next check (after a change made on this very object)."""
    memo.forget_on(user, _ATTR)


def _roles_changed(**_kwargs: Any) -> None:
    global _changes  # noqa: PLW0603 - one counter for the process
    _changes += 1


post_save.connect(_roles_changed, sender=StaffRole, dispatch_uid="accounts-staff-roles-saved")
post_delete.connect(_roles_changed, sender=StaffRole, dispatch_uid="accounts-staff-roles-deleted")
