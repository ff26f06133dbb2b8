"""Session authentication for the API whose CSRF refusal speaks the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme as OpenApiSessionScheme
from rest_framework import authentication, exceptions


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication; a failed CSRF check is the API's `csrf_failed` error, translated
    (DRF's own message is Django's English reason)."""

    def enforce_csrf(self, request):
        from hromada.core.api.errors import DomainError  # the errors module imports DRF's views, which import this

        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refusal:
            raise DomainError(
                _("The CSRF token is missing or wrong. Reload the page and try again; scripts send the "
                  "csrftoken cookie's value in the X-CSRFToken header."),
                code="csrf_failed", status_code=403,
            ) from refusal


class SessionScheme(OpenApiSessionScheme):
    """The schema names it as DRF's session authentication (`cookieAuth`)."""

    target_class = "hromada.core.api.authentication.SessionAuthentication"
