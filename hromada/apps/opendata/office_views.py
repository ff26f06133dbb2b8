"""The back office of the catalogue: staff publish and update data sets by role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hromada.apps.accounts.roles import staff_roles
from hromada.apps.opendata import actions
from hromada.apps.opendata.forms import DatasetForm, ResourceForm
from hromada.apps.opendata.models import ApiToken, Dataset, Publisher
from hromada.core.bodylimit import body_limit, files_limit


def _publishers_for(request: HttpRequest):
    """Admins publish for every publisher; executors for their department's publisher only."""
    community = request.community  # type: ignore[attr-defined]
    actions.council_publisher(community)
    if request.user.has_perm("opendata.manage_catalogue", community):
        return Publisher.objects.all()
    return Publisher.objects.filter(department_id__in=staff_roles(request.user, community).departments)


def _staff_only(request: HttpRequest) -> None:
    if not _publishers_for(request).exists():
        raise PermissionDenied(_("Only the community's open-data staff can do this."))


@login_required
def office(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    publishers = _publishers_for(request)
    datasets = (Dataset.objects.filter(publisher__in=publishers).select_related("publisher")
                .annotate(resource_count=Count("resources")).order_by("identifier", "name"))
    return render(request, "opendata/office/index.html", {"datasets": datasets})


def _save_error(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@login_required
def dataset_edit(request: HttpRequest, name: str | None = None) -> HttpResponse:
    _staff_only(request)
    community = request.community  # type: ignore[attr-defined]
    dataset = get_object_or_404(Dataset, name=name) if name else None
    if dataset is not None and not request.user.has_perm("opendata.change_dataset", dataset):
        raise PermissionDenied(_("You cannot change this data set."))
    if dataset is not None and dataset.platform_key:
        raise PermissionDenied(_("This data set is produced by the platform and updates itself."))
    publishers = _publishers_for(request)
    form = DatasetForm(request.POST or None, instance=dataset, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.dataset_save(
                community=community, by=request.user, fields=form.passport(), publisher=form.cleaned_data["publisher"],
                dataset=dataset, tags=form.keyword_list(), themes=list(form.cleaned_data["themes"]))
        except ValidationError as exc:
            _save_error(form, exc)
        else:
            messages.success(request, _("The data set is saved."))
            return redirect("opendata:office_dataset_edit", name=saved.name)
    return render(request, "opendata/office/dataset_form.html", {"form": form, "dataset": dataset})


@body_limit(lambda: files_limit(1, actions.max_upload_bytes()))
@login_required
def resource_add(request: HttpRequest, name: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset, name=name)
    if not request.user.has_perm("opendata.change_dataset", dataset):
        raise PermissionDenied(_("You cannot change this data set."))
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.resource_upload(dataset=dataset, by=request.user, fmt=form.cleaned_data["format"],
                                    upload=form.cleaned_data["upload"], name_uk=form.cleaned_data["name_uk"],
                                    name_en=form.cleaned_data["name_en"])
        except ValidationError as exc:
            _save_error(form, exc)
        else:
            messages.success(request, _("The file is published."))
            return redirect("opendata:office_dataset_edit", name=dataset.name)
    return render(request, "opendata/office/resource_form.html", {"form": form, "dataset": dataset})


@login_required
@require_POST
def refresh(request: HttpRequest, name: str) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    if not request.user.has_perm("opendata.manage_catalogue", community):
        raise PermissionDenied(_("Only a community admin can refresh platform data sets."))
    dataset = get_object_or_404(Dataset, name=name)
    if dataset.platform_key:
        actions.platform_dataset_refresh(community=community, key=dataset.platform_key)
        messages.success(request, _("The data set is refreshed."))
    return redirect("opendata:office")


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """The staff member's API token for the CKAN write actions (send it in the Authorization header)."""
    _staff_only(request)
    user: Any = request.user
    key = None
    if request.method == "POST":
        key = actions.api_token_rotate(community=request.community, by=user)  # type: ignore[attr-defined]
        messages.success(request, _("A new API token is issued; the old one no longer works."))
    token = ApiToken.objects.filter(user=user).first()
    return render(request, "opendata/office/token.html", {"key": key, "token": token})
