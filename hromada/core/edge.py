"""The edge of the WSGI application: the hottest JSON endpoints, answered before Django's stack.

During a surge the public count of a petition is polled by every viewer. Running each poll
through the whole middleware stack (URL resolution over every app, sessions, messages,
clickjacking headers) costs more CPU than the work itself. A handler for a signed-in person
(a script's petition signature, the budget ballot) checks the session, the account and the CSRF
token with Django's own machinery (`SessionStore`, `django.contrib.auth.get_user`,
`CsrfViewMiddleware`) called on a `WSGIRequest` of the same environ: `signed_in_user` and
`csrf_passes` below, never a copy.
An app registers such an endpoint here, from its `AppConfig.ready()`:

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

from django.conf import settings
from django.contrib.auth import get_user
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from hromada.core import tenancy
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

    @cached_property
    def django(self) -> WSGIRequest:
        """The request as Django's middleware sees it, built from the same environ (the body unread)."""
        return WSGIRequest(self.environ)

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
# Django's own middleware and functions, called on a `WSGIRequest` of the same environ: the edge
# keeps no copy of the session, authentication or CSRF rules.


def _no_response(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the edge runs the CSRF middleware's checks only")


def _protected_view(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the edge runs the CSRF middleware's checks only")


_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def csrf_passes(request: EdgeRequest) -> bool:
    """True where Django's `CsrfViewMiddleware` accepts this request for a view that is not exempt.
    False means: let Django check it (and answer the refusal)."""
    if request.header("CONTENT_TYPE").startswith(_FORM_TYPES) and request.content_length != 0:
        return False  # the middleware would read the token from the body; Django must get the body unread
    middleware = CsrfViewMiddleware(_no_response)
    django_request = request.django
    middleware.process_request(django_request)
    return middleware.process_view(django_request, _protected_view, (), {}) is None


def signed_in_user(request: EdgeRequest) -> Any:
    """The account of the request's session as `django.contrib.auth.get_user` finds it, or None.

    While old secret keys are still accepted (SECRET_KEY_FALLBACKS), `get_user` may give a
    session a new key, which only Django's session middleware can send back: Django answers then."""
    if settings.SECRET_KEY_FALLBACKS or not request.cookies.get(settings.SESSION_COOKIE_NAME):
        return None
    django_request = request.django
    django_request.session = import_module(settings.SESSION_ENGINE).SessionStore(
        request.cookies[settings.SESSION_COOKIE_NAME])
    user = get_user(django_request)
    return user if user.is_authenticated else None


def language_of(request: EdgeRequest) -> str:
    """The visitor's language as LocaleMiddleware picks it (the language cookie, Accept-Language)."""
    return translation.get_language_from_request(request.django)


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
