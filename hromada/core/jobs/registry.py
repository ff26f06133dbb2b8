"""Job functions by dotted name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    max_attempts: int
    queue: str | None


_registry: dict[str, JobSpec] = {}


class UnknownJob(LookupError):
    pass


def register(spec: JobSpec) -> None:
    _registry[spec.name] = spec


def resolve(name: str) -> JobSpec:
    """The job called `name`, importing its module first when this process has not yet."""
    spec = _registry.get(name)
    if spec is None and "." in name:
        module_name = name.rsplit(".", 1)[0]
        try:
            importlib.import_module(module_name)
        except ImportError as exc:
            raise UnknownJob(name) from exc
        spec = _registry.get(name)
    if spec is None:
        raise UnknownJob(name)
    return spec
