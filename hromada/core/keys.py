"""API keys handed to machines (Open311 clients, CKAN publishers): shown once, stored as a hash.

A key is 24 random bytes, so an unsalted SHA-256 is enough to make the stored value useless to
whoever reads the database, and it lets a request find its key by one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the key to show once, its hash to store, its first characters to recognise it by)."""
    key = secrets.token_urlsafe(24)
    return key, hash_key(key), key[:PREFIX_LENGTH]
