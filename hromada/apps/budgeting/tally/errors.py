"""Errors of the tally package: plain exceptions, no Django."""

from __future__ import annotations


class TallyError(ValueError):
    """A tally cannot be computed as asked (unknown rule, vote type the rule does not take, missing threshold)."""


class PabulibError(ValueError):
    """A `.pb` file that is not a valid pabulib election; `line` is the 1-based line number where known."""

    def __init__(self, message: str, *, line: int | None = None, source: str | None = None) -> None:
        self.reason = message
        self.line = line
        self.source = source
        where = ""
        if source:
            where = f"{source}:"
        if line is not None:
            where += f"{line}:" if source else f"line {line}: "
        if source and not where.endswith(" "):
            where += " "
        super().__init__(f"{where}{message}")
