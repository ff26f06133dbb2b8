"""Verified residents with ready sessions, for scenarios that load the full signed-in HTTP path.

Call inside a configured Django process (a scenario's setup script). Rows are written in
batches with bulk inserts, so hundreds of thousands take seconds, not hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any


def signed_in_residents(*, community: Any, count: int, email_prefix: str, name: str,
                        first_birth_year: int, birth_years: int,
                        batch: int = 5000) -> Iterator[tuple[int, str, str]]:
    """Create `count` identity-verified residents of `community`, each with a stored session.

    Yields (number, session key, CSRF secret) per resident in creation order; the caller writes
    them where its load script reads them. E-mails are `<email_prefix><number:07d>@bench.hromada.test`.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from hromada.apps.accounts.backends import PATH as AUTH_BACKEND
    from hromada.apps.accounts.models import IdentityLevel, User, VerificationMethod

    cached = None
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX as cache_key_prefix
        from django.core.cache import caches

        cached = caches[settings.SESSION_CACHE_ALIAS]
    now = timezone.now()
    unusable = make_password(None)
    backend = AUTH_BACKEND
    expires = now + timedelta(days=1)
    for start in range(0, count, batch):
        rows = [User(email=f"{email_prefix}{n:07d}@bench.hromada.test", full_name=f"{name} {n}",
                     password=unusable, home_community=community, identity_level=IdentityLevel.VERIFIED,
                     verification_method=VerificationMethod.PROVIDER, verified_at=now,
                     birth_date=date(first_birth_year + n % birth_years, 1 + n % 12, 1 + n % 28))
                for n in range(start, min(start + batch, count))]
        User.objects.bulk_create(rows)
        created = User.objects.filter(email__in=[u.email for u in rows]).order_by("pk")
        sessions, issued = [], []
        for n, user in enumerate(created, start=start):
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            data = SessionStore().encode({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                                          HASH_SESSION_KEY: user.get_session_auth_hash()})
            sessions.append(Session(session_key=key, session_data=data, expire_date=expires))
            issued.append((n, key, get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)))
        Session.objects.bulk_create(sessions)
        if cached is not None:  # as signing in does with the cached_db engine: the cache holds it too
            cached.set_many({cache_key_prefix + row.session_key: SessionStore().decode(row.session_data)
                             for row in sessions}, timeout=int((expires - now).total_seconds()))
        yield from issued
