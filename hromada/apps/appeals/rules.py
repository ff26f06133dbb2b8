"""Who may do what with appeals. The object is an appeal or, before one exists, the community."""

from __future__ import annotations

import rules
from django.db import connection

from hromada.apps.accounts.models import Role, StaffRole
from hromada.apps.appeals.models import Appeal
from hromada.apps.communities.models import Community


def _community(obj) -> Community | None:
    if isinstance(obj, Community):
        return obj
    if isinstance(obj, Appeal):
        return obj.community
    return None


_ROLES_ATTR = "_appeals_roles"
_ROLES_SQL = (f"SELECT role, department_id FROM {StaffRole._meta.db_table} "  # noqa: S608 - our table name
              "WHERE community_id = %s AND user_id = %s")


def staff_roles(user, community: Community | None) -> frozenset[tuple[str, int | None]]:
    """The (role, department_id) pairs `user` holds in `community`: one query per user object and community.

    The pairs are kept on the user object, as Django keeps a user's model permissions: a request loads its
    user afresh, so a page that checks several permissions (the office's sections, its links) reads the
    roles once, and a change of roles shows from the next request on."""
    if community is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    memo = user.__dict__.setdefault(_ROLES_ATTR, {})
    roles = memo.get(community.pk)
    if roles is None:
        with connection.cursor() as cursor:  # plain SQL: the ORM took longer to build it than to run it
            cursor.execute(_ROLES_SQL, [community.pk, user.pk])
            roles = frozenset(cursor.fetchall())
        memo[community.pk] = roles
    return roles


def _has_role(user, community: Community | None, *wanted: str) -> bool:
    if community is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(role in wanted for role, _department in staff_roles(user, community))


def _staff(roles: tuple[str, ...], name: str) -> rules.Predicate:
    """Like the accounts' role predicates (superusers hold every role), read from `staff_roles`."""
    return rules.predicate(lambda user, obj: obj is not None and _has_role(user, _community(obj), *roles), name=name)


staff_operator = _staff((Role.OPERATOR, Role.ADMIN), "appeals_staff_operator")
staff_controller = _staff((Role.CONTROLLER, Role.ADMIN), "appeals_staff_controller")
staff_admin = _staff((Role.ADMIN,), "appeals_staff_admin")


def executor_department_ids(user, community: Community | None) -> set[int]:
    """Departments in which `user` is an executor in `community` (from `staff_roles`)."""
    # An executor always has a department (the `staffrole_executor_has_department` constraint).
    return {department for role, department in staff_roles(user, community)
            if role == Role.EXECUTOR and department is not None}


@rules.predicate
def is_department_executor(user, appeal) -> bool:
    """An executor of the department the appeal is routed to (superusers count as everyone)."""
    if not isinstance(appeal, Appeal) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return appeal.department_id is not None and appeal.department_id in executor_department_ids(
        user, appeal.community)


@rules.predicate
def is_any_executor(user, obj) -> bool:
    return bool(executor_department_ids(user, _community(obj))) or bool(getattr(user, "is_superuser", False))


@rules.predicate
def has_executor_department(user, obj) -> bool:
    """An executor of some department of the community (a superuser without one has no queue)."""
    return bool(executor_department_ids(user, _community(obj)))


@rules.predicate
def is_author(user, appeal) -> bool:
    return (isinstance(appeal, Appeal) and getattr(user, "is_authenticated", False)
            and appeal.author_id is not None and appeal.author_id == user.pk)


@rules.predicate
def is_signed_in(user, obj) -> bool:
    return obj is not None and bool(getattr(user, "is_authenticated", False))


rules.add_perm("appeals.file_appeal", is_signed_in)
rules.add_perm("appeals.view_appeal", is_author | staff_operator | staff_controller | is_department_executor)
rules.add_perm("appeals.intake_appeal", staff_operator)  # operator entry, paper letters, triage
rules.add_perm("appeals.route_appeal", staff_operator)
rules.add_perm("appeals.return_appeal", staff_operator)
rules.add_perm("appeals.work_appeal", is_department_executor)  # take, ask for details, attach, answer
rules.add_perm("appeals.forward_appeal", is_department_executor | staff_operator)
rules.add_perm("appeals.extend_appeal", is_department_executor | staff_controller)
rules.add_perm("appeals.close_appeal", is_author | staff_operator | staff_controller)
rules.add_perm("appeals.rate_appeal", is_author)
rules.add_perm("appeals.reopen_appeal", is_author)
rules.add_perm("appeals.mark_duplicate", staff_operator | is_department_executor)
rules.add_perm("appeals.view_dashboard", staff_controller)
rules.add_perm("appeals.view_queue", is_any_executor | staff_operator)
rules.add_perm("appeals.view_department_queue", has_executor_department)  # "my department's queue"
rules.add_perm("appeals.manage_appeals", staff_admin)  # categories, routing rules, Open311 keys
rules.add_perm("appeals.use_office", staff_operator | staff_controller | is_any_executor)
