"""Cache headers of the APIs' answers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

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
        user = getattr(request, "user", None)  # DRF puts the token's account here too
        if "HTTP_AUTHORIZATION" in request.META or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True)
        return response
