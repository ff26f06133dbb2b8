"""A new password ends every API credential of the account, whichever way the password was set.

The cabinet's change and the e-mailed reset call `actions.user_password_changed` (sessions, audit);
Django admin's password form, `hromada changepassword` and any later path only save the user. So the
credentials are revoked where every one of them passes: the user row's save, when the stored password
hash changes. Sessions need nothing here: Django refuses a session issued for another password.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from rest_framework.authtoken.models import Token


def revoke_api_credentials(user: Any) -> int:
    """Delete the account's REST API token and its CKAN keys; the number deleted."""
    revoked = Token.objects.filter(user=user).delete()[0]
    if apps.is_installed("hromada.apps.opendata"):
        revoked += apps.get_model("opendata", "ApiToken").objects.filter(user=user).delete()[0]
    return revoked


def on_user_save(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """pre_save of the user model: a changed password hash revokes the API credentials."""
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = type(instance).objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        revoke_api_credentials(instance)
