"""The one interface through which a module publishes a platform-produced data set.

A module writes ``<app>/opendata.py`` (or, until it has one, ``hromada/apps/opendata/producers/<app>.py``)
and calls :func:`register_dataset` at import time. Modules are discovered lazily, on the first
call of :func:`registered`, so a module added later publishes the same way without touching this app.

A producer is ``producer(community) -> iterable of rows`` (tuples in the order of ``columns``);
it runs inside the community's tenancy scope and must never yield personal contact data.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from hromada.apps.opendata.models import Format, Frequency


@dataclass(frozen=True)
class Column:
    name: str  # machine name, the CSV header
    title_uk: str
    title_en: str
    type: str = "string"  # string | integer | number | date | datetime | boolean


@dataclass(frozen=True)
class PlatformDataset:
    key: str  # also the data set's CKAN name
    identifier: str
    title_uk: str
    title_en: str
    description_uk: str
    description_en: str
    frequency: str
    producer: Callable[[Any], Iterable[Sequence[Any]]]
    columns: tuple[Column, ...]
    formats: tuple[str, ...] = (Format.CSV, Format.JSON, Format.XLSX)
    legal_basis: str = "Постанова КМУ від 21.10.2015 № 835"
    purpose: str = ""
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ("GOVE",)
    # GeoJSON needs to know which columns are the point: (longitude column, latitude column).
    geometry: tuple[str, str] | None = None
    available: Callable[[Any], bool] = field(default=lambda community: True)
    # Optional: the CSV straight from the database in byte chunks (e.g. COPY), instead of producer rows.
    csv_stream: Callable[[Any], Iterator[bytes]] | None = None


_registry: dict[str, PlatformDataset] = {}
_discovered = False


def register_dataset(key: str, *, identifier: str, title_uk: str, title_en: str, frequency: str,
                     producer: Callable[[Any], Iterable[Sequence[Any]]], columns: Sequence[Column],
                     description_uk: str = "", description_en: str = "",
                     formats: Sequence[str] = (Format.CSV, Format.JSON, Format.XLSX), **extra: Any) -> PlatformDataset:
    """Register (or replace) a platform data set. Call it at import time of the module's opendata.py."""
    if frequency not in Frequency.values:
        raise ValueError(f"unknown frequency {frequency!r}; use one of {Frequency.values}")
    unknown = set(formats) - set(Format.values)
    if unknown:
        raise ValueError(f"unknown formats {sorted(unknown)}")
    if Format.GEOJSON in formats and not extra.get("geometry"):
        raise ValueError("GeoJSON needs geometry=(longitude column, latitude column)")
    spec = PlatformDataset(key=key, identifier=identifier, title_uk=title_uk, title_en=title_en,
                           description_uk=description_uk or title_uk, description_en=description_en or title_en,
                           frequency=frequency, producer=producer, columns=tuple(columns),
                           formats=tuple(formats), **extra)
    _registry[key] = spec
    return spec


def autodiscover() -> None:
    global _discovered
    _discovered = True
    from hromada.apps.opendata import producers

    for module in pkgutil.iter_modules(producers.__path__):
        importlib.import_module(f"{producers.__name__}.{module.name}")
    for app_config in apps.get_app_configs():
        if app_config.name != "hromada.apps.opendata" and module_has_submodule(app_config.module, "opendata"):
            importlib.import_module(f"{app_config.name}.opendata")


def registered() -> list[PlatformDataset]:
    if not _discovered:
        autodiscover()
    return sorted(_registry.values(), key=lambda spec: spec.identifier)


def get(key: str) -> PlatformDataset | None:
    if not _discovered:
        autodiscover()
    return _registry.get(key)
