"""Read and write the pabulib `.pb` format (https://pabulib.org/format).

A file has three sections in this order, each a line with the section's name, a header line, then rows
separated by ';': META (key;value), PROJECTS (at least project_id and cost), VOTES (at least vote, and
points for cumulative and scoring ballots). CRLF or LF line ends, an optional UTF-8 BOM, blank lines
ignored. Reading is stricter than pabutools: anything it would misread or crash on raises PabulibError
with the line number.

Vote types: approval (and choose-1, read as approval), cumulative and scoring (with points), ordinal
(the vote column in order of preference). The tally rules take approval, cumulative and ordinal
elections (ordinal ballots scored by rank points, see `rules.rank_points`); scoring files are read and
written but not tallied.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hromada.apps.budgeting.tally.election import (
    APPROVAL,
    CUMULATIVE,
    ORDINAL,
    Election,
    Number,
    Project,
    exact,
    points_array,
)
from hromada.apps.budgeting.tally.errors import PabulibError
from hromada.core.exports import CsvWriter

SCORING = "scoring"
READ_VOTE_TYPES = {"approval": APPROVAL, "choose-1": APPROVAL, "cumulative": CUMULATIVE, "scoring": SCORING,
                   "ordinal": ORDINAL}
SECTIONS = ("meta", "projects", "votes")
WITH_POINTS = (CUMULATIVE, SCORING)


def _number(text: str, *, what: str, line: int, source: str | None, allow_negative: bool = False) -> Number:
    raw = text.strip().replace(",", ".")
    try:
        value = exact(raw)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{what} is not a number: {text.strip()!r}", line=line, source=source) from None
    if value < 0 and not allow_negative:
        raise PabulibError(f"{what} is negative: {text.strip()!r}", line=line, source=source)
    return value


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the (1-based) line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PabulibError(f"unreadable row: {exc}", line=reader.line_num) from None
        if row and not (len(row) == 1 and not row[0].strip()):
            yield start, row
        start = reader.line_num + 1


def loads(text: str, *, source: str | None = None) -> Election:
    """Parse the text of a .pb file."""
    if text.startswith("\ufeff"):
        text = text[1:]
    meta: dict[str, str] = {}
    projects: list[Project] = []
    index: dict[str, int] = {}
    project_header: list[str] = []
    vote_header: list[str] = []
    section = ""
    seen: list[str] = []
    expect_header = False
    vote_type = ""
    indptr = [0]
    indices: list[int] = []
    points: list[Number] = []
    voter_ids: list[str] = []
    voter_extra: list[list[str]] = []
    vote_col = points_col = voter_col = -1
    extra_cols: list[int] = []
    last_line = 0

    def fail(message: str, line: int | None) -> PabulibError:
        return PabulibError(message, line=line, source=source)

    for line, row in _rows(text):
        last_line = line
        first = row[0].strip().lower()
        if first in SECTIONS and all(not cell.strip() for cell in row[1:]):
            expected = SECTIONS[len(seen)] if len(seen) < len(SECTIONS) else None
            if first in seen:
                raise fail(f"section {first.upper()} appears twice", line)
            if first != expected:
                raise fail(f"expected section {expected.upper() if expected else 'nothing'} here, "
                           f"found {first.upper()} (the order is META, PROJECTS, VOTES)", line)
            if first == "projects":
                _check_meta(meta, line, source)
                vote_type = READ_VOTE_TYPES[meta["vote_type"].strip().lower()]
            seen.append(first)
            section = first
            expect_header = True
            continue
        if not section:
            raise fail(f"expected the META section first, found {row[0][:40]!r}", line)
        if expect_header:
            header = [cell.strip() for cell in row]
            expect_header = False
            if section == "projects":
                for column in ("project_id", "cost"):
                    if column not in header:
                        raise fail(f"the PROJECTS header has no {column!r} column: {';'.join(header)!r}", line)
                project_header = header
            elif section == "votes":
                if "vote" not in header:
                    raise fail(f"the VOTES header has no 'vote' column: {';'.join(header)!r}", line)
                if vote_type in WITH_POINTS and "points" not in header:
                    raise fail(f"{vote_type} ballots need a 'points' column in the VOTES header", line)
                vote_header = header
                vote_col = header.index("vote")
                points_col = header.index("points") if "points" in header else -1
                voter_col = header.index("voter_id") if "voter_id" in header else -1
                extra_cols = [i for i, h in enumerate(header) if h not in ("vote", "points", "voter_id")]
            continue
        if section == "meta":
            if len(row) < 2 or not row[0].strip():
                raise fail(f"a META row is key;value, found {';'.join(row)[:60]!r}", line)
            meta[row[0].strip()] = ";".join(row[1:]).strip()
        elif section == "projects":
            if len(row) != len(project_header):
                raise fail(f"a PROJECTS row has {len(row)} fields, the header {len(project_header)}", line)
            values = {h: cell.strip() for h, cell in zip(project_header, row, strict=True)}
            pid = values.pop("project_id")
            if not pid:
                raise fail("empty project_id", line)
            if pid in index:
                raise fail(f"project {pid!r} appears twice", line)
            cost = _number(values.pop("cost"), what=f"the cost of project {pid!r}", line=line, source=source)
            category = values.get("category", values.get("categories", ""))
            index[pid] = len(projects)
            projects.append(Project(id=pid, cost=cost, category="" if category == "None" else category,
                                    name=values.get("name", ""), extra=values))
        else:
            if len(row) != len(vote_header):
                raise fail(f"a VOTES row has {len(row)} fields, the header {len(vote_header)}", line)
            raw_vote = row[vote_col].strip()
            ids = [] if raw_vote in ("", "None") else [v.strip() for v in raw_vote.split(",")]
            ballot_points: list[str] = []
            if vote_type in WITH_POINTS and ids:
                raw_points = row[points_col].strip()
                ballot_points = [] if raw_points in ("", "None") else raw_points.split(",")
                if len(ballot_points) != len(ids):
                    raise fail(f"{len(ids)} projects but {len(ballot_points)} points", line)
            taken: set[str] = set()
            for k, pid in enumerate(ids):
                position = index.get(pid)
                if position is None:
                    raise fail(f"vote for unknown project id {pid!r}", line)
                if pid in taken:
                    raise fail(f"project {pid!r} appears twice in one vote", line)
                taken.add(pid)
                indices.append(position)
                if vote_type in WITH_POINTS:
                    points.append(_number(ballot_points[k], what=f"points for project {pid!r}", line=line,
                                          source=source))
            indptr.append(len(indices))
            voter_ids.append(row[voter_col].strip() if voter_col >= 0 else str(len(voter_ids)))
            voter_extra.append([row[i].strip() for i in extra_cols])
    if not seen:
        raise fail("empty file: no META section", None if last_line == 0 else last_line)
    if expect_header:
        raise fail(f"section {section.upper()} has no header line", last_line)
    if len(seen) < len(SECTIONS):
        missing = ", ".join(s.upper() for s in SECTIONS[len(seen):])
        if "projects" not in seen:
            _check_meta(meta, last_line, source)
        raise fail(f"missing section(s): {missing}", last_line)
    budget = _number(meta["budget"], what="budget", line=0, source=source)
    return Election(projects=projects, budget=budget, vote_type=vote_type,
                    indptr=np.asarray(indptr, dtype=np.int64), indices=np.asarray(indices, dtype=np.int32),
                    points=points_array(points) if vote_type in WITH_POINTS else None, meta=meta,
                    voter_ids=voter_ids, voter_columns=[vote_header[i] for i in extra_cols],
                    voter_extra=voter_extra, _index=index)


def _check_meta(meta: dict[str, str], line: int, source: str | None) -> None:
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(f"META has no {key!r} (needed before PROJECTS)", line=line, source=source)
    if meta["vote_type"].strip().lower() not in READ_VOTE_TYPES:
        raise PabulibError(f"unknown vote_type {meta['vote_type']!r}; known: {', '.join(READ_VOTE_TYPES)}",
                           line=line, source=source)
    try:
        budget = exact(meta["budget"].strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"budget is not a number: {meta['budget']!r}", line=line, source=source) from None
    if budget < 0:
        raise PabulibError(f"budget is negative: {meta['budget']!r}", line=line, source=source)


def load(path: str | os.PathLike[str]) -> Election:
    """Parse a .pb file (UTF-8, with or without BOM)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PabulibError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PabulibError("not UTF-8 text", line=line, source=str(path)) from None
    return loads(text, source=str(path))


