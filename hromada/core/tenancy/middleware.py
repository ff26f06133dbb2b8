"""Resolve the community of a request from its host name or its `/c/<slug>/` prefix.

With a path prefix the middleware moves `/c/<slug>` into the script prefix, so the
community's URLconf sees the same paths on both addresses and `reverse()` keeps the
prefix in every link it builds.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.translation import gettext as _

from hromada.core import memo, tenancy
from hromada.core.errors import error_page, standard_api_error
from hromada.core.http import PlatformRequest

PREFIX_RE = re.compile(r"^/c/(?P<slug>[a-z0-9][a-z0-9-]{0,62})(?P<rest>/.*)?$")


def _host_name(request: HttpRequest) -> str:
    host = request.get_host().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0]


# Each process remembers which community a host name or slug resolved to for a few seconds,
# so the hot paths (petition counters, API polling) skip one query per request. Saving a
# community clears this process's memory; other processes catch up within the TTL. This is the one
# memory above communities: it is what finds the community (memo.ABOVE_COMMUNITIES).
_RESOLVED = memo.TimedMemory("tenancy.resolved_hosts")
RESOLVE_TTL_SECONDS = 10.0


def forget_resolved_communities(**_kwargs: Any) -> None:
    _RESOLVED.clear()


def _remembered(key: tuple[str, str], resolve: Callable[[], Any]) -> Any:
    """What `resolve()` gave for `key` at most RESOLVE_TTL_SECONDS ago (it is called otherwise)."""
    return _RESOLVED.remember(memo.ABOVE_COMMUNITIES, key, resolve, RESOLVE_TTL_SECONDS)


def _lookup(kind: str, key: str, *, private: bool = True):
    """The active community of that domain or slug. `private=False` returns the remembered instance
    itself (the edge's read-only handlers); requests get their own copy to change as they like."""
    from hromada.apps.communities.models import Community

    lookup = {"domain": key} if kind == "domain" else {"slug": key}
    community = _remembered((kind, key), lambda: Community.objects.filter(is_active=True, **lookup).first())
    return copy.copy(community) if community is not None and private else community


def community_for_host(host: str, *, private: bool = True):
    if host in settings.PLATFORM_HOSTS:
        return None, True
    community = _lookup("domain", host, private=private)
    if community is None and settings.COMMUNITY_BASE_DOMAIN:
        suffix = "." + settings.COMMUNITY_BASE_DOMAIN
        if host.endswith(suffix):
            community = _lookup("slug", host[: -len(suffix)], private=private)
    return community, False


def community_for_edge(host_header: str, slug: str | None):
    """The community `CommunityMiddleware` would activate for this Host header and `/c/<slug>/`
    prefix, or None whenever it would answer otherwise (a host that is not allowed, an unknown
    community): the edge then leaves the request to Django, which gives the proper error.
    Remembered like the lookups themselves (`_RESOLVED`): the host checks are the same each time."""
    return _remembered(("edge", f"{host_header}/{slug or ''}"), lambda: _community_for_edge(host_header, slug))


def _community_for_edge(host_header: str, slug: str | None):
    domain, _port = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    community, is_platform_host = community_for_host(domain.lower(), private=False)
    if slug is None:
        return community
    if community is not None or not is_platform_host:
        return None
    return _lookup("slug", slug, private=False)


class CommunityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: PlatformRequest) -> HttpResponse:
        request.community = None
        community, is_platform_host = community_for_host(_host_name(request))
        if community is not None:
            request.urlconf = settings.COMMUNITY_URLCONF
        elif not is_platform_host:
            # LocaleMiddleware has not run yet: answer in the visitor's language ourselves.
            with translation.override(translation.get_language_from_request(request)):
                message = _("No community is served at this address. "
                            "Check the address or open the list of communities.")
                return (standard_api_error(request, request.path_info, 404, message)
                        or error_page(request, 404, _("Unknown community"), message))
        else:
            match = PREFIX_RE.match(request.path_info)
            if match:
                community = _lookup("slug", match["slug"])
                if community is None:
                    with translation.override(translation.get_language_from_request(request)):
                        message = _("There is no community “%(slug)s” on this platform.") % {"slug": match["slug"]}
                        return (standard_api_error(request, match["rest"] or "", 404, message)
                                or error_page(request, 404, _("Unknown community"), message))
                old_prefix = get_script_prefix()
                prefix = old_prefix.rstrip("/") + f"/c/{community.slug}/"
                request.path_info = match["rest"] or "/"
                request.META["SCRIPT_NAME"] = prefix.rstrip("/")
                request.urlconf = settings.COMMUNITY_URLCONF
                request.community = community
                set_script_prefix(prefix)
                try:
                    with tenancy.scope(community):
                        return self.get_response(request)
                finally:
                    set_script_prefix(old_prefix)
        request.community = community
        if community is None:
            if request.path_info.startswith("/admin/"):
                with tenancy.scope(all_communities=True):
                    return self.get_response(request)
            return self.get_response(request)
        with tenancy.scope(community):
            return self.get_response(request)
