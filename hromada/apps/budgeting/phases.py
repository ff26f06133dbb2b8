"""Time windows of a budget cycle. A phase switches features on; permissions ask the active phase.

A cycle has at most one phase of each kind, dated ``[starts_at, ends_at)``. Between phases (or
before the first, after the last) no phase is active and nothing that needs a feature can be done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from hromada.apps.budgeting.models import Cycle, Phase


class PhaseKind(models.TextChoices):
    SUBMISSION = "submission", _("Submission of projects")  # residents propose; moderators check
    REVIEW = "review", _("Review")  # departments conclude; authors revise and appeal
    VOTING = "voting", _("Voting")  # residents vote online, operators enter paper ballots
    RESULTS = "results", _("Results")  # the tally is run and published
    IMPLEMENTATION = "implementation", _("Implementation")  # winners are carried out in public


ORDER: tuple[str, ...] = tuple(PhaseKind.values)

# What each phase switches on. Features not listed anywhere (reading, comment moderation,
# configuration of a cycle) do not depend on the phase.
FEATURES: dict[str, frozenset[str]] = {
    PhaseKind.SUBMISSION: frozenset({"propose", "edit", "submit", "withdraw", "moderate", "comment"}),
    PhaseKind.REVIEW: frozenset({"moderate", "assign", "review", "revise", "appeal", "decide_appeal",
                                 "withdraw", "prepare_ballot", "comment"}),
    PhaseKind.VOTING: frozenset({"vote", "paper_vote", "prepare_ballot", "comment"}),
    PhaseKind.RESULTS: frozenset({"tally", "start_implementation", "comment"}),
    PhaseKind.IMPLEMENTATION: frozenset({"start_implementation", "implement", "comment"}),
}

ALL_FEATURES: frozenset[str] = frozenset().union(*FEATURES.values())


def phases_of(cycle: Cycle) -> list[Phase]:
    """The cycle's phases in order, cached on the instance (prefetch_related("phases") fills it too)."""
    cached = getattr(cycle, "_phase_list", None)
    if cached is None:
        cached = sorted(cycle.phases.all(), key=lambda p: p.starts_at)
        cycle._phase_list = cached  # type: ignore[attr-defined]
    return cached


def forget_phases(cycle: Cycle) -> None:
    cycle.__dict__.pop("_phase_list", None)


def active_phase(cycle: Cycle | None, now: datetime | None = None) -> Phase | None:
    if cycle is None:
        return None
    now = now or timezone.now()
    for phase in phases_of(cycle):
        if phase.starts_at <= now < phase.ends_at:
            return phase
    return None


def phase(cycle: Cycle, kind: str) -> Phase | None:
    return next((p for p in phases_of(cycle) if p.kind == kind), None)


def is_on(cycle: Cycle | None, feature: str, now: datetime | None = None) -> bool:
    """True when the phase active now switches `feature` on."""
    if feature not in ALL_FEATURES:
        raise ValueError(f"unknown phase feature {feature!r}")
    current = active_phase(cycle, now)
    return current is not None and feature in FEATURES[current.kind]


def phases_with(feature: str) -> list[str]:
    return [kind for kind in ORDER if feature in FEATURES[kind]]


def window_text(cycle: Cycle, feature: str) -> str:
    """Human-readable dates of the phases that switch `feature` on, e.g. for an error message."""
    from django.utils.formats import date_format

    spans = []
    for kind in phases_with(feature):
        p = phase(cycle, kind)
        if p is not None:
            start = date_format(timezone.localtime(p.starts_at), "DATETIME_FORMAT")
            end = date_format(timezone.localtime(p.ends_at), "DATETIME_FORMAT")
            spans.append(str(_("during the phase “%(phase)s”, %(start)s – %(end)s")
                             % {"phase": p.get_kind_display(), "start": start, "end": end}))
    return "; ".join(spans)


def validate_sequence(dated: Iterable[tuple[str, datetime, datetime]]) -> list[str]:
    """Problems with a set of (kind, starts_at, ends_at): unknown kinds, empty or overlapping windows,
    phases out of order. Returns messages; an empty list means the phases are fine."""
    problems: list[str] = []
    rows = sorted(dated, key=lambda row: ORDER.index(row[0]) if row[0] in ORDER else -1)
    previous_end: datetime | None = None
    for kind, starts_at, ends_at in rows:
        if kind not in ORDER:
            problems.append(str(_("Unknown phase “%(kind)s”.") % {"kind": kind}))
            continue
        label = PhaseKind(kind).label
        if ends_at <= starts_at:
            problems.append(str(_("The phase “%(phase)s” must end after it starts.") % {"phase": label}))
        if previous_end is not None and starts_at < previous_end:
            problems.append(str(_("The phase “%(phase)s” starts before the previous phase ends.")
                                % {"phase": label}))
        previous_end = ends_at
    return problems
