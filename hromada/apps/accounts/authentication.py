"""API token authentication with an expiry: DRF's TokenAuthentication refuses a token older than
`settings.API_TOKEN_TTL_DAYS` (counted from when it was issued; the holder asks for a new one)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from hromada.apps.accounts.actions import api_token_expired

        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This API token has expired. Ask for a new one with your e-mail and password."),
                code="token_expired")
        return user, token