def number_text(value: Number) -> str:
    """An exact number as pabulib writes it: "1200", "12.5"; a non-terminating fraction as a 15-digit decimal."""
    value = exact(value)
    if isinstance(value, int):
        return str(value)
    denominator = value.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator == 1:
        scale = 0
        while (value * 10**scale).denominator != 1:
            scale += 1
        digits = str(abs(value.numerator * 10**scale // value.denominator)).rjust(scale + 1, "0")
        sign = "-" if value < 0 else ""
        return f"{sign}{digits[:-scale]}.{digits[-scale:]}"
    return repr(float(value))


def dumps(election: Election) -> str:
    """The election as .pb text (LF line ends). `loads(dumps(e))` gives back the same election."""
    out = io.StringIO()
    # The standard's text exactly as the data is: no spreadsheet neutralisation (hromada.core.exports).
    line = CsvWriter(delimiter=";", lineterminator="\n", neutralise=False).line
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(election.num_ballots)
    meta["budget"] = number_text(election.budget)
    written_type = meta.get("vote_type", "")
    if READ_VOTE_TYPES.get(written_type) != election.vote_type:  # keep "choose-1" as the file said it
        meta["vote_type"] = election.vote_type
    out.write("META\n")
    out.write(line(["key", "value"]))
    for key, value in meta.items():
        out.write(line([key, value]))
    columns: list[str] = []
    for project in election.projects:
        fields = dict(project.extra)
        if project.name and "name" not in fields:
            fields["name"] = project.name
        if project.category and "category" not in fields and "categories" not in fields:
            fields["category"] = project.category
        for key in fields:
            if key not in columns:
                columns.append(key)
    out.write("PROJECTS\n")
    out.write(line(["project_id", "cost", *columns]))
    for project in election.projects:
        fields = dict(project.extra)
        fields.setdefault("name", project.name)
        fields.setdefault("category", project.category)
        out.write(line([project.id, number_text(project.cost), *[fields.get(c, "") for c in columns]]))
    with_points = election.points is not None
    out.write("VOTES\n")
    out.write(line(["voter_id", "vote", *(["points"] if with_points else []), *election.voter_columns]))
    ids = [p.id for p in election.projects]
    indptr, indices = election.indptr.tolist(), election.indices.tolist()
    points = election.points.tolist() if election.points is not None else None
    for voter in range(election.num_ballots):
        start, end = indptr[voter], indptr[voter + 1]
        voter_id = election.voter_ids[voter] if election.voter_ids is not None else str(voter + 1)
        row = [voter_id, ",".join(ids[i] for i in indices[start:end])]
        if points is not None:
            row.append(",".join(number_text(pt) for pt in points[start:end]))
        if election.voter_extra is not None:
            row.extend(election.voter_extra[voter])
        out.write(line(row))
    return out.getvalue()


def write(election: Election, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(dumps(election), encoding="utf-8")


__all__ = ["dumps", "load", "loads", "number_text", "write"]
