"""Clubs for children: the public list and club pages, a parent's children and enrolments, the club's office.

A view parses the input, calls one action (actions/enrolment.py), renders.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hromada.apps.accounts.models import User
from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.models import Child, Club, ClubGroup, Enrolment, EnrolmentStatus
from hromada.apps.equeue.workflow import ENROLMENT
from hromada.core.api.errors import DomainError
from hromada.core.http import HromadaRequest, SignedInRequest

E = EnrolmentStatus
PAGE_SIZE = 20


# ---------------------------------------------------------------- the public list


class ClubFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name, district or street"), required=False, max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    age = forms.IntegerField(label=gettext_lazy("Child's age"), required=False, min_value=0, max_value=18)
    free = forms.BooleanField(label=gettext_lazy("Only with free places"), required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *((kind, kind) for kind in kinds)]  # type: ignore[attr-defined]


def open_groups() -> QuerySet[ClubGroup]:
    return ClubGroup.objects.filter(is_open=True)


def filter_clubs(*, q: str = "", kind: str = "", age: int | None = None, free: bool = False) -> QuerySet[Club]:
    clubs = Club.objects.filter(is_active=True)
    if kind:
        clubs = clubs.filter(kind=kind)
    for word in q.split()[:8]:  # every word in the name, the address (district, street) or the kind
        clubs = clubs.filter(Q(name_uk__icontains=word) | Q(name_en__icontains=word) | Q(address__icontains=word)
                             | Q(kind__icontains=word))
    groups = open_groups().filter(club=OuterRef("pk"))
    if age is not None:
        groups = groups.filter(age_min__lte=age, age_max__gte=age)
    if free:
        groups = groups.filter(enrolled__lt=F("capacity"))
    if age is not None or free:
        clubs = clubs.filter(Exists(groups))
    in_open = Q(groups__is_open=True)
    return clubs.annotate(group_count=Count("groups", filter=in_open),
                          places_left=Sum(F("groups__capacity") - F("groups__enrolled"), filter=in_open),
                          ).order_by("name_uk", "pk")


@require_GET
def club_list(request: HromadaRequest) -> HttpResponse:
    kinds = sorted(set(Club.objects.filter(is_active=True).values_list("kind", flat=True)))
    form = ClubFilterForm(request.GET or None, kinds=kinds)
    filters: dict[str, Any] = {}
    if request.GET and form.is_valid():
        filters = {name: value for name, value in form.cleaned_data.items() if value not in ("", None, False)}
    clubs = filter_clubs(**filters)
    page = Paginator(clubs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "equeue/clubs/list.html", {
        "form": form, "page": page, "filtered": bool(filters), "runs_clubs": office_clubs(request).exists(),
    }, status=400 if request.GET and form.errors else 200)


# ---------------------------------------------------------------- a club and enrolling


class ChildForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Child's full name"), max_length=200)
    birth_date = forms.DateField(label=gettext_lazy("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=gettext_lazy("For example 2018-03-27"))


def _children_of(request: HromadaRequest) -> QuerySet[Child]:
    if not request.user.is_authenticated:
        return Child.objects.none()
    return Child.objects.filter(parent=request.user).order_by("birth_date", "pk")


def _club(pk: int) -> Club:
    return get_object_or_404(Club, pk=pk, is_active=True)


def _render_club(request: HromadaRequest, club: Club, *, error: str = "", status: int = 200) -> HttpResponse:
    groups = [{"group": group, "places_left": max(group.capacity - group.enrolled, 0)}
              for group in club.groups.filter(is_open=True).order_by("age_min", "name")]
    return render(request, "equeue/clubs/detail.html", {
        "club": club, "groups": groups, "children": list(_children_of(request)), "error": error,
    }, status=status)


@require_GET
def club_detail(request: HromadaRequest, pk: int) -> HttpResponse:
    return _render_club(request, _club(pk))


@require_POST
@login_required
def enrol(request: SignedInRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(ClubGroup.objects.select_related("club"), pk=pk, club__is_active=True)
    child_id = request.POST.get("child", "")
    child = _children_of(request).filter(pk=int(child_id)).first() if child_id.isdigit() else None
    if child is None:
        if child_id.isdigit() and Child.objects.filter(pk=int(child_id)).exists():
            error = DomainError(_("You can enrol only your own children."), code="not_your_child", status_code=403)
        else:
            error = DomainError(_("Choose one of your children."), code="required", field="child")
        return _render_club(request, group.club, error=str(error.detail), status=error.status_code)
    try:
        enrolment = actions.enrol(group=group, child=child, parent=request.user)
    except DomainError as exc:
        return _render_club(request, group.club, error=str(exc.detail), status=exc.status_code)
    if enrolment.status == E.WAITING:
        messages.success(request, _("The group is full: %(child)s is on its waiting list. We will write to you "
                                    "when a place is free.") % {"child": child.full_name})
    else:
        messages.success(request, _("A place is held for %(child)s. The club will confirm the enrolment.")
                         % {"child": child.full_name})
    return HttpResponseRedirect(reverse("clubs:mine"), status=303)


# ---------------------------------------------------------------- the parent's pages


@login_required
def children(request: SignedInRequest) -> HttpResponse:
    form = ChildForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                child = actions.add_child(parent=request.user, community=request.community, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.detail))
            else:
                messages.success(request, _("%(child)s is added.") % {"child": child.full_name})
                target = request.POST.get("next", "")
                if not target.startswith("/") or target.startswith("//"):
                    target = reverse("clubs:children")
                return HttpResponseRedirect(target, status=303)
        status = 400
    return render(request, "equeue/clubs/children.html", {
        "form": form, "children": _children_of(request), "next": request.GET.get("next", ""),
    }, status=status)


def enrolments_of(user: User) -> QuerySet[Enrolment]:
    return (Enrolment.objects.filter(child__parent=user).select_related("child", "group__club")
            .order_by("-created_at", "-pk"))


@login_required
@require_GET
def my_enrolments(request: SignedInRequest) -> HttpResponse:
    return _render_mine(request)


def _render_mine(request: SignedInRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    page = Paginator(enrolments_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    lines = _waiting_positions([e for e in page.object_list if e.status == E.WAITING])
    rows = [{"enrolment": enrolment, "position": lines.get(enrolment.pk),
             "can_withdraw": enrolment.status in ENROLMENT["withdraw"].sources} for enrolment in page.object_list]
    return render(request, "equeue/clubs/mine.html", {"page": page, "rows": rows, "error": error}, status=status)


def _waiting_positions(enrolments: list[Enrolment]) -> dict[int, int]:
    """Each waiting enrolment's place in its group's line (1 = next)."""
    positions = {}
    for enrolment in enrolments:
        ahead = Enrolment.objects.filter(group_id=enrolment.group_id, status=E.WAITING).filter(
            Q(created_at__lt=enrolment.created_at) | Q(created_at=enrolment.created_at, pk__lt=enrolment.pk)).count()
        positions[enrolment.pk] = ahead + 1
    return positions


@require_POST
@login_required
def withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(enrolments_of(request.user), pk=pk)
    try:
        actions.withdraw(enrolment=enrolment, by=request.user)
    except DomainError as exc:
        return _render_mine(request, error=str(exc.detail), status=exc.status_code)
    messages.success(request, _("%(child)s is withdrawn from “%(group)s”.")
                         % {"child": enrolment.child.full_name, "group": enrolment.group.name})
    return HttpResponseRedirect(reverse("clubs:mine"), status=303)


# ---------------------------------------------------------------- the club's office


def office_clubs(request: HromadaRequest) -> QuerySet[Club]:
    """The clubs the person decides for: those they run, or every club for a community admin."""
    user = request.user
    if not user.is_authenticated:
        return Club.objects.none()
    if user.has_perm("equeue.manage_resources", request.community):
        return Club.objects.all()
    return Club.objects.filter(managers=user)


def _office_or_403(request: HromadaRequest) -> QuerySet[Club]:
    clubs = office_clubs(request)
    if not clubs.exists():
        raise PermissionDenied
    return clubs


@login_required
@require_GET
def office(request: SignedInRequest) -> HttpResponse:
    clubs = _office_or_403(request)
    groups = (ClubGroup.objects.filter(club__in=clubs).select_related("club").order_by("club__name_uk", "name")
              .annotate(requests=Count("enrolments", filter=Q(enrolments__status=E.REQUESTED)),
                        waiting=Count("enrolments", filter=Q(enrolments__status=E.WAITING))))
    return render(request, "equeue/clubs/office.html", {"groups": groups})


def _office_group(request: HromadaRequest, pk: int) -> ClubGroup:
    clubs = _office_or_403(request)
    group = ClubGroup.objects.select_related("club").filter(pk=pk).first()
    if group is None:
        raise Http404
    if not clubs.filter(pk=group.club_id).exists():
        raise PermissionDenied
    return group


@login_required
@require_GET
def office_group(request: SignedInRequest, pk: int) -> HttpResponse:
    return _render_office_group(request, _office_group(request, pk))


def _render_office_group(request: HromadaRequest, group: ClubGroup, *, error: str = "",
                         status: int = 200) -> HttpResponse:
    enrolments = Enrolment.objects.filter(group=group).select_related("child__parent").order_by("created_at", "pk")
    return render(request, "equeue/clubs/office_group.html", {
        "group": group,
        "requests": [e for e in enrolments if e.status == E.REQUESTED],
        "confirmed": [e for e in enrolments if e.status == E.CONFIRMED],
        "waiting": [e for e in enrolments if e.status == E.WAITING],
        "places_left": max(group.capacity - group.enrolled, 0), "error": error,
    }, status=status)


@require_POST
@login_required
def office_step(request: SignedInRequest, pk: int, step: str) -> HttpResponse:
    action = actions.OFFICE_STEPS.get(step)
    if action is None:
        raise Http404
    enrolment = get_object_or_404(Enrolment.objects.select_related("group__club", "child__parent"), pk=pk)
    _office_group(request, enrolment.group_id)
    try:
        if step == "decline":
            actions.decline(enrolment=enrolment, by=request.user, note=request.POST.get("note", ""))
        else:
            action(enrolment=enrolment, by=request.user)
    except DomainError as exc:
        return _render_office_group(request, enrolment.group, error=str(exc.detail), status=exc.status_code)
    messages.success(request, _("%(child)s: %(step)s.") % {"child": enrolment.child.full_name,
                                                           "step": enrolment.get_status_display()})
    return HttpResponseRedirect(reverse("clubs:office_group", args=[enrolment.group_id]), status=303)
