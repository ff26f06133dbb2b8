"""The officials' back office: each module adds its section through `hromada.core.ui.office_sections`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hromada.apps.accounts.models import StaffRole
from hromada.core.ui import office_sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("backoffice.enter", request.community):  # type: ignore[attr-defined]
        raise PermissionDenied
    roles = StaffRole.objects.filter(user=request.user).select_related("department")
    return render(request, "backoffice/home.html",
                  {"roles": roles, "sections": office_sections.public(request)})
