"""The plain data a tally works on: projects, ballots and a budget.

Ballots are stored column-wise (CSR: `indptr`, `indices`, optional `points`) so a rule can use numpy
over hundreds of thousands of votes; build them with `Election.from_ballots` from Python lists or dicts.
Costs, budget and points are exact (`int` or `Fraction`): ties must be decided exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from hromada.apps.budgeting.tally.errors import TallyError

Number = int | Fraction

APPROVAL = "approval"
CUMULATIVE = "cumulative"
ORDINAL = "ordinal"
VOTE_TYPES = (APPROVAL, CUMULATIVE, ORDINAL)


def exact(value: Any) -> Number:
    """An exact number from int, Fraction, Decimal or a numeric string ("4000.0" -> 4000); floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"not an exact number: {value!r} (pass int, Fraction, Decimal or a string)")
    number = Fraction(value)
    return int(number) if number.denominator == 1 else number


@dataclass(frozen=True)
class Project:
    id: str
    cost: Number
    category: str = ""
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)  # other columns of a .pb file, kept for export


@dataclass
class Election:
    """One election (a category's fund and the ballots on its projects).

    `indices[indptr[v]:indptr[v + 1]]` are the positions (in `projects`) voter v voted for, in ballot order;
    `points` (cumulative only) the points given to each. An empty ballot still counts as a voter (the
    Method of Equal Shares divides the budget by all ballots, as pabutools does).
    """

    projects: list[Project]
    budget: Number
    vote_type: str
    indptr: np.ndarray
    indices: np.ndarray
    points: np.ndarray | None = None  # int64, or an object array of Fractions when a point is not whole
    meta: dict[str, str] = field(default_factory=dict)
    voter_ids: list[str] | None = None
    voter_columns: list[str] = field(default_factory=list)  # extra VOTES columns (age, sex...) for export
    voter_extra: list[list[str]] | None = None
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def num_ballots(self) -> int:
        return len(self.indptr) - 1

    @property
    def num_votes(self) -> int:
        return len(self.indices)

    def position(self, project_id: str) -> int:
        if self._index is None:
            self._index = {p.id: i for i, p in enumerate(self.projects)}
        return self._index[project_id]

    def ballot(self, voter: int) -> list[str] | dict[str, Number]:
        """Voter `voter`'s ballot as a list of ids (approval, ordinal) or {id: points} (cumulative)."""
        start, end = int(self.indptr[voter]), int(self.indptr[voter + 1])
        ids = [self.projects[int(i)].id for i in self.indices[start:end]]
        if self.points is None:
            return ids
        return {pid: exact(int(pt) if isinstance(pt, np.integer) else pt)
                for pid, pt in zip(ids, self.points[start:end], strict=True)}

    def ballots(self) -> list[list[str] | dict[str, Number]]:
        return [self.ballot(v) for v in range(self.num_ballots)]

    @classmethod
    def from_ballots(cls, projects: Sequence[Project], ballots: Iterable[Sequence[str] | Mapping[str, Any]], *,
                     budget: Any, vote_type: str | None = None, meta: Mapping[str, str] | None = None,
                     voter_ids: Sequence[str] | None = None) -> Election:
        """Build an election from ballots given as lists of project ids (approval, ordinal) or
        {project id: points} (cumulative). Unknown ids, repeated ids and negative points raise TallyError."""
        projects = list(projects)
        index: dict[str, int] = {}
        for i, p in enumerate(projects):
            if p.id in index:
                raise TallyError(f"project id {p.id!r} appears twice")
            if exact(p.cost) < 0:
                raise TallyError(f"project {p.id!r} has a negative cost")
            index[p.id] = i
        indptr = [0]
        indices: list[int] = []
        points: list[Number] = []
        kind: str | None = vote_type
        for number, ballot in enumerate(ballots):
            is_map = isinstance(ballot, Mapping)
            if kind is None:
                kind = CUMULATIVE if is_map else APPROVAL
            if is_map != (kind == CUMULATIVE):
                raise TallyError(f"ballot {number}: a {kind} ballot must be "
                                 f"{'a mapping of id to points' if kind == CUMULATIVE else 'a list of ids'}")
            seen: set[str] = set()
            for pid in ballot:
                if pid not in index:
                    raise TallyError(f"ballot {number}: unknown project id {pid!r}")
                if pid in seen:
                    raise TallyError(f"ballot {number}: project {pid!r} twice")
                seen.add(pid)
                indices.append(index[pid])
                if is_map:
                    value = exact(ballot[pid])  # type: ignore[call-overload,index]
                    if value < 0:
                        raise TallyError(f"ballot {number}: negative points for {pid!r}")
                    points.append(value)
            indptr.append(len(indices))
        kind = kind or APPROVAL
        if kind not in VOTE_TYPES:
            raise TallyError(f"unknown vote type {kind!r}; known: {', '.join(VOTE_TYPES)}")
        return cls(projects=projects, budget=exact(budget), vote_type=kind,
                   indptr=np.asarray(indptr, dtype=np.int64), indices=np.asarray(indices, dtype=np.int32),
                   points=points_array(points) if kind == CUMULATIVE else None, meta=dict(meta or {}),
                   voter_ids=list(voter_ids) if voter_ids is not None else None, _index=index)


def points_array(points: Sequence[Number]) -> np.ndarray:
    """int64 when every point is whole (the usual case), else an object array of exact Fractions."""
    if all(isinstance(p, int) for p in points):
        return np.asarray(points, dtype=np.int64)
    out = np.empty(len(points), dtype=object)
    out[:] = list(points)
    return out
