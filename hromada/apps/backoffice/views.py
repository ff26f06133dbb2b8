"""The officials' back office: each module adds its section through `hromada.core.ui.office_sections`."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hromada.apps.accounts import actions
from hromada.apps.accounts.forms import InPersonVerificationForm
from hromada.apps.accounts.models import StaffRole, User
from hromada.core.http import SignedInRequest
from hromada.core.permissions import permission_required
from hromada.core.ui import Figure, office_sections


@permission_required("backoffice.enter")
def home(request: SignedInRequest) -> HttpResponse:
    """The official's roles, their work areas as cards with what awaits them, and the figures their roles
    control as tiles (each section contributes its own through `Section.figures`)."""
    roles = StaffRole.objects.filter(user=request.user.pk).select_related("department")
    areas: list[dict[str, Any]] = []
    figures: list[Figure] = []
    for section in office_sections.public(request):
        given = section.figures(request) if section.figures is not None else []
        areas.append({"section": section, "url": section.url(), "first": given[0] if given else None})
        figures.extend(given)
    return render(request, "backoffice/home.html", {"roles": roles, "areas": areas, "figures": figures})


@permission_required("accounts.verify_in_person")
def verify_identity(request: SignedInRequest) -> HttpResponse:
    """CNAP desk: the operator has seen the resident's documents and verifies the account."""
    community = request.community
    form = InPersonVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = User.objects.filter(email__iexact=data["email"].strip()).first()
        if person is None:
            form.add_error("email", _("There is no account with this e-mail. Ask the resident to register first."))
        else:
            try:
                actions.user_verify_in_person(
                    user=person, operator=request.user, community=community,
                    tax_number=data["tax_number"], full_name=data["full_name"],
                    birth_date=data["birth_date"], document=data["document"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The account of %(name)s is now verified.") % {"name": data["full_name"]})
                return redirect("backoffice:verify_identity")
    return render(request, "backoffice/verify_identity.html", {"form": form}, status=400 if form.errors else 200)
