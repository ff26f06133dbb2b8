"""Calling the project's real WSGI application as a server does: the edge first, then Django.

Django's test client skips the edge (`hromada/core/edge.py`); tests of the edge's paths use this."""

from __future__ import annotations

import io
import sys
from typing import Any

from django.conf import settings
from django.test import Client

CSRF_SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"  # a CSRF secret: 32 characters of Django's alphabet


def call(method: str, path: str, *, body: bytes = b"", cookies: dict[str, str] | None = None,
         **environ: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request from 192.0.2.10 to http://127.0.0.1; `environ` adds
    CGI variables (`HTTP_ACCEPT=...`), `cookies` the Cookie header."""
    from hromada.config.wsgi import application

    base = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "192.0.2.10", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)),
            "HTTP_COOKIE": "; ".join(f"{name}={value}" for name, value in (cookies or {}).items() if value)}
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    result = application({**base, **environ}, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], seen["headers"], content


def session_of(user: Any) -> str:
    """The session cookie of `user`, signed in."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def https_only(settings: Any, monkeypatch: Any) -> None:
    """Switch a test to what SECURE=true sets (hromada.config.settings), in a freshly built application:
    SecurityMiddleware reads its settings once, when the application is built."""
    from django.core.wsgi import get_wsgi_application

    from hromada.config import wsgi as wsgi_module
    from hromada.core.bodylimit import BodyLimitApplication
    from hromada.core.edge import EdgeApplication
    from hromada.core.proxy import TrustedProxies

    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = False  # the defaults
    monkeypatch.setattr(wsgi_module, "application",
                        TrustedProxies(BodyLimitApplication(EdgeApplication(get_wsgi_application()))))
