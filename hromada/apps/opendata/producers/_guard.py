"""Helpers for producers that live here on behalf of another module."""

from __future__ import annotations

from django.apps import apps


def has_fields(app_label: str, model_name: str, *fields: str) -> bool:
    """True when the module is installed and its model has every field the producer reads."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return False
    names = {f.name for f in model._meta.get_fields()} | {getattr(f, "attname", "") for f in model._meta.fields}
    return all(field in names for field in fields)
