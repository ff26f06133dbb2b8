"""Rate limits of the account doors: sign-in (web, API token, admin), registration, password reset, SMS.

Sign-in counts wrong passwords, per account and per client address, through Django's
`user_login_failed` signal; once either count is used up, the backend refuses every attempt of the
window, the right password included. The limits are platform-wide (`settings.RATE_LIMITS`): an
account is one for the whole installation, and so is the admin site.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hromada.core import ratelimit


def _email(value: Any) -> str:
    return str(value or "").strip().lower()


def sign_in_message() -> str:
    return _("Too many wrong passwords. Sign-in is paused for a while; try again later.")


class SignInLimited(ValidationError):
    """Raised by the authentication backend: a form shows it as its error, the views answer 429."""

    def __init__(self) -> None:
        super().__init__(sign_in_message(), code="rate_limited")


def sign_in_refused(request: Any, email: Any) -> bool:
    """True when the account or the client address has used up its wrong passwords for now."""
    if ratelimit.reached("accounts.sign_in.account", _email(email), ratelimit.rate("sign_in_account")):
        return True
    meta = getattr(request, "META", None)
    return meta is not None and ratelimit.reached(
        "accounts.sign_in.address", ratelimit.client_address(meta), ratelimit.rate("sign_in_address"))


def sign_in_failed(request: Any, email: Any) -> None:
    """Count one wrong password for the account and the address."""
    ratelimit.hit("accounts.sign_in.account", _email(email), ratelimit.rate("sign_in_account"))
    meta = getattr(request, "META", None)
    if meta is not None:
        ratelimit.hit("accounts.sign_in.address", ratelimit.client_address(meta), ratelimit.rate("sign_in_address"))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    sign_in_failed(request, credentials.get("username") or credentials.get("email"))


def check_register(request: Any) -> None:
    ratelimit.check([("accounts.register.address", ratelimit.client_address(request.META),
                      ratelimit.rate("register_address"))],
                    _("Too many registrations from your network. Please try again in an hour."))


def check_password_reset(request: Any, email: Any) -> None:
    # Counted for any address typed, whether or not it has an account: the answer reveals nothing.
    ratelimit.check([
        ("accounts.password_reset.address", ratelimit.client_address(request.META),
         ratelimit.rate("password_reset_address")),
        ("accounts.password_reset.email", _email(email), ratelimit.rate("password_reset_email")),
    ], _("Too many password reset requests. Please try again in an hour."))


def _sms_keys(request: Any, user_id: int | None) -> list[tuple[str, str, str]]:
    return [("accounts.sms.account", str(user_id), ratelimit.rate("sms_account")),
            ("accounts.sms.address", ratelimit.client_address(request.META), ratelimit.rate("sms_address"))]


def check_sms(request: Any, user_id: int | None) -> None:
    """Count one request for a code; RateLimited when the person or the address is over the hour's codes.

    Counted before the code is sent (one atomic increment in the cache), so that requests sent at
    once cannot all pass a check made before any of them was counted."""
    ratelimit.check(_sms_keys(request, user_id), _("Too many codes asked for. Please try again in an hour."))
