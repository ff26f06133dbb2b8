"""Small helpers for figures: medians over rounds and the JSON result line."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def median(values: Iterable[float]) -> float:
    """The median of the values (0.0 for none), rounded to 0.1."""
    data = [float(v) for v in values]
    if not data:
        return 0.0
    return round(statistics.median(data), 1)


def statistics_median(values: Iterable[float]) -> float:
    """The unrounded median (0.0 for none): for latencies in milliseconds."""
    data = [float(v) for v in values]
    return float(statistics.median(data)) if data else 0.0


def median_of(rounds: Sequence[Mapping[str, Any]], key: str) -> float:
    """The median of one figure across rounds (dicts that hold it)."""
    return median(r[key] for r in rounds if key in r)


def result_line(result: Mapping[str, Any]) -> str:
    """The single-line JSON the runner prints last."""
    return json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_result_line(output: str) -> dict[str, Any]:
    """Parse the runner's output: the last non-empty line is one JSON object."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        raise ValueError("no output")
    value = json.loads(lines[-1])
    if not isinstance(value, dict):
        raise ValueError("the last line is not a JSON object")
    return value
