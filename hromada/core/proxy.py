"""The client's address and scheme behind a TLS-terminating load balancer.

TLS ends at the balancer, which forwards plain HTTP and tells where the request came from in
`X-Forwarded-For` and how in `X-Forwarded-Proto`. Anyone can send those headers, so they are
believed only from the peers listed in `TRUSTED_PROXIES` (addresses or CIDR networks):

- `REMOTE_ADDR` becomes the right-most `X-Forwarded-For` entry that is not itself a trusted
  proxy: the last hop a trusted proxy saw. Entries further left were written by the client
  and prove nothing.
- `wsgi.url_scheme` becomes `https` when the nearest proxy says `X-Forwarded-Proto: https`, so
  Django's `request.is_secure()`, its CSRF Origin check and `build_absolute_uri()` (the OIDC
  `redirect_uri`) see the scheme the browser used.

From any other peer the forwarding headers are removed before anything reads them.

This wraps the whole WSGI application (`hromada.config.wsgi`), in front of the edge
(`hromada.core.edge`), which answers some requests before Django's middleware: both must see
the same client address (the per-IP signing limit, the anti-fraud IP) and the same scheme.
A Django middleware, as django-xff is, would be too late for the edge; granian has no such
option for WSGI applications.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                      "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED")


@lru_cache(maxsize=8)
def trusted_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of `TRUSTED_PROXIES` entries ("10.0.0.0/8", "192.0.2.7", "::1");
    a malformed entry raises ValueError (the deploy check reports it first)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in spec if entry.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def resolve(environ: dict[str, Any], networks: tuple[Network, ...]) -> None:
    """Apply the trusted-proxy rule to `environ` in place (see the module's text)."""
    peer = _address(str(environ.get("REMOTE_ADDR", "")))
    if not _trusted(peer, networks):
        for name in FORWARDING_HEADERS:
            environ.pop(name, None)
        return
    client = peer
    hops = [hop for hop in str(environ.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage: nothing to its left can be believed; the last trusted hop stays the client
        client = address
        if not _trusted(address, networks):
            break
    environ["REMOTE_ADDR"] = str(client)
    proto = str(environ.get("HTTP_X_FORWARDED_PROTO", "")).split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        environ["wsgi.url_scheme"] = proto


class TrustedProxies:
    """WSGI middleware: `TrustedProxies(application)`; reads `settings.TRUSTED_PROXIES` per request."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        resolve(environ, trusted_networks(tuple(settings.TRUSTED_PROXIES)))
        return self.application(environ, start_response)
