"""Every back-office page asks an anonymous visitor to sign in.

The office pages of every module live under an `office/` segment of the community's URLs
(`office/`, `budget/office/…`, `appeals/office/…`). Whatever a page would tell a visitor without a
role (403), a visitor who has not signed in is sent to the sign-in page and back, the same on
every one of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from hromada.core.errors import wants_json


def is_office_route(route: str) -> bool:
    return "office" in route.strip("^$").split("/")


class OfficeSignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if (match is None or getattr(request, "community", None) is None
                or request.user.is_authenticated or not is_office_route(match.route or "")):
            return None
        if wants_json(request):
            return None
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
