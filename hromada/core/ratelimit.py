"""Rate limits on the doors where guessing or flooding harms residents: sign-in, registration,
password reset, SMS codes, appeal filing, ballots, Open311 POST.

Counting is django-ratelimit's (`get_usage`): a window per key in the default cache — Redis in
production, where every process shares one count; with the local-memory cache of a laptop each
process counts on its own. Rates are written as django-ratelimit rates ("10/15m"). Platform-wide
rates come from `settings.RATE_LIMITS`; per-community ones from the Community's fields.

The client address is `REMOTE_ADDR` as the WSGI layer leaves it (behind the load balancer the
trusted-proxy rule puts the real client there); IPv6 addresses count per /64 network, as one
household or phone usually holds a whole /64.

Petition signing keeps its own one-round-trip counter (`hromada.apps.petitions.ratelimit`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from hromada.core.api.errors import DomainError

IPV6_PREFIX = 64


class RateLimited(DomainError):
    """The caller is over a limit; nothing was done. Answered as 429 with the message."""

    status_code = 429

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Too many attempts. Please wait a while and try again."),
                         code="rate_limited", status_code=429)


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address for counting: REMOTE_ADDR, an IPv6 address as its /64 network."""
    raw = str(meta.get("REMOTE_ADDR") or "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)  # an IPv4 client on a dual-stack socket is that IPv4 address
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


def rate(name: str) -> str:
    """A platform-wide rate from settings.RATE_LIMITS."""
    return str(settings.RATE_LIMITS[name])


def _usage(group: str, value: str, limit: str, *, increment: bool) -> dict[str, Any] | None:
    return get_usage(None, group=group, key=lambda _group, _request: value, rate=limit, increment=increment)


def hit(group: str, value: str, limit: str) -> bool:
    """Count one attempt of `value` (an account, an address, a key) in `group`; True when it is over `limit`."""
    usage = _usage(group, value, limit, increment=True)
    return bool(usage and usage["should_limit"])


def reached(group: str, value: str, limit: str) -> bool:
    """True when `value` has already used all of `limit` in `group` (counts nothing)."""
    usage = _usage(group, value, limit, increment=False)
    if usage is None:
        return False
    return bool(usage["should_limit"] or usage["count"] >= usage["limit"])


def check(hits: list[tuple[str, str, str]], message: str | None = None) -> None:
    """Count one attempt for each (group, value, rate); RateLimited when any of them is over its rate.

    Every key is counted even when an earlier one is over, so an attacker spreading over accounts
    still uses up the address."""
    over = [hit(group, value, limit) for group, value, limit in hits]
    if any(over):
        raise RateLimited(message)


def per_hour(count: int) -> str:
    return f"{int(count)}/h"


def per_minute(count: int) -> str:
    return f"{int(count)}/m"
