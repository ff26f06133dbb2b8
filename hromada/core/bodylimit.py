"""Request bodies are refused by their size before they are read.

Every view takes at most `BODY_LIMIT_DEFAULT_BYTES`; a view that takes files declares the size of
its largest legitimate request with `@body_limit(...)` (five 10 MB photos and the form's text, say).
`BodyLimitMiddleware` compares the declared `Content-Length` with the view's limit before anything
reads the body (it sits before `CsrfViewMiddleware`, which reads form posts) and answers
413 in the user's language — JSON for API requests — without reading a byte.

A body sent in chunks has no `Content-Length`; Django reads nothing of such a body. `BodyLimitApplication`,
the outermost WSGI layer (before the edge of `hromada/core/edge.py`), reads it, counting, into a
spooled temporary file up to `BODY_LIMIT_CHUNKED_BYTES` and hands it on with its length, so the view's
limit applies to it as to any other; a longer one is refused as soon as the count passes the ceiling.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hromada.core.errors import error_page

MB = 1024 * 1024
FORM_ALLOWANCE = MB  # room for the form's other fields and the multipart framing beside the files
REFUSED = "hromada.body_refused"  # environ key: a chunked body passed the ceiling
CHUNK = 64 * 1024

Limit = int | Callable[[], int]
View = TypeVar("View", bound=Callable[..., Any])


def body_limit(limit: Limit, *, refusal: Callable[..., HttpResponse] | None = None) -> Callable[[View], View]:
    """Declare the largest request body `view` takes, in bytes (or a function giving it, for a limit
    that is a setting). For a class-based view decorate the class. `refusal(request, **view_kwargs)`
    answers a larger body where a protocol has its own error shape (the 413 page otherwise)."""

    def decorate(view: View) -> View:
        view.body_limit = limit  # type: ignore[attr-defined]
        view.body_refusal = refusal  # type: ignore[attr-defined]
        return view

    return decorate


def files_limit(count: int, each: int) -> int:
    """The body of a form with `count` files of at most `each` bytes."""
    return count * each + FORM_ALLOWANCE


def limit_of(view: Any) -> int:
    """The view's declared limit (a DRF or Django class-based view's class may declare it), or the default."""
    limit = getattr(view, "body_limit", None)
    for owner in ("cls", "view_class"):
        if limit is None:
            limit = getattr(getattr(view, owner, None), "body_limit", None)
    if limit is None:
        return int(settings.BODY_LIMIT_DEFAULT_BYTES)
    return int(limit() if callable(limit) else limit)


def declared_length(meta: dict[str, Any]) -> int:
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot parse


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    from django.utils.translation import gettext as _

    megabytes = max(1, round(limit / MB))
    return error_page(
        request, 413, _("The request is too large"),
        _("The request is larger than %(mb)s MB, the most this page takes. Nothing was changed: "
          "send smaller or fewer files.") % {"mb": megabytes},
        code="too_large",
    )


class BodyLimitMiddleware:
    """Refuses a request whose body is larger than its view takes, before the body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ceiling = request.META.get(REFUSED)
        if ceiling is not None:
            return too_large(request, int(ceiling))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        limit = limit_of(view)
        if declared_length(request.META) <= limit:
            return None
        refusal = getattr(view, "body_refusal", None)
        return refusal(request, **kwargs) if refusal is not None else too_large(request, limit)


# Methods whose requests carry a body. Some servers (granian) mark every request's input as terminated,
# so without a Content-Length only these are counted: a GET (the count polling) is never spooled.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _chunked(environ: dict[str, Any]) -> bool:
    encoding = str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    if "chunked" in encoding:
        return True
    return bool(environ.get("wsgi.input_terminated")) and environ.get("REQUEST_METHOD") in BODY_METHODS


class BodyLimitApplication:
    """WSGI layer: a chunked body is counted while it is read and handed on with its length."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("CONTENT_LENGTH") and _chunked(environ):
            self._count(environ)
        return self.application(environ, start_response)

    @staticmethod
    def _count(environ: dict[str, Any]) -> None:
        ceiling = int(settings.BODY_LIMIT_CHUNKED_BYTES)
        stream = environ["wsgi.input"]
        spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
        total = 0
        while total <= ceiling:
            chunk = stream.read(min(CHUNK, ceiling + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total <= ceiling:
                spool.write(chunk)
        if total > ceiling:
            spool.close()
            environ[REFUSED] = str(ceiling)
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(), "0"
            return
        spool.seek(0)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = spool, str(total)
