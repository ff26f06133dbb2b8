"""Placeholder replaced by the outbox implementation."""

from typing import Any


def notify(**kwargs: Any) -> None:
    return None
