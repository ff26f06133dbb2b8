"""Helpers shared by the web views: declaring a view's permission, loading its object, error pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting import selectors
from hromada.apps.budgeting.models import Cycle, ImplementationItem, Project
from hromada.core.api.errors import DomainError
from hromada.core.errors import error_page
from hromada.core.http import HromadaRequest


def load_cycle(request: HttpRequest, **kwargs: Any) -> Cycle:
    try:
        return selectors.cycle_by_slug(kwargs["cycle"])
    except Cycle.DoesNotExist:
        raise Http404 from None


def load_project(request: HttpRequest, **kwargs: Any) -> Project:
    try:
        return selectors.project_for(kwargs["pk"])
    except Project.DoesNotExist:
        raise Http404 from None


def load_item(request: HttpRequest, **kwargs: Any) -> ImplementationItem:
    try:
        return ImplementationItem.objects.select_related("project", "project__cycle", "department").get(
            pk=kwargs["pk"])
    except ImplementationItem.DoesNotExist:
        raise Http404 from None


def load_community(request: HromadaRequest, **kwargs: Any) -> Any:
    return request.community


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return error_page(request, 403, _("Not allowed"), reason, code="forbidden")


def requires(perm: str, load: Callable[..., Any], *, methods: tuple[str, ...] = ("GET", "HEAD", "POST")) \
        -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Declare the permission a view needs on the object `load` returns; the view gets the object.

    A refused person sees why (the rule's message), an anonymous one is sent to sign in."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return error_page(request, 405, _("Not allowed"), _("This address does not accept this method."),
                                  code="method_not_allowed")
            obj = load(request, **kwargs)
            reason = budget_rules.refusal(perm, request.user, obj)
            if reason:
                return refused(request, reason)
            return view(request, obj)

        wrapper.permission_required = perm  # type: ignore[attr-defined]
        return wrapper

    return decorator


def domain_error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return error_page(request, error.status_code, _("This cannot be done"), str(error.detail), code=error.code)
