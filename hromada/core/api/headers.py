"""Cache headers of the APIs' answers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject

API_MARKERS = ("/api/", "/open311/")


class PrivateApiAnswersMiddleware:
    """An API answer depends on who asks: it varies by `Authorization`, and an answer to a
    signed-in request (a token or a session) is `Cache-Control: private`, so no shared cache
    keeps one person's data for another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not any(marker in request.path for marker in API_MARKERS):
            return response
        patch_vary_headers(response, ("Authorization",))
        if _signed_in(request):
            patch_cache_control(response, private=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        # Not a DRF view (DRF puts the account it authenticated here): a session cookie may sign the
        # request in, and reading the session here would make every answer vary by Cookie.
        return settings.SESSION_COOKIE_NAME in request.COOKIES
    return user is not None and user.is_authenticated
