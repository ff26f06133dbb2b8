"""One error shape for the whole API: {"errors": [{"code", "message", "field"}]}.

Messages are in the request's language (LocaleMiddleware has activated it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(exceptions.APIException):
    """Raised by actions for a rule the input breaks; carries a stable code and a field."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None,
                 status_code: int | None = None):
        if not message:  # every error says something a person can read
            message = {403: _("You do not have permission to do this."), 404: _("Not found.")}.get(
                status_code or self.status_code, _("The request cannot be carried out."))
        super().__init__(message, code)
        self.code = code
        self.field = field
        if status_code is not None:
            self.status_code = status_code

    def envelope(self) -> dict[str, Any]:
        """The error as the API answers it, in the active language."""
        return {"errors": [{"code": self.code, "message": str(self.detail), "field": self.field}]}


def _flatten(detail: Any, field: str | None = None) -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        out: list[dict[str, Any]] = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else (f"{field}.{key}" if field else str(key))
            out.extend(_flatten(value, name))
        return out
    if isinstance(detail, list):
        return [item for value in detail for item in _flatten(value, field)]
    code = getattr(detail, "code", None) or "invalid"
    return [{"code": str(code), "message": str(detail), "field": field}]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        return Response(exc.envelope(), status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        errors = [{"code": str(code), "message": str(detail), "field": None}]
    response.data = {"errors": errors}
    return response
