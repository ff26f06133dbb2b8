"""A state machine as data, checked in one order everywhere.

A module declares its transitions once:

    WORKFLOW = Workflow((
        Transition("publish", frozenset({S.MODERATION}), S.COLLECTING, "petitions.moderate_petition",
                   gettext_lazy("Publish")),
        ...
    ), noun=gettext_lazy("petition"), event_model=PetitionEvent)

and asks `WORKFLOW.check(petition, "publish", user)` before it moves anything. The checks run
in one order (decision 49): the permission first (403: a person who may not act learns nothing
about the record's state), then the state (409), then the transition's guard (409). `user=None`
is the system (a scheduled step, the registration itself); a transition without a permission can
be run only by the system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from hromada.core.api.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Guard = Callable[[Any], "str | None"]  # why the transition may not happen now, or None
Refusal = Callable[[str, Any, Any], "str | None"]  # (permission, user, record) -> why not, or None


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    permission: str | None  # a rules permission checked against the record; None: the system only
    label: StrOrPromise  # the button's and the timeline's words
    guard: Guard | None = None


def has_perm_refusal(permission: str, user: Any, record: Any) -> str | None:
    """The default permission check: the rules permission, with the one general refusal."""
    if user is not None and user.has_perm(permission, record):
        return None
    return _("You do not have permission to do this.")


class Workflow:
    """The transitions of one kind of record, and the one check before any of them runs."""

    def __init__(self, transitions: Iterable[Transition], *, state_message: StrOrPromise,
                 event_model: Any = None, refusal: Refusal = has_perm_refusal,
                 state_code: str = "bad_transition") -> None:
        """`state_message` is the refusal for a wrong state, with `%(status)s` for the record's
        status as shown; `refusal(permission, user, record)` gives the reason a person may not
        run a transition (None: they may); `event_model` is the module's `CaseEvent` subclass."""
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ValueError(f"Transition {transition.name!r} is declared twice")
            self.transitions[transition.name] = transition
        self.state_message = state_message
        self.state_code = state_code
        self.event_model = event_model
        self.refusal = refusal

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __iter__(self) -> Any:
        return iter(self.transitions.values())

    def check(self, record: Any, name: str, user: Any = None, *, permission_checked: bool = False) -> Transition:
        """The transition `name` if `user` (None: the system) may run it on `record` now;
        DomainError otherwise: 403 for the permission, 409 for the state or the guard.

        `permission_checked=True` is for a step whose permission the caller checked on another
        record (e.g. the tally of a whole budget cycle moving each project)."""
        transition = self.transitions[name]
        if user is not None and not permission_checked:
            reason = (_("You do not have permission to do this.") if transition.permission is None
                      else self.refusal(transition.permission, user, record))
            if reason:
                raise DomainError(reason, code="forbidden", status_code=403)
        if record.status not in transition.sources:
            raise DomainError(self.state_message % {"status": record.get_status_display()},
                              code=self.state_code, status_code=409)
        if transition.guard is not None:
            problem = transition.guard(record)
            if problem:
                raise DomainError(problem, code="guard_failed", status_code=409)
        return transition

    def available(self, record: Any, user: Any) -> list[Transition]:
        """The transitions `user` could start on `record` now (for buttons); guards run when they do."""
        return [t for t in self.transitions.values()
                if record.status in t.sources and t.permission is not None
                and self.refusal(t.permission, user, record) is None]
