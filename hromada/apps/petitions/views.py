"""Public petition pages and the resident's own: parse input, call one action, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hromada.apps.petitions import actions, edge, eligibility, ratelimit, selectors
from hromada.apps.petitions.forms import CoauthorForm, PetitionFilterForm, PetitionForm, add_domain_error
from hromada.apps.petitions.models import (
    Petition,
    PetitionCoauthor,
    PetitionEvent,
    PetitionPolicy,
    PetitionStatus,
    Signature,
)
from hromada.core import public_pages
from hromada.core.api.errors import DomainError
from hromada.core.http import HromadaRequest, SignedInRequest
from hromada.core.permissions import per_request, permission_required

PUBLIC_EVENT_KINDS = ("publish", "reach_threshold", "lose_threshold", "signatures_invalidated",
                      "start_consideration", "answer", "forward", "archive", "consideration_overdue")


def _wants_json(request: HromadaRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_json(exc: DomainError) -> JsonResponse:
    return JsonResponse(exc.envelope(), status=exc.status_code)


def _petition_in_request(request: HromadaRequest, pk: int) -> Petition | None:
    return selectors.petition_for_signing(pk, request.community)


PUBLIC_LIST_SECONDS = 10


@require_GET
def petition_list(request: HromadaRequest) -> HttpResponse:
    """Public petitions with filters. An anonymous visitor's page is kept PUBLIC_LIST_SECONDS
    (`hromada.core.public_pages`); a petition that changes state makes the kept pages stale at once,
    while the signature counts on the cards may lag by those seconds (the petition's page counts live)."""
    def context() -> dict[str, Any]:
        form = PetitionFilterForm(request.GET or None)
        filters = form.filters() if request.GET else {"sort": "newest"}
        queryset = selectors.filter_petitions(selectors.public_petitions(), **filters)
        page = Paginator(queryset, 20).get_page(request.GET.get("page"))
        return {"form": form, "page": page,
                "can_create": request.user.has_perm("petitions.create_petition", request.community)}

    return public_pages.cached_render(request, "petitions/list.html", context, namespace="petitions",
                                      seconds=PUBLIC_LIST_SECONDS)


def _share_links(request: HromadaRequest, petition: Petition) -> list[tuple[str, str]]:
    url = quote(request.build_absolute_uri(petition.get_absolute_url()), safe="")
    title = quote(petition.title, safe="")
    return [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("Telegram", f"https://t.me/share/url?url={url}&text={title}"),
        ("X", f"https://twitter.com/intent/tweet?url={url}&text={title}"),
        ("Viber", f"viber://forward?text={title}%20{url}"),
        (_("E-mail"), f"mailto:?subject={title}&body={url}"),
    ]


@require_GET
def petition_detail(request: HromadaRequest, pk: int) -> HttpResponse:
    petition = selectors.visible_petition(pk, request.user)
    user = request.user
    signature = selectors.active_signature_of(petition, user)
    policy = PetitionPolicy.for_community(petition.community)
    refusal = None
    if signature is None and petition.is_signable():
        problem = eligibility.refusal(user, petition, policy)
        refusal = str(problem.detail) if problem else None
    events = PetitionEvent.objects.filter(petition=petition).select_related("actor")
    is_insider = user.has_perm("petitions.moderate_petition", petition) or (
        getattr(user, "is_authenticated", False) and petition.author_id == user.pk)
    if not is_insider:
        events = events.filter(kind__in=PUBLIC_EVENT_KINDS)
    response = getattr(petition, "response", None) if petition.status in (
        PetitionStatus.ANSWERED, PetitionStatus.ARCHIVED) else None
    chart = selectors.signatures_by_day(petition) if petition.published_at else []
    return render(request, "petitions/detail.html", {
        "petition": petition, "signature": signature, "refusal": refusal, "events": events,
        "response": response, "documents": petition.documents.all() if response else [],
        "chart": selectors.signatures_chart(chart) if chart else None,
        "signatories": selectors.signatories_page(petition, request.GET.get("signatories")),
        "share_links": _share_links(request, petition),
        "can_edit": user.has_perm("petitions.change_petition", petition),
        "can_submit": user.has_perm("petitions.submit_petition", petition),
        "can_manage": user.has_perm("petitions.view_office", petition),
        "coauthors": petition.coauthors.select_related("person") if is_insider else [],
        "now": timezone.now(),
    })


@require_GET
def petition_count(request: HromadaRequest, pk: int) -> JsonResponse:
    """The cheap count endpoint: cached for a second, no session, one query at most."""
    payload = selectors.count_payload(request.community.pk, pk)
    if payload is None:
        return JsonResponse({"errors": [{"code": "not_found", "message": _("There is no such petition."),
                                         "field": None}]}, status=404)
    response = JsonResponse(payload)
    response["Cache-Control"] = "public, max-age=1"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _after_post(request: HromadaRequest, petition_pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("petitions:detail", args=[petition_pk]), status=303)


@require_POST
def petition_sign(request: HromadaRequest, pk: int) -> HttpResponse:
    """Sign (POST with CSRF). Answers JSON when asked for it, else redirects back with a message."""
    user = request.user
    if not user.is_authenticated:
        if _wants_json(request):
            return _error_json(DomainError(_("Sign in to sign the petition."), code="not_authenticated",
                                           status_code=401))
        return redirect(f"{reverse('accounts:login')}?next={reverse('petitions:detail', args=[pk])}")
    petition = _petition_in_request(request, pk)
    if petition is None:
        return _error_json(DomainError(_("There is no such petition."), code="not_found", status_code=404)) \
            if _wants_json(request) else _not_found(request)
    notify = request.POST.get("notify") == "1" if "form" in request.POST else True
    status, payload = edge.sign_json(petition=petition, person=user, ip=ratelimit.client_ip(request),
                                     notify_on_answer=notify)
    if _wants_json(request):
        return JsonResponse(payload, status=status)
    if status != 200:
        messages.error(request, payload["errors"][0]["message"])
    else:
        messages.success(request, _("Thank you: your signature is counted."))
    return _after_post(request, pk)


def _not_found(request: HromadaRequest) -> HttpResponse:
    from hromada.core.errors import handler404

    return handler404(request)


@require_POST
@login_required
def petition_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = _petition_in_request(request, pk)
    if petition is None:
        return _not_found(request)
    try:
        actions.petition_withdraw_signature(petition=petition, person=request.user)
    except DomainError as exc:
        if _wants_json(request):
            return _error_json(exc)
        messages.error(request, str(exc.detail))
        return _after_post(request, pk)
    if _wants_json(request):
        return JsonResponse({"signed": False, "count": petition.signature_count, "status": petition.status})
    messages.success(request, _("Your signature is withdrawn. You can sign again while signatures are collected."))
    return _after_post(request, pk)


@require_GET
def signatories(request: HromadaRequest, pk: int) -> HttpResponse:
    petition = selectors.visible_petition(pk, request.user)
    return render(request, "petitions/signatories.html", {
        "petition": petition, "page": selectors.signatories_page(petition, request.GET.get("page"), per_page=100)})


# ---------------------------------------------------------------- authoring


@login_required
@permission_required("petitions.create_petition", denied_template="petitions/need_verification.html")
def petition_create(request: SignedInRequest) -> HttpResponse:
    community = request.community
    form = PetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            petition = actions.petition_create(community=community, author=request.user,
                                               **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Check it and submit it for moderation."))
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/form.html", {"form": form, "petition": None},
                  status=400 if form.errors else 200)


@per_request
def visible_petition_of(request: HromadaRequest, pk: int, **_kwargs: Any) -> Petition:
    """The petition `pk` if the person may see it; 404 otherwise."""
    return selectors.visible_petition(pk, request.user)


@login_required
@permission_required("petitions.change_petition", fn=visible_petition_of)
def petition_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = visible_petition_of(request, pk)
    initial = {"title": petition.title, "text": petition.text, "category": petition.category}
    form = PetitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.petition_update(petition=petition, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("petitions:detail", pk=petition.pk)
    return _edit_page(request, petition, form, CoauthorForm())


def _edit_page(request: SignedInRequest, petition: Petition, form: PetitionForm,
               coauthor_form: CoauthorForm) -> HttpResponse:
    """The draft's page: its form and the co-author invitation; 400 when either shows errors."""
    coauthors = petition.coauthors.select_related("person")
    return render(request, "petitions/form.html", {
        "form": form, "petition": petition, "coauthor_form": coauthor_form, "coauthors": coauthors,
        "coauthors_required": PetitionPolicy.for_community(petition.community).coauthors_required,
    }, status=400 if form.errors or coauthor_form.errors else 200)


@require_POST
@login_required
def petition_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = selectors.visible_petition(pk, request.user)
    try:
        actions.petition_submit(petition=petition, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Submitted. A moderator will publish the petition or explain the refusal "
                                    "within the moderation term."))
    return _after_post(request, pk)


@require_POST
@login_required
def coauthor_invite(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = selectors.visible_petition(pk, request.user)
    form = CoauthorForm(request.POST)
    if form.is_valid():
        try:
            actions.petition_invite_coauthor(petition=petition, by=request.user,
                                             email=form.cleaned_data["email"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("petitions:edit", pk=pk)
    # The draft's page again, with the address and what is wrong with it (400).
    initial = {"title": petition.title, "text": petition.text, "category": petition.category}
    return _edit_page(request, petition, PetitionForm(initial=initial), form)


@require_POST
@login_required
def coauthor_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = _petition_in_request(request, pk)
    if petition is None:
        return _not_found(request)
    try:
        actions.petition_confirm_coauthor(petition=petition, person=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("You are a co-author of this petition now."))
    return redirect("petitions:mine")


@login_required
def my_petitions(request: SignedInRequest) -> HttpResponse:
    """The cabinet section: petitions I wrote, invitations to co-author, petitions I signed."""
    user = request.user
    authored = Paginator(Petition.objects.filter(author=user).order_by("-created_at"),
                         20).get_page(request.GET.get("authored_page"))
    invitations = (PetitionCoauthor.objects.filter(person=user, confirmed_at__isnull=True,
                                                   petition__status=PetitionStatus.DRAFT)
                   .select_related("petition", "petition__author"))
    signed = Paginator(Signature.objects.filter(person=user, withdrawn_at__isnull=True)
                       .select_related("petition").order_by("-signed_at"), 20).get_page(request.GET.get("page"))
    return render(request, "petitions/mine.html", {
        "authored": authored, "invitations": invitations, "signed": signed,
        "can_create": user.has_perm("petitions.create_petition", request.community),
    })
