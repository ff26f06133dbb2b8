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
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(policy.trusted_network_list())))


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind a reverse proxy, have the proxy set REMOTE_ADDR (e.g. uwsgi/gunicorn
    forwarded-allow-ips); X-Forwarded-For is not trusted here because any client can send it."""
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


_REDIS_CLIENTS: dict[int, tuple[RedisCache, Any]] = {}


def _redis_client(backend: RedisCache) -> Any:
    """Django's redis client for the cache (the public cache API has no pipeline). Django builds a new
    client object on every call; keep one per process (it shares Django's connection pool)."""
    entry = _REDIS_CLIENTS.get(id(backend))
    if entry is None or entry[0] is not backend:
        entry = _REDIS_CLIENTS[id(backend)] = (backend, backend._cache.get_client(write=True))
    return entry[1]


def _hits(keys: list[str]) -> list[int]:
    """Count one attempt for each key. With Redis, all in one pipelined round trip (SET NX EX, INCR)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        pipe = _redis_client(backend).pipeline(transaction=False)
        for key in keys:
            full_key = backend.make_and_validate_key(_window_key(key))
            pipe.set(full_key, 0, ex=WINDOW_SECONDS + 5, nx=True)
            pipe.incr(full_key)
        return [int(value) for value in pipe.execute()[1::2]]
    return [_hit(key) for key in keys]


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
