"""Signing rate limits per account and per IP address, counted in the cache (Redis in production).

Fixed one-minute windows; every attempt counts, successful or not. Limits are per-community
settings (`PetitionPolicy`); addresses in the policy's trusted networks (a CNAP desk, a
kiosk gateway) get the raised per-IP limit. With the default local-memory cache each
server process counts on its own: configure REDIS_URL for one count across processes.
"""

from __future__ import annotations

import ipaddress
import time
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from hromada.apps.petitions.models import PetitionPolicy
from hromada.core.api.errors import DomainError

WINDOW_SECONDS = 60


@lru_cache(maxsize=256)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    found = []
    for item in spec:
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    return tuple(found)


def is_trusted(ip: str | None, policy: PetitionPolicy) -> bool:
    if not ip or not policy.trusted_networks:
        return False
    return _in_networks(ip, policy.trusted_networks)


@lru_cache(maxsize=4096)
def _in_networks(ip: str, networks: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    spec = tuple(line.strip() for line in networks.splitlines() if line.strip())
    return any(address in network for network in _networks(spec))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a load balancer REMOTE_ADDR is already the client's, taken from
    X-Forwarded-For only when the balancer is in TRUSTED_PROXIES (hromada.core.proxy)."""
    return request.META.get("REMOTE_ADDR") or None


def _hit(key: str) -> int:
    """Count one attempt in the current window (any cache backend)."""
    full_key = _window_key(key)
    for _attempt in range(3):
        try:
            return int(cache.incr(full_key))
        except ValueError:  # the first attempt of the window (or the key just expired)
            if cache.add(full_key, 1, WINDOW_SECONDS + 5):
                return 1
    return int(cache.incr(full_key))


def _window_key(key: str) -> str:
    return f"petitions:rl:{key}:{int(time.time() // WINDOW_SECONDS)}"


# Count attempts in Redis with one script call: INCR each key, and give a new key its expiry.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
"""


@lru_cache(maxsize=4)
def _counter(location: str) -> Any:
    """The counting script on a redis client of this process for the cache's (first) server. A redis
    client is thread-safe: it borrows a connection from its own pool for each command, and a script
    Redis lost (a restart) is loaded again by `Script` itself."""
    return redis.Redis.from_url(location).register_script(_COUNT_SCRIPT)


def _first_server() -> str:
    """The default cache's server that takes writes (the first of its LOCATION, as Django's client)."""
    location = settings.CACHES["default"]["LOCATION"]
    servers = location.split(",") if isinstance(location, str) else list(location)
    return str(servers[0]).strip()


def _hits(keys: list[str]) -> list[int]:
    """Count one attempt for each key. With Redis, all in one round trip (a script: INCR, EXPIRE)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return [_hit(key) for key in keys]
    full_keys = [backend.make_key(_window_key(key)) for key in keys]  # our own keys: nothing to validate
    counts = _counter(_first_server())(keys=full_keys, args=[WINDOW_SECONDS + 5])
    return [int(value) for value in counts]


def check_sign_rate(*, policy: PetitionPolicy, user_id: int, ip: str | None) -> None:
    """Count this signing attempt; DomainError 429 when the account or the address is over its limit."""
    counts = _hits([f"acct:{user_id}", f"ip:{ip}"] if ip else [f"acct:{user_id}"])
    if counts[0] > policy.sign_rate_per_account:
        raise DomainError(_("Too many signing attempts from your account. Wait a minute and try again."),
                          code="rate_limited", status_code=429)
    if ip:
        limit = policy.sign_rate_per_trusted_ip if is_trusted(ip, policy) else policy.sign_rate_per_ip
        if counts[1] > limit:
            raise DomainError(_("Too many signing attempts from your network. Wait a minute and try again."),
                              code="rate_limited", status_code=429)
