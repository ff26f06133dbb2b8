"""Declaring the permission a view needs, with `rules.contrib`.

`permission_required(perm, fn=...)` is rules' own decorator; it asks `perm` about the object `fn`
returns (the request's community unless told otherwise). A refused visitor who is not signed in is
sent to sign in (a client that wants JSON gets 403); a refused signed-in person gets 403. The
loader fetches the object within the request's community and raises Http404 for one that does not
exist (or that the person may not know exists); it is remembered for the request (`per_request`),
so the view asks the same loader and gets the same object without a second query.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from rules.contrib.views import permission_required as rules_permission_required

from hromada.core.errors import wants_json
from hromada.core.http import HromadaRequest

T = TypeVar("T")
View = Callable[..., HttpResponseBase]
Loader = Callable[..., Any]


def community(request: HromadaRequest, *args: Any, **kwargs: Any) -> Any:
    """The object of a community-wide permission: the request's community."""
    return request.community


def per_request(load: Callable[..., T]) -> Callable[..., T]:
    """`load(request, *args, **kwargs)`, called once per request and arguments: the permission
    check and the view share what it returned."""

    signature = inspect.signature(load)
    named = [p.name for p in list(signature.parameters.values())[1:]
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    @wraps(load)
    def remembered(request: HttpRequest, *args: Any, **kwargs: Any) -> T:
        # Keyed by the loader's own parameters, however they were passed: the decorator passes the URL's
        # keyword arguments (some the loader takes as `**_`), the view passes what it has.
        arguments = signature.bind(request, *args, **kwargs).arguments
        key = (load, *(arguments.get(name) for name in named))
        memo: dict[tuple[Any, ...], Any] = vars(request).setdefault("hromada_loaded", {})
        if key not in memo:
            memo[key] = load(request, *args, **kwargs)
        return memo[key]

    return remembered


def permission_required(perm: str | tuple[str, ...], fn: Loader = community, *,
                        denied_template: str | None = None) -> Callable[[View], View]:
    """Declare that the view needs `perm` on `fn(request, *args, **kwargs)` (rules' decorator).

    `denied_template` is the page a refused signed-in person sees instead of the general 403 page
    (e.g. what to do to be allowed), answered with 403 too."""

    def decorator(view: View) -> View:
        for_visitors = rules_permission_required(perm, fn=fn)(view)  # refused: sign in first
        for_members = rules_permission_required(perm, fn=fn, raise_exception=True)(view)  # refused: 403

        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # A client that wants JSON cannot follow a redirect to a sign-in form: it gets the 403.
            if not (request.user.is_authenticated or wants_json(request)):
                return for_visitors(request, *args, **kwargs)
            if denied_template is None:
                return for_members(request, *args, **kwargs)
            return _with_denied_page(request, args, kwargs)

        def _with_denied_page(request: HttpRequest, args: Any, kwargs: Any) -> HttpResponseBase:
            entered = False

            def enter(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
                nonlocal entered
                entered = True
                return view(request, *args, **kwargs)

            try:
                return rules_permission_required(perm, fn=fn, raise_exception=True)(enter)(request, *args, **kwargs)
            except PermissionDenied:
                if entered:  # raised by the view itself, not by the check
                    raise
                return render(request, cast(str, denied_template), status=403)

        checked.permission_required = perm  # type: ignore[attr-defined]
        return checked

    return decorator
