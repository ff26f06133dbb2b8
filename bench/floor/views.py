"""The floor: the least a signed-in JSON POST costs through Django's whole stack on this server.

Every middleware of the platform runs (community resolution, the session read, CSRF, the user loaded
by `AuthenticationMiddleware`); the view itself reads the user's id and answers. It writes nothing:
a hot write path is measured as a multiple of this (docs/benchmarks.md, "The framework's floor").
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

NOT_SIGNED_IN = {"errors": [{"code": "not_authenticated", "message": "Sign in first.", "field": None}]}


@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    """Anonymous: 401 with the platform's error envelope, as its JSON endpoints answer; else `{"ok": true}`."""
    user_id = request.user.pk if request.user.is_authenticated else None  # as a view acting for the person does
    if user_id is None:
        return JsonResponse(NOT_SIGNED_IN, status=401)
    return JsonResponse({"ok": True})
