"""Error pages in the user's language, as HTML or JSON depending on what was asked for."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse


def wants_json(request: HttpRequest) -> bool:
    """An API path, a client that asks for JSON, or a request that sends JSON."""
    accept = request.headers.get("Accept", "")
    return ("/api/" in request.path or ("application/json" in accept and "text/html" not in accept)
            or request.content_type == "application/json")


# Standard APIs (Open311, ...) answer errors in their own format even where no community answers:
# the path below the community ("open311/v2/requests.json") -> the renderer its app registered.
StandardErrorRenderer = Callable[[HttpRequest, int, str], HttpResponse]
_standard_api_errors: dict[str, StandardErrorRenderer] = {}


def register_standard_api_errors(prefix: str, render: StandardErrorRenderer) -> None:
    """Errors of paths below a community that start with `prefix` are answered by `render`."""
    _standard_api_errors[prefix] = render


def standard_api_error(request: HttpRequest, rest: str, status: int, message: str) -> HttpResponse | None:
    """The standard API's own error answer for `rest` (the path below the community), or None."""
    rest = rest.lstrip("/")
    for prefix, render in _standard_api_errors.items():
        if rest.startswith(prefix):
            return render(request, status, message)
    return None


def _home_url(request: HttpRequest) -> str:
    """The community's home page (keeping the /c/<slug>/ prefix) or the platform's."""
    if getattr(request, "community", None) is None:
        return "/"
    try:
        return reverse("home", urlconf=settings.COMMUNITY_URLCONF)
    except NoReverseMatch:
        return "/"


def error_page(request: HttpRequest, status: int, title: str, message: str, code: str = "") -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"errors": [{"code": code or f"http_{status}", "message": str(message), "field": None}]},
            status=status,
        )
    html = render_to_string(
        "error.html",
        {"status": status, "title": title, "message": message, "home_url": _home_url(request)},
        request,
    )
    return HttpResponse(html, status=status)


def handler400(request, exception=None):
    from django.utils.translation import gettext as _

    return error_page(request, 400, _("Bad request"), _("The request could not be understood."))


def handler403(request, exception=None):
    from django.utils.translation import gettext as _

    return error_page(request, 403, _("Access denied"), _("You do not have permission to do this."))


def handler404(request, exception=None):
    from django.utils.translation import gettext as _

    return error_page(request, 404, _("Page not found"), _("There is no such page. Check the address."))


def handler500(request):
    from django.utils.translation import gettext as _

    return error_page(
        request, 500, _("Something went wrong"),
        _("The server could not finish your request. Nothing was changed; please try again later."),
    )


class ForbiddenWithoutTraceback(logging.Filter):
    """Keep Django's one-line warning for a refused request (403) but drop the traceback it attaches.

    A PermissionDenied is an expected answer, not a fault: its traceback filled the log with noise.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form or script whose CSRF check failed, told in the user's language.

    JSON requests get the API's error envelope; the reason Django gives (for the log) is not shown."""
    from django.utils.translation import gettext as _

    return error_page(
        request, 403, _("The form has expired"),
        _("The page was open too long or cookies are off. Nothing was changed: reload the page and try again."),
        code="csrf_failed",
    )
