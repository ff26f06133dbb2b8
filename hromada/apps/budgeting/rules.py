"""Who may do what in the participatory budget, and when.

Each permission is a list of requirements (a predicate and the message a person sees when it
fails); the permission is all of them. ``refusal(perm, user, obj)`` gives the first failing
message, so a refused person learns why ("voting opens on …", "you must be 16 or older").
Predicates take (user, obj) where obj is a cycle, project, comment or implementation item,
and return False when obj is None.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from typing import Any

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.accounts.models import IdentityLevel, Role
from hromada.apps.accounts.roles import staff_roles as shared_staff_roles
from hromada.apps.budgeting import eligibility, phases
from hromada.apps.budgeting.models import (
    PUBLIC_STATUSES,
    Comment,
    Cycle,
    ImplementationItem,
    Project,
    ProjectStatus,
)
from hromada.apps.communities.models import Community

Message = str | Callable[[Any, Any], str]

ALL_DEPARTMENTS = -1


# --- what an object belongs to --------------------------------------------------------------

def cycle_of(obj: Any) -> Cycle | None:
    if isinstance(obj, Cycle):
        return obj
    if isinstance(obj, Project):
        return obj.cycle
    if isinstance(obj, Comment):
        return obj.project.cycle
    if isinstance(obj, ImplementationItem):
        return obj.project.cycle
    return None


def project_of(obj: Any) -> Project | None:
    if isinstance(obj, Project):
        return obj
    if isinstance(obj, Comment | ImplementationItem):
        return obj.project
    return None


def community_id_of(obj: Any) -> int | None:
    if isinstance(obj, Community):
        return obj.pk
    return getattr(obj, "community_id", None)


def staff_roles(user: Any, community_id: int | None) -> tuple[frozenset[str], frozenset[int]]:
    """The person's roles in one community and the departments they execute for (read through
    `accounts.roles.staff_roles`). Platform admins hold every role in every department (ALL_DEPARTMENTS)."""
    held = shared_staff_roles(user, community_id)
    if held.every_role:
        return held.roles, frozenset({ALL_DEPARTMENTS})
    return held.roles, held.departments


def _has_any_role(*roles: str) -> Callable[[Any, Any], bool]:
    def check(user: Any, obj: Any) -> bool:
        if obj is None:
            return False
        held, _departments = staff_roles(user, community_id_of(obj))
        return bool(held & set(roles))

    return check


# --- predicates -------------------------------------------------------------------------------

is_signed_in = rules.predicate(lambda user, obj: obj is not None and bool(getattr(user, "is_authenticated", False)),
                               name="budgeting.is_signed_in")
is_moderator = rules.predicate(_has_any_role(Role.MODERATOR, Role.ADMIN), name="budgeting.is_moderator")
is_admin = rules.predicate(_has_any_role(Role.ADMIN), name="budgeting.is_admin")
is_operator = rules.predicate(_has_any_role(Role.OPERATOR, Role.ADMIN), name="budgeting.is_operator")
is_staff = rules.predicate(_has_any_role(*Role.values), name="budgeting.is_staff")


@rules.predicate(name="budgeting.is_identity_verified")
def is_identity_verified(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(user, "is_authenticated", False) and \
        user.identity_level >= IdentityLevel.VERIFIED


@rules.predicate(name="budgeting.has_confirmed_email")
def has_confirmed_email(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(user, "is_authenticated", False) and user.identity_level >= IdentityLevel.EMAIL


@rules.predicate(name="budgeting.is_resident")
def is_resident(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(user, "is_authenticated", False) and \
        user.home_community_id is not None and user.home_community_id == community_id_of(obj)


@rules.predicate(name="budgeting.is_eligible_voter")
def is_eligible_voter(user: Any, obj: Any) -> bool:
    """The person may vote in the cycle: identity level, residence or taxpaying, age, as the cycle
    says (``eligibility.ballot_refusal``, the one decision every ballot path asks). Residents-only
    cycles (the default) ask no database: the register is looked up only when taxpayers may vote."""
    cycle = cycle_of(obj)
    if cycle is None or not getattr(user, "is_authenticated", False):
        return False
    return eligibility.ballot_refusal(cycle, eligibility.account_voter(user, cycle)) is None


def author_ids(project: Project) -> frozenset[int]:
    cached = project.__dict__.get("_author_ids")
    if cached is None:
        co_authors = project.co_authors.values_list("pk", flat=True) if project.pk else []
        cached = frozenset({project.author_id, *co_authors})
        project.__dict__["_author_ids"] = cached
    return cached


@rules.predicate(name="budgeting.is_author")
def is_author(user: Any, obj: Any) -> bool:
    project = project_of(obj)
    return project is not None and getattr(user, "is_authenticated", False) and user.pk in author_ids(project)


@rules.predicate(name="budgeting.is_responsible_executor")
def is_responsible_executor(user: Any, obj: Any) -> bool:
    """An executor of the department responsible for the project (or the implementation item)."""
    if obj is None:
        return False
    department_id = obj.department_id if isinstance(obj, ImplementationItem) else getattr(
        project_of(obj), "department_id", None)
    if department_id is None:
        return False
    _roles, departments = staff_roles(user, community_id_of(obj))
    return department_id in departments or ALL_DEPARTMENTS in departments


@rules.predicate(name="budgeting.is_public_project")
def is_public_project(user: Any, obj: Any) -> bool:
    project = project_of(obj)
    return project is not None and project.status in PUBLIC_STATUSES


@rules.predicate(name="budgeting.is_draft")
def is_draft(user: Any, obj: Any) -> bool:
    project = project_of(obj)
    return project is not None and project.status == ProjectStatus.DRAFT


def phase_on(feature: str) -> rules.Predicate:
    if feature not in phases.ALL_FEATURES:
        raise ValueError(feature)

    def check(user: Any, obj: Any) -> bool:
        return phases.is_on(cycle_of(obj), feature)

    return rules.predicate(check, name=f"budgeting.phase_{feature}")


# --- messages -------------------------------------------------------------------------------

FEATURE_NAMES: dict[str, Any] = {
    "propose": gettext_lazy("Proposing a project"),
    "edit": gettext_lazy("Editing a draft"),
    "submit": gettext_lazy("Submitting a project"),
    "withdraw": gettext_lazy("Withdrawing a project"),
    "moderate": gettext_lazy("Moderation of projects"),
    "assign": gettext_lazy("Sending a project for review"),
    "review": gettext_lazy("Review by a department"),
    "revise": gettext_lazy("Revising a project"),
    "appeal": gettext_lazy("Appealing a conclusion"),
    "decide_appeal": gettext_lazy("Deciding an appeal"),
    "prepare_ballot": gettext_lazy("Preparing the ballot"),
    "vote": gettext_lazy("Voting"),
    "paper_vote": gettext_lazy("Entering paper ballots"),
    "comment": gettext_lazy("Commenting"),
    "tally": gettext_lazy("Counting the votes"),
    "start_implementation": gettext_lazy("Starting the implementation"),
    "implement": gettext_lazy("Reporting on the implementation"),
}


def _closed(feature: str) -> Message:
    def message(user: Any, obj: Any) -> str:
        cycle = cycle_of(obj)
        window = phases.window_text(cycle, feature) if cycle is not None else ""
        what = FEATURE_NAMES[feature]
        if window:
            return _("%(what)s: not possible now. It is open %(window)s.") % {"what": what, "window": window}
        return _("%(what)s: not possible at this stage of the cycle.") % {"what": what}

    return message


def _ineligible(user: Any, obj: Any) -> str:
    cycle = cycle_of(obj)
    if cycle is None:
        return _("You do not have permission to do this.")
    reason = eligibility.ballot_refusal(cycle, eligibility.account_voter(user, cycle))
    return eligibility.voter_message(reason, cycle) if reason is not None else ""


def _sign_in(user: Any, obj: Any) -> str:
    return _("Sign in first.")


def _not_resident(user: Any, obj: Any) -> str:
    return _("Only residents of this community can do this. Your account names another community "
             "(or none) as your place of residence.")


def _not_author(user: Any, obj: Any) -> str:
    return _("Only the authors of the project can do this.")


def _verified(user: Any, obj: Any) -> str:
    return _("Only residents with a verified identity can propose projects. Verify your identity with an "
             "identity provider or in person at a CNAP desk.")


def _role(text_fn: Callable[[], str]) -> Message:
    return lambda user, obj: text_fn()


REQUIREMENTS: dict[str, list[tuple[rules.Predicate, Message]]] = {
    "budgeting.view_project": [
        (is_public_project | is_author | is_moderator | is_responsible_executor,
         _role(lambda: _("This project is not public."))),
    ],
    "budgeting.propose_project": [
        (is_signed_in, _sign_in),
        (is_identity_verified, _verified),
        (is_resident, _not_resident),
        (phase_on("propose"), _closed("propose")),
    ],
    "budgeting.change_project": [
        (is_author, _not_author),
        (is_draft, _role(lambda: _("Only a draft can be edited. A project under review is changed by revising it."))),
        (phase_on("edit"), _closed("edit")),
    ],
    "budgeting.submit_project": [
        (is_author, _not_author),
        (phase_on("submit"), _closed("submit")),
    ],
    "budgeting.withdraw_project": [
        (is_author, _not_author),
        (phase_on("withdraw"), _closed("withdraw")),
    ],
    "budgeting.moderate_project": [
        (is_moderator, _role(lambda: _("Only moderators can do this."))),
        (phase_on("moderate"), _closed("moderate")),
    ],
    "budgeting.assign_project": [
        (is_moderator, _role(lambda: _("Only moderators can send projects to a department."))),
        (phase_on("assign"), _closed("assign")),
    ],
    "budgeting.review_project": [
        (is_responsible_executor, _role(lambda: _("Only the department responsible for the project can "
                                                  "give its conclusion."))),
        (phase_on("review"), _closed("review")),
    ],
    "budgeting.revise_project": [
        (is_author, _not_author),
        (phase_on("revise"), _closed("revise")),
    ],
    "budgeting.appeal_project": [
        (is_author, _not_author),
        (phase_on("appeal"), _closed("appeal")),
    ],
    "budgeting.decide_appeal": [
        (is_admin, _role(lambda: _("Only community admins decide appeals."))),
        (phase_on("decide_appeal"), _closed("decide_appeal")),
    ],
    "budgeting.prepare_ballot": [
        (is_admin, _role(lambda: _("Only community admins prepare the ballot."))),
        (phase_on("prepare_ballot"), _closed("prepare_ballot")),
    ],
    "budgeting.vote": [
        (is_signed_in, _sign_in),
        (phase_on("vote"), _closed("vote")),
        (is_eligible_voter, _ineligible),
    ],
    "budgeting.enter_paper_ballot": [
        (is_operator, _role(lambda: _("Only operators enter paper ballots."))),
        (phase_on("paper_vote"), _closed("paper_vote")),
    ],
    "budgeting.comment_project": [
        (is_signed_in, _sign_in),
        (has_confirmed_email, _role(lambda: _("Confirm your e-mail to comment."))),
        (is_public_project, _role(lambda: _("This project is not public."))),
        (phase_on("comment"), _closed("comment")),
    ],
    "budgeting.moderate_comment": [
        (is_moderator, _role(lambda: _("Only moderators can do this."))),
    ],
    "budgeting.tally_cycle": [
        (is_admin, _role(lambda: _("Only community admins run the tally."))),
        (phase_on("tally"), _closed("tally")),
    ],
    "budgeting.start_implementation": [
        (is_admin, _role(lambda: _("Only community admins start the implementation."))),
        (phase_on("start_implementation"), _closed("start_implementation")),
    ],
    "budgeting.update_implementation": [
        (is_responsible_executor | is_admin,
         _role(lambda: _("Only the responsible department reports on the implementation."))),
        (phase_on("implement"), _closed("implement")),
    ],
    "budgeting.manage_cycle": [
        (is_admin, _role(lambda: _("Only community admins configure the participatory budget."))),
    ],
    "budgeting.import_taxpayers": [
        (is_admin, _role(lambda: _("Only community admins import the register of taxpayers."))),
    ],
    "budgeting.view_office": [
        (is_staff, _role(lambda: _("This page is for the council's staff."))),
    ],
}

for _name, _requirements in REQUIREMENTS.items():
    rules.add_perm(_name, reduce(lambda a, b: a & b, (pred for pred, _msg in _requirements)))


def _direct(predicate: rules.Predicate) -> Callable[[Any, Any], Any]:
    """The predicate's own function when it takes exactly (user, obj): `Predicate.test` adds a context
    stack and debug logging around every call (about half the cost of a vote check, which runs on
    every ballot). A falsy result, None included, is a refusal, as with `test`."""
    if predicate.var_args or (predicate.num_args == 2 and not predicate.bind):
        return predicate.fn
    return predicate.test


_CHECKS: dict[str, list[tuple[Callable[[Any, Any], Any], Message]]] = {
    name: [(_direct(pred), message) for pred, message in requirements] for name, requirements in REQUIREMENTS.items()
}


def refusal(perm: str, user: Any, obj: Any) -> str | None:
    """Why `user` may not `perm` on `obj` (the first unmet requirement), or None when allowed."""
    for check, message in _CHECKS[perm]:
        if not check(user, obj):
            return message(user, obj) if callable(message) else str(message)
    return None
