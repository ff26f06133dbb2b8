"""Back office for petitions: moderation queue, consideration and answer, anti-fraud, CNAP signing, rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hromada.apps.petitions import actions, selectors, workflow
from hromada.apps.petitions.forms import (
    AnswerForm,
    CategoryForm,
    InPersonSignatureForm,
    InvalidateForm,
    ModerationForm,
    PolicyForm,
    TrendingForm,
    add_domain_error,
)
from hromada.apps.petitions.models import Petition, PetitionCategory, PetitionEvent, PetitionPolicy
from hromada.core.api.errors import DomainError
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import SignedInRequest
from hromada.core.permissions import per_request, permission_required


@per_request
def office_petition_of(request: SignedInRequest, pk: int, **_kwargs: Any) -> Petition:
    """The petition `pk` of the community (with what the office pages show of it); 404 otherwise."""
    petition = Petition.objects.select_related("author", "community", "category").filter(pk=pk).first()
    if petition is None:
        raise Http404
    return petition


@permission_required("petitions.view_office")
def office_home(request: SignedInRequest) -> HttpResponse:
    queues = {name: Paginator(queryset, 50).get_page(request.GET.get(f"{name}_page"))
              for name, queryset in selectors.office_queues().items()}
    return render(request, "petitions/office/home.html", {
        **queues, "now": timezone.now(),
        "can_trending": request.user.has_perm("petitions.view_trending", request.community),
        "can_policy": request.user.has_perm("petitions.change_policy", request.community),
    })


def _manage_context(request: SignedInRequest, petition: Petition, **forms: Any) -> dict[str, Any]:
    user = request.user
    names = {t.name for t in workflow.WORKFLOW.available(petition, user)}
    return {
        "petition": petition, "now": timezone.now(),
        "events": PetitionEvent.objects.filter(petition=petition).select_related("actor"),
        "invalidations": petition.invalidations.select_related("by"),
        "can_moderate": "publish" in names, "can_start": "start_consideration" in names,
        "can_answer": "answer" in names, "can_archive": "archive" in names,
        "can_invalidate": user.has_perm("petitions.invalidate_signatures", petition),
        "can_sign_in_person": user.has_perm("petitions.sign_in_person", petition) and petition.is_signable(),
        "moderation_form": forms.get("moderation_form") or ModerationForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "invalidate_form": forms.get("invalidate_form") or InvalidateForm(initial={
            "ip": request.GET.get("ip", ""), "email_domain": request.GET.get("email_domain", "")}),
        "in_person_form": forms.get("in_person_form") or InPersonSignatureForm(),
    }


@permission_required("petitions.view_office", fn=office_petition_of)
def office_petition(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    return render(request, "petitions/office/petition.html", _manage_context(request, petition))


def _done(request: SignedInRequest, petition: Petition, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("petitions:office_petition", pk=petition.pk)


def _failed(request: SignedInRequest, petition: Petition, **forms: Any) -> HttpResponse:
    return render(request, "petitions/office/petition.html", _manage_context(request, petition, **forms),
                  status=400)


@require_POST
@permission_required("petitions.moderate_petition", fn=office_petition_of)
def office_moderate(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.petition_moderate(petition=petition, by=request.user, publish=data["decision"] == "publish",
                                      reason=data["reason"], note=data["note"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, petition, _("The petition is published.") if data["decision"] == "publish"
                         else _("The petition is rejected; the author is told the reason."))
    return _failed(request, petition, moderation_form=form)


@require_POST
@permission_required("petitions.answer_petition", fn=office_petition_of)
def office_start_consideration(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    try:
        actions.petition_start_consideration(petition=petition, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("petitions:office_petition", pk=pk)
    return _done(request, petition, _("Consideration started; signing is closed."))


@body_limit(files_limit(actions.MAX_DOCUMENTS, actions.MAX_DOCUMENT_BYTES))
@require_POST
@permission_required("petitions.answer_petition", fn=office_petition_of)
def office_answer(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.petition_answer(petition=petition, by=request.user, decision=data["decision"],
                                    text=data["text"], documents=[(f.name, f) for f in data["documents"]])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, petition, _("The official response is published."))
    return _failed(request, petition, answer_form=form)


@require_POST
@permission_required("petitions.archive_petition", fn=office_petition_of)
def office_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    try:
        actions.petition_archive(petition=petition, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("petitions:office_petition", pk=pk)
    return _done(request, petition, _("The petition is archived."))


@require_POST
@permission_required("petitions.invalidate_signatures", fn=office_petition_of)
def office_invalidate(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    form = InvalidateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            batch = actions.signatures_invalidate_batch(
                petition=petition, by=request.user, reason=data["reason"], ip=data["ip"] or None,
                email_domain=data["email_domain"] or None, signed_from=data["signed_from"],
                signed_to=data["signed_to"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, petition, _("%(n)s signatures invalidated; the count now is %(count)s.")
                         % {"n": batch.signature_count, "count": petition.signature_count})
    return _failed(request, petition, invalidate_form=form)


@require_POST
@permission_required("petitions.sign_in_person", fn=office_petition_of)
def office_sign_in_person(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = office_petition_of(request, pk)
    form = InPersonSignatureForm(request.POST)
    if form.is_valid():
        try:
            actions.petition_sign_in_person(petition=petition, operator=request.user,
                                            tax_number=form.cleaned_data["tax_number"],
                                            notify_on_answer=form.cleaned_data["notify"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, petition, _("The resident's signature is recorded."))
    return _failed(request, petition, in_person_form=form)


@permission_required("petitions.view_trending")
def office_trending(request: SignedInRequest) -> HttpResponse:
    form = TrendingForm(request.GET if "hours" in request.GET else None, initial={"hours": 24})
    hours = form.cleaned_data["hours"] if form.is_bound and form.is_valid() else 24
    report = selectors.trending(request.community, hours=hours)
    return render(request, "petitions/office/trending.html", {
        "form": form, "report": report, "hours": hours,
        "policy": PetitionPolicy.for_community(request.community)}, status=400 if form.errors else 200)


@permission_required("petitions.change_policy")
def office_policy(request: SignedInRequest) -> HttpResponse:
    community = request.community
    policy = PetitionPolicy.for_community(community)
    form = PolicyForm(request.POST if request.POST.get("form") == "policy" else None, instance=policy)
    category_form = CategoryForm(request.POST if request.POST.get("form") == "category" else None)
    if request.method == "POST":
        if request.POST.get("form") == "policy" and form.is_valid():
            actions.policy_update(community=community, by=request.user,
                                  changes={f: form.cleaned_data[f] for f in form.changed_data})
            messages.success(request, _("Petition rules saved."))
            return redirect("petitions:office_policy")
        if request.POST.get("form") == "category" and category_form.is_valid():
            try:
                actions.category_create(community=community, by=request.user, **category_form.cleaned_data)
            except DomainError as exc:
                add_domain_error(category_form, exc)
            else:
                messages.success(request, _("Category added."))
                return redirect("petitions:office_policy")
        policy.refresh_from_db()
    return render(request, "petitions/office/policy.html", {
        "form": form, "category_form": category_form, "categories": PetitionCategory.objects.order_by("name_uk"),
    }, status=400 if form.errors or category_form.errors else 200)
