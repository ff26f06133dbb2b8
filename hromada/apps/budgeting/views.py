"""Residents' pages of the participatory budget: cycles, projects, the ballot, results, implementation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.budgeting import actions, limits, phases, results, selectors, workflow
from hromada.apps.budgeting.forms import (
    AppealForm,
    CommentForm,
    CostItemFormSet,
    ProjectForm,
    cost_rows,
    show_domain_error,
)
from hromada.apps.budgeting.http import domain_error_page, load_cycle, load_project, requires
from hromada.apps.budgeting.models import (
    Ballot,
    Category,
    Cycle,
    Project,
    ProjectStatus,
    TallyStatus,
    VotingRule,
)
from hromada.core import charts
from hromada.core.api.errors import DomainError
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.errors import error_page
from hromada.core.inputs import bounded_int
from hromada.core.streaming import ScopedStreamingResponse

PAGE_SIZE = 30


def index(request: HttpRequest) -> HttpResponse:
    cycle = selectors.current_cycle()
    if cycle is not None and request.GET.get("all") is None:
        return redirect("budgeting:cycle", cycle=cycle.slug)
    page = Paginator(selectors.cycles(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "budgeting/index.html", {"page": page})


def cycle_detail(request: HttpRequest, cycle: str) -> HttpResponse:
    current = load_cycle(request, cycle=cycle)
    projects = selectors.public_projects(current)
    category_id = bounded_int(request.GET.get("category"))
    status = request.GET.get("status") or ""
    if category_id is not None:
        projects = projects.filter(category_id=category_id)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    query = (request.GET.get("q") or "").strip()
    if query:
        condition = Q(title__icontains=query) | Q(description__icontains=query)
        if query.isdigit():
            condition |= Q(number=int(query))
        projects = projects.filter(condition)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    categories = current.categories.select_related("district").order_by("position", "pk")
    voting = phases.phase(current, "voting")
    context = {
        "cycle": current,
        "project_count": selectors.public_projects(current).count(),
        "fund": sum((c.fund for c in categories), 0),
        "turnout": selectors.turnout(current) if voting is not None and voting.starts_at <= timezone.now() else None,
        "timeline": selectors.phase_timeline(current),
        "active": phases.active_phase(current),
        "categories": categories,
        "page": page,
        "filters": {"category": category_id, "status": status, "q": query},
        "statuses": [(s.value, s.label) for s in ProjectStatus if s.value not in
                     (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.ON_MODERATION)],
        "can_propose": user.has_perm("budgeting.propose_project", current),
        "can_vote": phases.is_on(current, "vote"),
        "has_results": selectors.result_run(current) is not None,
        "votes_public": results.votes_are_public(current),
        "has_implementation": current.projects.filter(status__in=[ProjectStatus.IMPLEMENTATION,
                                                                  ProjectStatus.IMPLEMENTED]).exists(),
    }
    return render(request, "budgeting/cycle.html", context)


@requires("budgeting.view_project", load_project, methods=("GET", "HEAD"))
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    user = request.user
    context = {
        "project": project,
        "cycle": project.cycle,
        "items": project.cost_items.all(),
        "photos": project.photos.all(),
        "events": selectors.timeline(project),
        "reviews": project.reviews.select_related("department").order_by("created_at"),
        "appeal": selectors.appeal_of(project),
        "comments": selectors.visible_comments(project, user),
        "comment_form": CommentForm() if user.has_perm("budgeting.comment_project", project) else None,
        "can_edit": user.has_perm("budgeting.change_project", project),
        "can_submit": project.status == ProjectStatus.DRAFT and user.has_perm("budgeting.submit_project", project),
        "can_withdraw": project.status in workflow.WITHDRAWABLE and user.has_perm("budgeting.withdraw_project",
                                                                                 project),
        "can_revise": project.status in workflow.TRANSITIONS["revise"].sources
        and user.has_perm("budgeting.revise_project", project),
        "can_appeal": project.status == ProjectStatus.NOT_FEASIBLE and selectors.appeal_of(project) is None
        and user.has_perm("budgeting.appeal_project", project),
        "can_moderate": user.has_perm("budgeting.view_office", project),
        "result": project.results.filter(run__status=TallyStatus.DONE).first() if project.is_public else None,
        "implementation": selectors.implementation_of(project),
    }
    return render(request, "budgeting/project.html", context)


def _project_form_page(request: HttpRequest, cycle: Cycle, project: Project | None, mode: str) -> HttpResponse:
    """The proposal form: create (mode "new"), edit a draft ("edit") or revise after review ("revise")."""
    initial: dict[str, Any] = {}
    initial_items: list[dict[str, Any]] = []
    if project is not None:
        initial = {"title": project.title, "description": project.description,
                   "beneficiaries": project.beneficiaries, "category": project.category_id,
                   "district": project.district_id,
                   "latitude": project.latitude if project.latitude is not None else "",
                   "longitude": project.longitude if project.longitude is not None else "",
                   "co_authors": ", ".join(project.co_authors.values_list("email", flat=True))}
        initial_items = [{"description": i.description, "unit": i.unit, "quantity": i.quantity.normalize(),
                          "unit_price": i.unit_price} for i in project.cost_items.all()]
    form = ProjectForm(request.POST or None, request.FILES or None, cycle=cycle, initial=initial)
    formset = CostItemFormSet(request.POST or None, prefix="items", initial=initial_items or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = actions.ProjectInput(
            title=form.cleaned_data["title"], description=form.cleaned_data["description"],
            beneficiaries=form.cleaned_data["beneficiaries"], category=form.cleaned_data["category"],
            district=form.cleaned_data["district"], latitude=form.cleaned_data["latitude"],
            longitude=form.cleaned_data["longitude"], cost_items=cost_rows(formset),
            co_author_emails=form.co_author_emails())
        photos = form.cleaned_data["photos"]
        try:
            if mode == "new":
                project = actions.project_create(cycle=cycle, author=request.user, data=data, photos=photos)
                messages.success(request, _("Your draft is saved. Check it and submit it for moderation."))
            elif mode == "edit":
                assert project is not None
                project = actions.project_update(project=project, by=request.user, data=data, photos=photos)
                messages.success(request, _("Changes saved."))
            else:
                assert project is not None
                project = actions.project_revise(project=project, by=request.user, data=data, photos=photos,
                                                 note=request.POST.get("note", ""))
                messages.success(request, _("The revised project is back with the department for review."))
        except DomainError as error:
            if error.status_code == 403:
                return domain_error_page(request, error)
            show_domain_error(error, form, formset)
        else:
            assert project is not None
            return redirect("budgeting:project", pk=project.pk)
    context = {"cycle": cycle, "project": project, "form": form, "formset": formset, "mode": mode}
    return render(request, "budgeting/project_form.html", context,
                  status=400 if (form.errors or formset.total_error_count()) else 200)


@body_limit(files_limit(actions.MAX_PHOTOS, actions.MAX_PHOTO_BYTES))
@requires("budgeting.propose_project", load_cycle)
def propose(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    return _project_form_page(request, cycle, None, "new")


@body_limit(files_limit(actions.MAX_PHOTOS, actions.MAX_PHOTO_BYTES))
@requires("budgeting.change_project", load_project)
def project_edit(request: HttpRequest, project: Project) -> HttpResponse:
    return _project_form_page(request, project.cycle, project, "edit")


@body_limit(files_limit(actions.MAX_PHOTOS, actions.MAX_PHOTO_BYTES))
@requires("budgeting.revise_project", load_project)
def project_revise(request: HttpRequest, project: Project) -> HttpResponse:
    if project.status not in workflow.TRANSITIONS["revise"].sources:
        return error_page(request, 409, _("This cannot be done"),
                          _("Only a project found not feasible, or feasible with a changed cost, can be revised."),
                          code="wrong_status")
    return _project_form_page(request, project.cycle, project, "revise")


def _post_and_back(request: HttpRequest, project: Project, do: Any, success: str) -> HttpResponse:
    try:
        do()
    except DomainError as error:
        if error.status_code == 403:
            return domain_error_page(request, error)
        messages.error(request, str(error.detail))
    else:
        messages.success(request, success)
    return redirect("budgeting:project", pk=project.pk)


@requires("budgeting.submit_project", load_project, methods=("POST",))
def project_submit(request: HttpRequest, project: Project) -> HttpResponse:
    return _post_and_back(request, project, lambda: actions.project_submit(project=project, by=request.user),
                          _("Submitted. A moderator will check the project and publish it."))


@requires("budgeting.withdraw_project", load_project, methods=("POST",))
def project_withdraw(request: HttpRequest, project: Project) -> HttpResponse:
    return _post_and_back(
        request, project,
        lambda: actions.project_withdraw(project=project, by=request.user, reason=request.POST.get("reason", "")),
        _("The project is withdrawn."))


@requires("budgeting.appeal_project", load_project)
def project_appeal(request: HttpRequest, project: Project) -> HttpResponse:
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.project_appeal(project=project, by=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            if error.status_code == 403:
                return domain_error_page(request, error)
            form.add_error(None, str(error.detail))
        else:
            messages.success(request, _("Your appeal is filed. The decision will be published on the project page."))
            return redirect("budgeting:project", pk=project.pk)
    return render(request, "budgeting/appeal.html", {"project": project, "form": form},
                  status=400 if form.errors else 200)


@requires("budgeting.comment_project", load_project, methods=("POST",))
def project_comment(request: HttpRequest, project: Project) -> HttpResponse:
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the comment first."))
        return redirect("budgeting:project", pk=project.pk)
    return _post_and_back(
        request, project, lambda: actions.comment_add(project=project, author=request.user,
                                                      text=form.cleaned_data["text"]),
        _("Thank you. Your comment will appear after a moderator checks it."))


# --- the ballot ------------------------------------------------------------------------------

def _posted_choices(request: HttpRequest, cycle: Cycle) -> list[actions.Choice]:
    """Approval: checked boxes named "project"; cumulative and ranking: numbers named "points-<id>"."""
    if cycle.voting_rule == VotingRule.APPROVAL:
        return actions.parse_choices(request.POST.getlist("project"))
    raw = []
    for key, value in request.POST.items():
        if key.startswith("points-") and isinstance(value, str) and value.strip():
            raw.append({"project": key.removeprefix("points-"), "points": value})
    return actions.parse_choices(raw)


def ballot(request: HttpRequest, cycle: str) -> HttpResponse:
    current = load_cycle(request, cycle=cycle)
    user = request.user
    refusal = selectors.eligibility(user, current)
    layout = selectors.ballot_layout(current)
    mine = selectors.ballot_of(current, user)
    chosen = {c.project_id: c.points for c in mine.choices.all()} if mine else {}
    error = None
    status = 200
    if request.method == "POST":
        if refusal:
            if not user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            return error_page(request, 403, _("Not allowed"), refusal, code="forbidden")
        try:
            limits.check_ballot(community=current.community, user_id=user.pk, meta=request.META)
            choices = _posted_choices(request, current)
            district = request.POST.get("district") or None
            outcome = actions.ballot_submit(cycle=current, voter=user, choices=choices,
                                            district_id=int(district) if district and district.isdigit() else None)
        except DomainError as exc:
            error, status = str(exc.detail), exc.status_code
            chosen = {}
            try:
                chosen = {c.project_id: c.points for c in _posted_choices(request, current)}
            except DomainError:
                pass
        else:
            messages.success(request, _("Your vote is counted. You can change it until voting closes.")
                             if outcome.created else _("Your ballot is changed. Only the new choices count."))
            return redirect("budgeting:ballot", cycle=current.slug)
    voting = phases.phase(current, "voting")
    on_ballot = {project.pk: project for row in layout for project in row.projects}
    picked = [pk for pk, points in chosen.items() if pk in on_ballot and points]
    context = {
        "cycle": current, "layout": layout, "voting": voting,
        "chosen_count": sum(chosen[pk] for pk in picked) if current.voting_rule == VotingRule.CUMULATIVE
        else len(picked),
        "chosen_cost": sum((on_ballot[pk].cost for pk in picked), 0),
        "refusal": refusal, "ballot": mine, "chosen": chosen, "error": error,
        "districts": [row.category.district for row in layout if row.category.district_id],
        "max_votes": current.effective_max_votes,
    }
    return render(request, "budgeting/ballot.html", context, status=status)


# --- results and open data -------------------------------------------------------------------

def results_page(request: HttpRequest, cycle: str) -> HttpResponse:
    current = load_cycle(request, cycle=cycle)
    run = selectors.result_run(current)
    context = {
        "cycle": current, "run": run, "latest": selectors.latest_run(current),
        "groups": [(group, _results_chart(group)) for group in selectors.results_by_category(run)] if run else [],
        "votes_public": results.votes_are_public(current),
        "categories": current.categories.order_by("position", "pk"),
        "turnout": selectors.turnout(current) if run else None,
    }
    return render(request, "budgeting/results.html", context)


def _results_chart(group: selectors.CategoryResults) -> charts.Chart:
    """Votes per project of one category, funded projects in their own colour; the page's table is its table."""
    name = group.category.name
    funded = sum(1 for row in group.rows if row.funded)
    return charts.bar_chart(
        chart_id=f"results-chart-{group.category.pk}",
        title=_("Votes per project: %(name)s") % {"name": name},
        description=_("%(projects)s projects, %(funded)s of them funded; the most votes: %(top)s.") % {
            "projects": len(group.rows), "funded": funded, "top": charts.label_number(group.max_votes)},
        categories=[f"№{row.project.number}. {row.project.title}" for row in group.rows],
        series=[charts.Series(_("Votes"), [row.votes for row in group.rows])],
        category_label=_("Project"), value_label=_("Votes"),
        highlight=[row.funded for row in group.rows], highlight_labels=(_("Funded"), _("Not funded")))


