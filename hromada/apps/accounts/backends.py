"""The authentication backend: Django's ModelBackend with a cheaper `get_user`.

`get_user` runs on every signed-in request (the session names the user; the user row is read to
check that the account is active and that the session was issued for its current password). The
stock implementation builds and compiles the same ORM query each time; here the SELECT is
compiled once per process (and, on PostgreSQL, prepared once per connection) and the row becomes
a User with `from_db`, as the ORM itself does. The database stays the only source: nothing about
the user is cached.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from hromada.apps.accounts.models import User
from hromada.core.postgresql import prepared

PATH = "hromada.apps.accounts.backends.AccountBackend"


@cache
def _compiled(alias: str) -> tuple[str, list[str]]:
    fields = [field.attname for field in User._meta.concrete_fields]
    query = User._default_manager.using(alias).filter(pk=0).query
    sql, _params = query.get_compiler(alias).as_sql()
    return sql, fields


def fetch_user(pk: Any) -> User | None:
    alias = router.db_for_read(User)
    try:
        pk = User._meta.pk.to_python(pk)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a malformed id in a session is simply no user
        return None
    sql, fields = _compiled(alias)
    connection = connections[alias]
    if connection.vendor == "postgresql":
        row = prepared.fetchone(sql, [pk], using=alias)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
    if row is None:
        return None
    return User.from_db(alias, fields, row)


class AccountBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> User | None:  # type: ignore[override]
        """ModelBackend's, refused (SignInLimited) once the account or the address has used up its wrong
        passwords: every door that signs in with a password (web, API token, admin) comes through here."""
        from hromada.apps.accounts import limits

        email = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if email is not None and password is not None and limits.sign_in_refused(request, email):
            raise limits.SignInLimited()
        return super().authenticate(request, username=username, password=password, **kwargs)  # type: ignore[return-value]

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        user = fetch_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
