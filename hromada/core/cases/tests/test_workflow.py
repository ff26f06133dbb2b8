"""`Workflow.check`: one order of checks everywhere (permission, then state, then guard; decision 49)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hromada.core.api.errors import DomainError
from hromada.core.cases.workflow import Transition, Workflow


class Person:
    """Someone holding exactly the permissions given."""

    def __init__(self, *permissions: str) -> None:
        self.permissions = set(permissions)

    def has_perm(self, permission: str, obj: object = None) -> bool:
        return permission in self.permissions


@dataclass
class Record:
    status: str
    ready: bool = True

    def get_status_display(self) -> str:
        return self.status.upper()


WORKFLOW = Workflow((
    Transition("submit", frozenset({"draft"}), "review", "cases.submit", "Submit",
               lambda record: None if record.ready else "Not ready yet."),
    Transition("accept", frozenset({"review"}), "accepted", "cases.decide", "Accept"),
    Transition("expire", frozenset({"review"}), "expired", None, "Expire"),
), state_message="Not while it is %(status)s.")

STRANGER, AUTHOR, DECIDER = Person(), Person("cases.submit"), Person("cases.decide")


def refusal(record: Record, name: str, user: Person | None, **kwargs: bool) -> tuple[int, str, str]:
    with pytest.raises(DomainError) as refused:
        WORKFLOW.check(record, name, user, **kwargs)
    return refused.value.status_code, refused.value.code, str(refused.value.detail)


@pytest.mark.parametrize("record", [Record("draft"), Record("draft", ready=False), Record("review"),
                                    Record("accepted", ready=False)])
def test_a_stranger_is_refused_403_whatever_the_state_and_the_guard(record):
    status, code, _message = refusal(record, "submit", STRANGER)
    assert (status, code) == (403, "forbidden")


def test_a_permitted_person_in_the_wrong_state_gets_409_with_the_state_shown():
    assert refusal(Record("review", ready=False), "submit", AUTHOR) == (409, "bad_transition",
                                                                          "Not while it is REVIEW.")


def test_the_guard_runs_last():
    assert refusal(Record("draft", ready=False), "submit", AUTHOR) == (409, "guard_failed", "Not ready yet.")


def test_the_permission_is_the_transitions_own():
    assert refusal(Record("review"), "accept", AUTHOR)[0] == 403
    assert WORKFLOW.check(Record("review"), "accept", DECIDER).target == "accepted"


def test_the_system_needs_no_permission_but_keeps_state_and_guard():
    assert WORKFLOW.check(Record("review"), "expire").target == "expired"
    assert WORKFLOW.check(Record("draft"), "submit", None).target == "review"
    assert refusal(Record("draft"), "expire", None)[:2] == (409, "bad_transition")
    assert refusal(Record("draft", ready=False), "submit", None)[:2] == (409, "guard_failed")


def test_a_system_transition_refuses_every_person():
    assert refusal(Record("review"), "expire", Person("cases.submit", "cases.decide"))[0] == 403


def test_a_permission_checked_elsewhere_skips_only_the_permission():
    assert WORKFLOW.check(Record("review"), "accept", STRANGER, permission_checked=True).name == "accept"
    assert refusal(Record("draft"), "accept", STRANGER, permission_checked=True)[:2] == (409, "bad_transition")


def test_a_modules_own_refusal_gives_its_reason():
    def members_only(permission: str, user: object, record: object) -> str | None:
        return None if getattr(user, "member", False) else "Members only."

    workflow = Workflow(WORKFLOW, state_message="Not now.", refusal=members_only)
    assert [t.name for t in workflow] == ["submit", "accept", "expire"]
    with pytest.raises(DomainError) as refused:
        workflow.check(Record("draft"), "submit", Person("cases.submit"))
    assert (refused.value.status_code, str(refused.value.detail)) == (403, "Members only.")


def test_available_lists_what_the_person_may_start_in_this_state():
    assert [t.name for t in WORKFLOW.available(Record("review"), DECIDER)] == ["accept"]
    assert WORKFLOW.available(Record("review"), AUTHOR) == []
    assert [t.name for t in WORKFLOW.available(Record("draft", ready=False), AUTHOR)] == ["submit"]
    assert WORKFLOW["accept"].sources == frozenset({"review"})


def test_a_transition_declared_twice_is_a_mistake():
    with pytest.raises(ValueError, match="declared twice"):
        Workflow((WORKFLOW["accept"], WORKFLOW["accept"]), state_message="x")
