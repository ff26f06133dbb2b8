"""Declaring the permission an API view needs, with rules: `permission_classes = [..., HasRule]`.

The view names the permission (`permission_required`) and, where it is about an object other than the
request's community, how to get it (`get_permission_object()`). A refusal answers 403 with the code
`forbidden` and the view's `permission_denied_message` (or the general one).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.request import Request


class HasRule(permissions.BasePermission):
    """Asks the view's `permission_required` about `view.get_permission_object()` (the community by
    default). A view without `permission_required` declares none here."""

    def has_permission(self, request: Request, view: Any) -> bool:
        perm = getattr(view, "permission_required", None)
        if perm is None:
            return True
        get_object = getattr(view, "get_permission_object", None)
        obj = get_object() if get_object is not None else getattr(request, "community", None)
        if request.user.has_perm(perm, obj):
            return True
        message = getattr(view, "permission_denied_message", None) or _("You do not have permission to do this.")
        raise exceptions.PermissionDenied(message, code="forbidden")
