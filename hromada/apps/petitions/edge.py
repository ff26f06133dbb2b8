"""The surge paths of petitions, answered at the WSGI edge (see `hromada/core/edge.py`).

- `GET count.json`: the live count, at most a second old (`selectors.count_payload`).
- `POST sign/` from a script (`Accept: application/json`, the CSRF token in the `X-CSRFToken`
  header, no body): the same checks and the same action as `views.petition_sign` — the session,
  the CSRF token, the signed-in account with its identity level, the rate limits, then
  `actions.petition_sign`. The edge only takes requests it can fully decide with the checks below;
  anything else (no or expired session, a session issued before a password change, any doubt in
  the CSRF check, an HTML form, an unknown petition) is passed on to Django untouched, so Django
  gives those answers exactly as before.
"""

from __future__ import annotations

import re
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.middleware.csrf import (  # type: ignore[attr-defined]  # Django's own token checks, not in the stubs
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
    _unmask_cipher_token,
)
from django.utils import translation
from django.utils.crypto import constant_time_compare

from hromada.apps.petitions import actions, ratelimit, selectors
from hromada.apps.petitions.models import PetitionPolicy
from hromada.core import edge
from hromada.core.api.errors import DomainError

COUNT_PATH = re.compile(r"^/petitions/(?P<pk>[0-9]{1,18})/count\.json$")
SIGN_PATH = re.compile(r"^/petitions/(?P<pk>[0-9]{1,18})/sign/$")
CSRF_TOKEN_LENGTH = 64


def count(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    payload = selectors.count_payload(int(request.match["pk"]))
    if payload is None:
        return None  # Django answers the 404 in the visitor's language
    return edge.EdgeResponse(200, payload, cache_control="public, max-age=1", public=True)


def _csrf_passes(request: edge.EdgeRequest) -> bool:
    """True only where CsrfViewMiddleware would certainly accept this POST (plain HTTP or a
    matching Origin; the cookie secret and the header token match). False means: let Django check."""
    environ = request.environ
    secure = environ.get("wsgi.url_scheme") == "https"
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        secure = secure or environ.get(header) == value
    origin = request.header("HTTP_ORIGIN")
    if origin:
        if origin != f"{'https' if secure else 'http'}://{request.header('HTTP_HOST')}":
            return False
    elif secure:
        return False  # Django checks the Referer of HTTPS requests without an Origin
    secret = request.cookies.get(settings.CSRF_COOKIE_NAME, "")
    token = request.header(settings.CSRF_HEADER_NAME)
    try:
        _check_token_format(secret)
        _check_token_format(token)
    except InvalidTokenFormat:
        return False
    if len(secret) == CSRF_TOKEN_LENGTH:
        secret = _unmask_cipher_token(secret)
    return bool(_does_token_match(token, secret))


_SESSION_ENGINE: list[Any] = []


def _session_store(key: str) -> Any:
    if not _SESSION_ENGINE:
        _SESSION_ENGINE.append(import_module(settings.SESSION_ENGINE).SessionStore)
    return _SESSION_ENGINE[0](key)


def _signed_in_user(request: edge.EdgeRequest) -> Any:
    """The account of a valid session (as `django.contrib.auth.get_user` finds it), or None."""
    key = request.cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    data = _session_store(key).load()
    backend_path = data.get(BACKEND_SESSION_KEY)
    if SESSION_KEY not in data or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(data[SESSION_KEY])
    if user is None:
        return None
    session_hash = data.get(HASH_SESSION_KEY)
    # A session from before a password change may still match a fallback key; Django handles that.
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


class _LanguageProbe:
    """What `get_language_from_request` reads of a request."""

    def __init__(self, request: edge.EdgeRequest) -> None:
        self.COOKIES = request.cookies
        self.META = request.environ


def sign(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    if "application/json" not in request.header("HTTP_ACCEPT") or request.content_length != 0:
        return None  # HTML forms (messages, redirects) and bodies are Django's
    if not _csrf_passes(request):
        return None
    user = _signed_in_user(request)
    if user is None:
        return None
    petition = selectors.petition_for_signing(int(request.match["pk"]), request.community)
    if petition is None:
        return None
    language = translation.get_language_from_request(_LanguageProbe(request))  # type: ignore[arg-type]
    with translation.override(language):
        policy = PetitionPolicy.cached_for(request.community)
        ip = request.header("REMOTE_ADDR") or None
        try:
            ratelimit.check_sign_rate(policy=policy, user_id=user.pk, ip=ip)
            actions.petition_sign(petition=petition, person=user, ip=ip, notify_on_answer=True, policy=policy)
        except DomainError as exc:
            return edge.EdgeResponse(exc.status_code, {"errors": [
                {"code": exc.code, "message": str(exc.detail), "field": exc.field}]}, language=language)
    return edge.EdgeResponse(200, {"signed": True, "count": petition.signature_count, "status": petition.status},
                             language=language)


def register() -> None:
    edge.register(COUNT_PATH, count, methods=("GET", "HEAD"))
    edge.register(SIGN_PATH, sign, methods=("POST",))
