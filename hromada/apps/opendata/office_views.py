"""The back office of the catalogue: staff publish and update data sets by role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hromada.apps.opendata import actions, selectors
from hromada.apps.opendata.forms import DatasetForm, ResourceForm
from hromada.apps.opendata.models import ApiToken, Dataset, Publisher
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import SignedInRequest
from hromada.core.permissions import per_request, permission_required


def _publishers_for(request: SignedInRequest) -> QuerySet[Publisher]:
    """Admins publish for every publisher; executors for their department's publisher only."""
    actions.council_publisher(request.community)
    return selectors.publishers_for(request.user, request.community)


@per_request
def dataset_of(request: SignedInRequest, name: str, **_kwargs: Any) -> Dataset:
    return get_object_or_404(Dataset, name=name)


@permission_required("opendata.use_office")
def office(request: SignedInRequest) -> HttpResponse:
    publishers = _publishers_for(request)
    datasets = (Dataset.objects.filter(publisher__in=publishers).select_related("publisher")
                .annotate(resource_count=Count("resources")).order_by("identifier", "name"))
    return render(request, "opendata/office/index.html", {"datasets": datasets})


def _save_error(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@permission_required("opendata.use_office")
def dataset_new(request: SignedInRequest) -> HttpResponse:
    return _dataset_form(request, None)


@permission_required("opendata.use_office")
@permission_required("opendata.edit_dataset", fn=dataset_of)
def dataset_edit(request: SignedInRequest, name: str) -> HttpResponse:
    """A data set's passport; not for one the platform produces and updates itself."""
    return _dataset_form(request, dataset_of(request, name))


def _dataset_form(request: SignedInRequest, dataset: Dataset | None) -> HttpResponse:
    community = request.community
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
    return render(request, "opendata/office/dataset_form.html", {"form": form, "dataset": dataset},
                  status=400 if form.errors else 200)


@body_limit(lambda: files_limit(1, actions.max_upload_bytes()))
@permission_required("opendata.change_dataset", fn=dataset_of)
def resource_add(request: SignedInRequest, name: str) -> HttpResponse:
    dataset = dataset_of(request, name)
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
    return render(request, "opendata/office/resource_form.html",
                  {"form": form, "dataset": dataset, "max_size": filesizeformat(actions.max_upload_bytes())},
                  status=400 if form.errors else 200)


@login_required
@require_POST
@permission_required("opendata.manage_catalogue")
def refresh(request: SignedInRequest, name: str) -> HttpResponse:
    """Refresh a data set the platform produces (community admins)."""
    community = request.community
    dataset = get_object_or_404(Dataset, name=name)
    if dataset.platform_key:
        actions.platform_dataset_refresh(community=community, key=dataset.platform_key)
        messages.success(request, _("The data set is refreshed."))
    return redirect("opendata:office")


@permission_required("opendata.hold_api_token")
def api_token(request: SignedInRequest) -> HttpResponse:
    """The staff member's API token for the CKAN write actions (send it in the Authorization header)."""
    user = request.user
    key = None
    if request.method == "POST":
        key = actions.api_token_rotate(community=request.community, by=user)
        messages.success(request, _("A new API token is issued; the old one no longer works."))
    token = ApiToken.objects.filter(user=user).first()
    return render(request, "opendata/office/token.html", {"key": key, "token": token})
