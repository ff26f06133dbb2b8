"""The edge of the WSGI application: the hottest JSON endpoints, answered before Django's stack.

During a surge two requests dominate: viewers polling a petition's live count, and residents
signing it. Running each through the whole middleware stack (URL resolution over every app,
messages, clickjacking headers, the ORM building the same queries) costs more CPU than the work
itself. An app registers such an endpoint here, from its `AppConfig.ready()`:

    edge.register(re.compile(r"^/petitions/(?P<pk>[0-9]+)/count\\.json$"), handler, methods=("GET", "HEAD"))

The edge resolves the request's community exactly as `CommunityMiddleware` does (the host name,
or the `/c/<slug>/` prefix) and calls `handler(request)` inside the community's scope. The
handler answers with an `EdgeResponse`, or returns `None` to hand the request to Django
unchanged — and it must return `None` before it writes anything. Handlers answer only the
common, fully checked case; everything unusual (no session, a failed CSRF check, an unknown
petition, a form post, a query string) goes to Django, which answers it as it always has.
Database connections follow Django's request lifecycle (`request_started`, `request_finished`);
a handler that mostly answers from memory registers with `lifecycle=False` and wraps its database
work in `database_lifecycle()`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from http import HTTPStatus
from importlib import import_module
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_DB_PREFIX
from django.core import signals
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.handlers.wsgi import WSGIHandler
from django.http.cookie import parse_cookie
from django.middleware.csrf import (  # type: ignore[attr-defined]  # Django's own token checks, not in the stubs
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
    _unmask_cipher_token,
)
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from hromada.core import cache, tenancy
from hromada.core.bodylimit import REFUSED, declared_length

logger = logging.getLogger("django.request")


@dataclass
class EdgeRequest:
    environ: dict[str, Any]
    community: Any  # the process's remembered Community, shared by requests: read it, never change it
    match: re.Match[str]

    def header(self, name: str) -> str:
        """A request header by its CGI name, e.g. `HTTP_ACCEPT`."""
        return str(self.environ.get(name, ""))

    @cached_property
    def cookies(self) -> dict[str, str]:
        """The cookies as Django reads them for `request.COOKIES`."""
        raw = self.header("HTTP_COOKIE")
        return parse_cookie(raw) if raw else {}

    @property
    def content_length(self) -> int:
        try:
            return int(self.environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return -1


@dataclass
class EdgeResponse:
    status: int
    payload: dict[str, Any]
    cache_control: str = ""
    language: str = ""
    public: bool = False  # CORS: readable by any site (public counters)


# ---------------------------------------------------------------- the checks a signed-in handler makes

CSRF_TOKEN_LENGTH = 64


def csrf_passes(request: EdgeRequest) -> bool:
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
_CACHED_DB = "django.contrib.sessions.backends.cached_db"


def _session_store(key: str) -> Any:
    if not _SESSION_ENGINE:
        _SESSION_ENGINE.append(import_module(settings.SESSION_ENGINE).SessionStore)
    return _SESSION_ENGINE[0](key)


def session_data(request: EdgeRequest) -> dict[str, Any]:
    """The request's session as `SessionStore.load()` reads it ({} when there is none).

    With cached_db sessions in Redis the cache is read on the thread's own connection
    (`cache.held`); a miss, or any other engine, goes through the session store itself."""
    key = request.cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return {}
    if settings.SESSION_ENGINE == _CACHED_DB and len(key) >= 8:  # shorter keys: the store starts a new session
        backend = caches[settings.SESSION_CACHE_ALIAS]
        if isinstance(backend, RedisCache):
            try:
                raw = cache.held.command(backend, "GET", backend.make_key(CACHED_DB_PREFIX + key))
            except redis.RedisError:  # as the store does: a cache that fails is a miss
                raw = None
            if raw is not None:
                return dict(backend._cache._serializer.loads(raw))  # type: ignore[attr-defined]
    return dict(_session_store(key).load())


def session_account(request: EdgeRequest) -> tuple[str, Any, str] | None:
    """(authentication backend, account id, session hash) of a signed-in session, or None.

    Nothing is checked against the account: the caller must do what `get_user` does."""
    data = session_data(request)
    backend_path = data.get(BACKEND_SESSION_KEY)
    if SESSION_KEY not in data or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    session_hash = data.get(HASH_SESSION_KEY)
    if not session_hash:
        return None
    return str(backend_path), data[SESSION_KEY], str(session_hash)


def signed_in_user(request: EdgeRequest) -> Any:
    """The account of a valid session (as `django.contrib.auth.get_user` finds it), or None."""
    account = session_account(request)
    if account is None:
        return None
    backend_path, user_id, session_hash = account
    user = load_backend(backend_path).get_user(user_id)
    # A session from before a password change may still match a fallback key; Django handles that.
    if user is None or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


class _LanguageProbe:
    """What `get_language_from_request` reads of a request."""

    def __init__(self, request: EdgeRequest) -> None:
        self.COOKIES = request.cookies
        self.META = request.environ


def language_of(request: EdgeRequest) -> str:
    """The visitor's language as LocaleMiddleware picks it (the language cookie, Accept-Language)."""
    return translation.get_language_from_request(_LanguageProbe(request))  # type: ignore[arg-type]


