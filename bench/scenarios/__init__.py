"""Scenario registry: every module in this package is one scenario.

A scenario module defines:

    NAME = "platform"                   # what `python -m bench NAME` takes (default: module name)
    DESCRIPTION = "one line for --list"
    def run(ctx: Context) -> dict: ...  # load the running server, return figures (JSON-able)
    def prepare(ctx: Context) -> None   # optional: extra data before the server starts

`ctx.measure_endpoints({...})` covers the usual case (GET paths, rounds, medians, baseline).
If the returned dict has no `pg_insert_tps`, the runner measures it in the same run.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.context import Context


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    run: Callable[[Context], dict[str, Any]]
    prepare: Callable[[Context], None] | None = None


def discover() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        run = getattr(module, "run", None)
        if not callable(run):
            continue
        name = getattr(module, "NAME", info.name)
        if name in found:
            raise RuntimeError(f"two scenarios are named {name!r}")
        found[name] = Scenario(
            name=name,
            description=getattr(module, "DESCRIPTION", (module.__doc__ or "").strip().split("\n")[0]),
            run=run,
            prepare=getattr(module, "prepare", None),
        )
    return found
