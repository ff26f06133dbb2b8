"""A public page's rendering for anonymous visitors, kept a short while in the default cache.

A public page is the same for every anonymous visitor but for the CSRF token of the language switch (a POST
form in the page shell): the page is rendered once with a placeholder in its place, cached, and every answer
puts its own visitor's token in. Signed-in visitors (their own links), pages with a pending message (shown
once, to its visitor) and anything but GET are rendered afresh. `generation` goes into the key, so a module
that bumps it (`bump_generation`) on a change makes every cached page of the community stale at once.
(The appeals' problem list and map, the petitions list and the services register use it.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from hromada.core.http import HromadaRequest

CSRF_PLACEHOLDER = "csrf-token-of-the-visitor-5c2e80"  # reads the same escaped and unescaped


def _generation_key(namespace: str, community_id: int) -> str:
    return f"{namespace}:generation:{community_id}"


def generation(namespace: str, community_id: int) -> int:
    return int(cache.get(_generation_key(namespace, community_id)) or 0)


def bump_generation(namespace: str, community_id: int) -> None:
    """Make the cached pages of `namespace` in the community stale (call after the change is committed)."""
    key = _generation_key(namespace, community_id)
    try:
        cache.incr(key)
    except ValueError:  # not there yet (or evicted)
        cache.set(key, generation(namespace, community_id) + 1, None)


def page_key(request: HromadaRequest, namespace: str) -> str | None:
    if request.method != "GET" or request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()[:32]
    community_id = request.community.pk
    return f"{namespace}:page:{community_id}:{generation(namespace, community_id)}:{get_language()}:{where}"


def cached_render(request: HromadaRequest, template: str, context: Callable[[], dict[str, Any]], *,
                  namespace: str, seconds: int, status: int = 200) -> HttpResponse:
    """`render(request, template, context())`, from the cache for anonymous visitors (see the module)."""
    key = page_key(request, namespace)
    if key is None:
        return render(request, template, context(), status=status)
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request)
        cache.set(key, html, seconds)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)