def speaking(language: str) -> AbstractContextManager[Any]:
    """`translation.override(language)`, or nothing when it is the active language already."""
    if language == translation.get_language():
        return nullcontext()
    return translation.override(language)


Handler = Callable[[EdgeRequest], EdgeResponse | None]
_ROUTES: list[tuple[re.Pattern[str], Handler, tuple[str, ...], bool]] = []


def register(pattern: re.Pattern[str], handler: Handler, *, methods: tuple[str, ...],
             lifecycle: bool = True) -> None:
    """Serve `methods` of `pattern` (a path inside a community) from `handler` at the edge.

    `lifecycle=False`: the handler usually answers from memory, and wraps what does touch the
    database in `database_lifecycle()` itself, sparing the common case Django's per-request
    connection bookkeeping."""
    if all(route[0] is not pattern for route in _ROUTES):
        _ROUTES.append((pattern, handler, methods, lifecycle))


@contextmanager
def database_lifecycle() -> Iterator[None]:
    """Django's request lifecycle around database work: `request_started` (connections too old
    or broken are closed first), then `request_finished`."""
    signals.request_started.send(sender=EdgeApplication, environ=None)
    try:
        yield
    finally:
        signals.request_finished.send(sender=EdgeApplication)


def _headers(body: bytes, response: EdgeResponse, *, secure: bool) -> list[tuple[str, str]]:
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
               ("X-Frame-Options", settings.X_FRAME_OPTIONS), ("Cross-Origin-Opener-Policy", "same-origin")]
    if secure and settings.SECURE_HSTS_SECONDS:  # as SecurityMiddleware sends it
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    # Answers that are not public are for the signed-in person who asked (as the API's, hromada/core/api/headers.py).
    cache_control = response.cache_control or ("" if response.public else "private")
    if cache_control:
        headers.append(("Cache-Control", cache_control))
    if response.public:
        headers.append(("Access-Control-Allow-Origin", "*"))
    vary = [] if response.public else ["Cookie", "Authorization"]
    if response.language:
        headers.append(("Content-Language", response.language))
        vary = ["Accept-Language", "Cookie", *vary[1:]]
    if vary:
        headers.append(("Vary", ", ".join(vary)))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", str(settings.SECURE_REFERRER_POLICY)))
    return headers


# The edge reads small bodies only: a larger one (or one refused by `bodylimit.BodyLimitApplication`)
# goes to Django, whose body limit answers it before reading it.
MAX_BODY = 64 * 1024


def _small_body(environ: dict[str, Any]) -> bool:
    return REFUSED not in environ and declared_length(environ) <= MAX_BODY


class EdgeApplication:
    """Wraps Django's WSGI application; see the module's text."""

    def __init__(self, django: WSGIHandler) -> None:
        self.django = django

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # HTTPS only (SECURE): a plain-HTTP request goes to Django, whose SecurityMiddleware redirects it.
        if _ROUTES and not environ.get("QUERY_STRING") and _small_body(environ) and (
                environ.get("wsgi.url_scheme") == "https" or not settings.SECURE_SSL_REDIRECT):
            answer = self._edge(environ, start_response)
            if answer is not None:
                return answer
        return self.django(environ, start_response)

    def _edge(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes] | None:
        from hromada.core.tenancy.middleware import PREFIX_RE, community_for_edge

        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        prefixed = PREFIX_RE.match(path)
        rest = (prefixed["rest"] or "/") if prefixed else path
        for pattern, handler, methods, lifecycle in _ROUTES:
            match = pattern.match(rest)
            if match is None:
                continue
            if method not in methods:
                return None
            community = community_for_edge(environ.get("HTTP_HOST", ""), prefixed["slug"] if prefixed else None)
            if community is None:
                return None
            if lifecycle:
                signals.request_started.send(sender=EdgeApplication, environ=environ)
            try:
                with tenancy.scope(community):
                    response = handler(EdgeRequest(environ, community, match))
            except Exception:  # logged like Django's own; the handler's transaction is rolled back
                logger.exception("Internal Server Error: %s", path)
                response = EdgeResponse(500, {"errors": [{
                    "code": "server_error", "field": None,
                    "message": _("Something went wrong on our side. Please try again in a minute.")}]})
            finally:
                if lifecycle:
                    signals.request_finished.send(sender=EdgeApplication)
            if response is None:
                return None
            body = json.dumps(response.payload, ensure_ascii=False).encode()
            secure = environ.get("wsgi.url_scheme") == "https"
            start_response(f"{response.status} {HTTPStatus(response.status).phrase}",
                           _headers(body, response, secure=secure))
            return [b""] if method == "HEAD" else [body]
        return None
