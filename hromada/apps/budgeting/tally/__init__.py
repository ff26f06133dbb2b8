"""Participatory-budget tally: pure Python + numpy, no Django (the budgeting app calls it per category).

    from hromada.apps.budgeting.tally import Election, Project, tally
    election = Election.from_ballots([Project("a", 100), Project("b", 50)], [["a"], ["a", "b"]], budget=120)
    tally(election, "greedy").selected  # ["a"]
"""

from hromada.apps.budgeting.tally.election import APPROVAL, CUMULATIVE, ORDINAL, Election, Project
from hromada.apps.budgeting.tally.errors import PabulibError, TallyError
from hromada.apps.budgeting.tally.pabulib import dumps, load, loads, write
from hromada.apps.budgeting.tally.rules import (
    REASON_TEXT,
    RULES,
    ProjectOutcome,
    Reason,
    TallyResult,
    rank_points,
    split_by_category,
    tally,
    tally_by_category,
)

__all__ = [
    "APPROVAL",
    "CUMULATIVE",
    "ORDINAL",
    "REASON_TEXT",
    "RULES",
    "Election",
    "PabulibError",
    "Project",
    "ProjectOutcome",
    "Reason",
    "TallyError",
    "TallyResult",
    "dumps",
    "load",
    "loads",
    "rank_points",
    "split_by_category",
    "tally",
    "tally_by_category",
    "write",
]
