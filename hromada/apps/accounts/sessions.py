"""The person's signed-in sessions: recorded at sign-in, listed in the cabinet, ended on request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from hromada.apps.accounts import actions
from hromada.apps.accounts.models import User, UserSession


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key or not isinstance(user, User):
        return
    actions.session_record(user=user, session_key=key, ip_address=request.META.get("REMOTE_ADDR"),
                           user_agent=request.META.get("HTTP_USER_AGENT", ""))


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        actions.session_forget(session_key=key)


def stores_sessions_in_database() -> bool:
    return settings.SESSION_ENGINE in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db")


def live_sessions(user: User) -> QuerySet[UserSession]:
    """The person's sessions that still sign in (newest first). With a database-backed session engine
    (db, cached_db) a session ended or expired elsewhere is left out."""
    rows = UserSession.objects.filter(user=user).order_by("-created_at")
    if stores_sessions_in_database():
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        rows = rows.filter(session_key__in=live)
    return rows