def _stream(chunks: Any, filename: str, content_type: str) -> ScopedStreamingResponse:
    return ScopedStreamingResponse(chunks, content_type=content_type, filename=filename)


def votes_csv(request: HttpRequest, cycle: str) -> HttpResponseBase:
    current = load_cycle(request, cycle=cycle)
    if not results.votes_are_public(current):
        return error_page(request, 404, _("Not published yet"),
                          _("The votes are published when voting is over."), code="not_published")
    return _stream(results.stream_votes_csv(current), f"{current.slug}-votes.csv", "text/csv; charset=utf-8")


def votes_pb(request: HttpRequest, cycle: str, category: int) -> HttpResponseBase:
    current = load_cycle(request, cycle=cycle)
    chosen = get_object_or_404(Category.objects.select_related("district", "cycle", "cycle__community"),
                               cycle=current, pk=category)
    if not results.votes_are_public(current):
        return error_page(request, 404, _("Not published yet"),
                          _("The votes are published when voting is over."), code="not_published")
    return _stream(results.stream_pb(chosen), f"{current.slug}-{chosen.pk}.pb", "text/plain; charset=utf-8")


def implementation_list(request: HttpRequest, cycle: str) -> HttpResponse:
    current = load_cycle(request, cycle=cycle)
    page = Paginator(selectors.implementation_items(current), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "budgeting/implementation.html", {"cycle": current, "page": page})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    projects = (Project.objects.filter(Q(author_id=user_id) | Q(co_authors__id=user_id)).distinct()
                .select_related("cycle", "category").order_by("-created_at"))
    ballots = Ballot.objects.filter(voter_id=user_id).select_related("cycle").order_by("-created_at")
    return render(request, "budgeting/mine.html", {"projects": projects, "ballots": ballots,
                                                   "cycle": selectors.current_cycle()})


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404
