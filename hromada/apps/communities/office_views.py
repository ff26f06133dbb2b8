"""Community admins configure their community: settings, departments, districts, the address register."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hromada.apps.communities import actions, geocoding
from hromada.apps.communities.forms import (
    AddressImportForm,
    CommunitySettingsForm,
    DepartmentForm,
    DistrictForm,
    StaffAppointForm,
)
from hromada.apps.communities.models import Address, Department, District
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import SignedInRequest
from hromada.core.permissions import permission_required

ADMIN = "communities.change_community"
STAFF_MANAGER = "accounts.manage_staff"


@body_limit(files_limit(1, 10 * 1024 * 1024))  # the coat of arms
@permission_required(ADMIN)
def settings_edit(request: SignedInRequest) -> HttpResponse:
    community = request.community
    form = CommunitySettingsForm(request.POST or None, request.FILES or None, instance=community)
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            actions.community_update(community=community, changes=changes, by=request.user)
            messages.success(request, _("Community settings saved."))
            return redirect("communities_office:settings")
        community.refresh_from_db()
    return render(request, "communities/office/settings.html", {"form": form},
                  status=400 if form.errors else 200)


def _edit_list(request: SignedInRequest, model, form_class, title: str, kind: str, pk: int | None):
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            actions.community_save_unit(obj=form.save(commit=False), by=request.user, kind=kind)
        except IntegrityError:
            form.add_error("name_uk", _("This name is already used in the community."))
        else:
            messages.success(request, _("Saved."))
            return redirect(f"communities_office:{kind}s")
    page = Paginator(model.objects.order_by("name_uk"), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "editing": instance, "title": title,
               "edit_url_name": f"communities_office:{kind}"}
    return render(request, "communities/office/units.html", context, status=400 if form.errors else 200)


@permission_required(ADMIN)
def departments(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    return _edit_list(request, Department, DepartmentForm, _("Departments"), "department", pk)


@permission_required(ADMIN)
def districts(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    return _edit_list(request, District, DistrictForm, _("Districts"), "district", pk)


@body_limit(files_limit(1, actions.ADDRESS_IMPORT_MAX_BYTES))
@permission_required(ADMIN)
def addresses(request: SignedInRequest) -> HttpResponse:
    """The address register: search it, and load it from a CSV file (all rows or none)."""
    form = AddressImportForm(request.POST or None, request.FILES or None)
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = actions.addresses_import(
                community=request.community, data=upload.read(), by=request.user,
                replace=form.cleaned_data["replace"], file_name=upload.name or "")
        except ValidationError as error:
            import_errors = error.messages
        else:
            messages.success(request, _("Imported %(total)s addresses: %(created)s added, %(updated)s changed, "
                                        "%(deleted)s removed.") % vars(result))
            return redirect("communities_office:addresses")
    query = request.GET.get("q", "")[:100].strip()
    qs = Address.objects.select_related("district").order_by("street_key", "house_key")
    parsed = geocoding.parse_address(query) if query else None
    if parsed is not None:
        qs = qs.filter(street_key__startswith=parsed.street_key)
        if parsed.house_key:
            qs = qs.filter(house_key__startswith=parsed.house_key)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "communities/office/addresses.html",
                  {"form": form, "page": page, "q": query, "import_errors": import_errors,
                   "max_size": filesizeformat(actions.ADDRESS_IMPORT_MAX_BYTES)},
                  status=400 if form.errors or import_errors else 200)


@permission_required(STAFF_MANAGER)
def staff(request: SignedInRequest) -> HttpResponse:
    """The community's staff with their roles; appoint a person (an existing account) to a role."""
    from hromada.apps.accounts.models import StaffRole

    community = request.community
    form = StaffAppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointed = actions.staff_appoint(community=community, by=request.user, email=data["email"],
                                              role=data["role"], department=data["department"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(name)s is now %(role)s.") % {
                "name": appointed.user.full_name or appointed.user.email, "role": appointed.get_role_display()})
            return redirect("communities_office:staff")
    roles = (StaffRole.objects.select_related("user", "department")
             .order_by("user__full_name", "user__email", "role", "pk"))
    page = Paginator(roles, 50).get_page(request.GET.get("page"))
    return render(request, "communities/office/staff.html",
                  {"form": form, "page": page, "removable": actions.APPOINTABLE_ROLES},
                  status=400 if form.errors else 200)


@permission_required(STAFF_MANAGER)
def staff_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    from hromada.apps.accounts.models import StaffRole

    if request.method != "POST":
        return redirect("communities_office:staff")
    staff_role = get_object_or_404(StaffRole.objects.select_related("user"), pk=pk)
    try:
        actions.staff_remove(community=request.community, by=request.user, staff_role=staff_role)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s no longer holds the role %(role)s.") % {
            "name": staff_role.user.full_name or staff_role.user.email, "role": staff_role.get_role_display()})
    return redirect("communities_office:staff")
