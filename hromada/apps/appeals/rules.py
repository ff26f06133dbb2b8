"""Who may do what with appeals. The object is an appeal or, before one exists, the community."""

from __future__ import annotations

import rules

from hromada.apps.accounts.models import Role
from hromada.apps.accounts.roles import staff_roles
from hromada.apps.appeals.models import Appeal
from hromada.apps.communities.models import Community


def _community(obj) -> Community | None:
    if isinstance(obj, Community):
        return obj
    if isinstance(obj, Appeal):
        return obj.community
    return None


def _has_role(user, community: Community | None, *wanted: str) -> bool:
    return staff_roles(user, community).has(*wanted)


def _staff(roles: tuple[str, ...], name: str) -> rules.Predicate:
    """Like the accounts' role predicates (superusers hold every role), on the appeal's community."""
    return rules.predicate(lambda user, obj: obj is not None and _has_role(user, _community(obj), *roles), name=name)


staff_operator = _staff((Role.OPERATOR, Role.ADMIN), "appeals_staff_operator")
staff_controller = _staff((Role.CONTROLLER, Role.ADMIN), "appeals_staff_controller")
staff_admin = _staff((Role.ADMIN,), "appeals_staff_admin")


def executor_department_ids(user, community: Community | None) -> set[int]:
    """Departments in which `user` is an executor in `community` (from `accounts.roles.staff_roles`)."""
    return set(staff_roles(user, community).departments)


@rules.predicate
def is_department_executor(user, appeal) -> bool:
    """An executor of the department the appeal is routed to (superusers count as everyone)."""
    if not isinstance(appeal, Appeal) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return staff_roles(user, appeal.community).executes_for(appeal.department_id)


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
