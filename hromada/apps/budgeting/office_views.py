"""Back office of the participatory budget: moderation, review, appeals, paper ballots, tally, implementation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hromada.apps.budgeting import actions, rules, selectors
from hromada.apps.budgeting import results as budget_results
from hromada.apps.budgeting.forms import (
    AppealDecisionForm,
    AssignForm,
    CategoryForm,
    CycleForm,
    ImplementationForm,
    MilestoneForm,
    PaperBallotForm,
    PhaseDatesForm,
    ReasonForm,
    ReviewForm,
    TaxpayerFileForm,
)
from hromada.apps.budgeting.http import (
    domain_error_page,
    load_community,
    load_cycle,
    load_item,
    load_project,
    refused,
    requires,
)
from hromada.apps.budgeting.models import (
    Comment,
    Cycle,
    ImplementationItem,
    Milestone,
    Project,
    ProjectStatus,
    Taxpayer,
)
from hromada.core.api.errors import DomainError
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.errors import error_page


@requires("budgeting.view_office", load_community, methods=("GET", "HEAD"))
def office(request: HttpRequest, community: Any) -> HttpResponse:
    queues = selectors.office_queues(request.user, community)
    context = {
        "queues": {name: list(qs[:50]) for name, qs in queues.items()},
        "cycles": selectors.cycles()[:10],
        "comments": selectors.pending_comments()[:50]
        if request.user.has_perm("budgeting.moderate_comment", community) else None,
        "is_admin": request.user.has_perm("budgeting.manage_cycle", community),
        "is_operator": bool(rules.is_operator(request.user, community)),
    }
    return render(request, "budgeting/office/home.html", context)


# --- one project: every staff decision has its own permission, declared in this table ----------

def _moderate(decision: str) -> Callable[[HttpRequest, Project], str]:
    def handle(request: HttpRequest, project: Project) -> str:
        form = ReasonForm(request.POST)
        form.is_valid()
        actions.project_moderate(project=project, by=request.user, decision=decision,
                                 reason=form.cleaned_data.get("reason", ""))
        return str(_("Done: the project is now “%(status)s”.")) % {"status": _status_label(project)}

    return handle


def _status_label(project: Project) -> str:
    project.refresh_from_db(fields=["status"])
    return str(project.get_status_display())


def _assign(request: HttpRequest, project: Project) -> str:
    form = AssignForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose the department responsible for the review."), code="required",
                          field="department")
    actions.project_send_to_review(project=project, by=request.user, department=form.cleaned_data["department"])
    return str(_("Sent to the department."))


def _review(request: HttpRequest, project: Project) -> str:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose a conclusion."), code="required", field="conclusion")
    data = form.cleaned_data
    actions.project_review(project=project, by=request.user, conclusion=data["conclusion"], reason=data["reason"],
                           changed_cost=data["changed_cost"] or None)
    return str(_("The conclusion is published."))


def _decide_appeal(request: HttpRequest, project: Project) -> str:
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose the decision and give the reasons."), code="required", field="reason")
    actions.appeal_decide(project=project, by=request.user, upheld=form.cleaned_data["upheld"],
                          reason=form.cleaned_data["reason"])
    return str(_("The decision on the appeal is published."))


def _start_implementation(request: HttpRequest, project: Project) -> str:
    form = AssignForm(request.POST)
    department = form.cleaned_data["department"] if form.is_valid() else None
    actions.implementation_start(project=project, by=request.user, department=department)
    return str(_("The implementation has started."))


PROJECT_ACTIONS: dict[str, tuple[str, Callable[[HttpRequest, Project], str]]] = {
    "take": ("budgeting.moderate_project", _moderate("take")),
    "publish": ("budgeting.moderate_project", _moderate("publish")),
    "return": ("budgeting.moderate_project", _moderate("return")),
    "reject": ("budgeting.moderate_project", _moderate("reject")),
    "assign": ("budgeting.assign_project", _assign),
    "review": ("budgeting.review_project", _review),
    "decide_appeal": ("budgeting.decide_appeal", _decide_appeal),
    "start_implementation": ("budgeting.start_implementation", _start_implementation),
}


@requires("budgeting.view_office", load_project)
def office_project(request: HttpRequest, project: Project) -> HttpResponse:
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in PROJECT_ACTIONS:
            return error_page(request, 400, _("Bad request"), _("Unknown action."), code="bad_action")
        perm, handle = PROJECT_ACTIONS[name]
        reason = rules.refusal(perm, request.user, project)
        if reason:
            return refused(request, reason)
        try:
            message = handle(request, project)
        except DomainError as error:
            if error.status_code == 403:
                return domain_error_page(request, error)
            messages.error(request, str(error.detail))
        else:
            messages.success(request, message)
        return redirect("budgeting:office_project", pk=project.pk)
    user = request.user
    allowed = {name for name, (perm, _h) in PROJECT_ACTIONS.items() if user.has_perm(perm, project)}
    context = {
        "project": project, "allowed": allowed, "items": project.cost_items.all(),
        "events": selectors.timeline(project), "reviews": project.reviews.select_related("department", "reviewer"),
        "appeal": selectors.appeal_of(project),
        "assign_form": AssignForm(initial={"department": project.department_id}), "review_form": ReviewForm(),
        "reason_form": ReasonForm(), "appeal_form": AppealDecisionForm(), "status": ProjectStatus,
    }
    return render(request, "budgeting/office/project.html", context)


# --- a cycle: ballot, tally, implementation --------------------------------------------------

CYCLE_ACTIONS: dict[str, str] = {
    "prepare_ballot": "budgeting.prepare_ballot",
    "tally": "budgeting.tally_cycle",
    "start_implementation": "budgeting.start_implementation",
}


@requires("budgeting.view_office", load_cycle)
def office_cycle(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in CYCLE_ACTIONS:
            return error_page(request, 400, _("Bad request"), _("Unknown action."), code="bad_action")
        reason = rules.refusal(CYCLE_ACTIONS[name], request.user, cycle)
        if reason:
            return refused(request, reason)
        try:
            if name == "prepare_ballot":
                added = actions.cycle_prepare_ballot(cycle=cycle, by=request.user)
                messages.success(request, _("%(n)d projects were put on the ballot.") % {"n": added})
            elif name == "tally":
                run = budget_results.tally_start(cycle=cycle, by=request.user,
                                                 background=request.POST.get("background") == "1")
                if run.status == "failed":
                    messages.error(request, _("Counting failed; nothing was published: %(reason)s")
                                   % {"reason": run.message})
                else:
                    messages.success(request, _("The votes are counted and the results published.")
                                     if run.status == "done" else _("Counting has started; this page shows progress."))
            else:
                started = actions.cycle_start_implementation(cycle=cycle, by=request.user)
                messages.success(request, _("%(n)d winning projects are now being implemented.") % {"n": started})
        except DomainError as error:
            if error.status_code == 403:
                return domain_error_page(request, error)
            messages.error(request, str(error.detail))
        return redirect("budgeting:office_cycle", cycle=cycle.slug)
    user = request.user
    context = {
        "cycle": cycle, "timeline": selectors.phase_timeline(cycle), "turnout": selectors.turnout(cycle),
        "allowed": {name for name, perm in CYCLE_ACTIONS.items() if user.has_perm(perm, cycle)},
        "can_enter_paper": user.has_perm("budgeting.enter_paper_ballot", cycle),
        "can_manage": user.has_perm("budgeting.manage_cycle", cycle),
        "run": selectors.latest_run(cycle),
        "counts": [{**row, "label": ProjectStatus(row["status"]).label}
                   for row in cycle.projects.values("status").annotate(n=Count("pk")).order_by("status")],
    }
    return render(request, "budgeting/office/cycle.html", context)


@requires("budgeting.enter_paper_ballot", load_cycle)
def paper_ballot(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    form = PaperBallotForm(request.POST or None)
    layout = selectors.ballot_layout(cycle)
    chosen: dict[int, int] = {}
    if request.method == "POST":
        from hromada.apps.budgeting.views import _posted_choices

        try:
            choices = _posted_choices(request, cycle)
            chosen = {c.project_id: c.points for c in choices}
        except DomainError as error:
            form.add_error(None, str(error.detail))
            choices = []
        if form.is_valid() and not form.errors:
            data = form.cleaned_data
            district = request.POST.get("district") or ""
            try:
                ballot = actions.paper_ballot_enter(
                    cycle=cycle, operator=request.user, tax_number=data["tax_number"], birth_date=data["birth_date"],
                    resident_confirmed=data["resident_confirmed"], choices=choices, channel=data["channel"],
                    account_email=data["account_email"] or "",
                    district_id=int(district) if district.isdigit() else None)
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, str(error.detail))
            else:
                messages.success(request, _("The ballot is entered (voter id %(id)s).") % {"id": ballot.public_id})
                return redirect("budgeting:office_paper", cycle=cycle.slug)
    context = {"cycle": cycle, "form": form, "layout": layout, "chosen": chosen,
               "districts": [row.category.district for row in layout if row.category.district_id]}
    return render(request, "budgeting/office/paper.html", context, status=400 if form.errors else 200)


@requires("budgeting.moderate_comment", load_community)
def comments(request: HttpRequest, community: Any) -> HttpResponse:
    if request.method == "POST":
        comment = get_object_or_404(Comment.objects.select_related("project", "project__cycle"),
                                    pk=request.POST.get("comment") or 0)
        try:
            actions.comment_moderate(comment=comment, by=request.user, publish=request.POST.get("publish") == "1",
                                     note=request.POST.get("note", ""))
        except DomainError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Comment moderated."))
        return redirect("budgeting:office_comments")
    page = Paginator(selectors.pending_comments(), 50).get_page(request.GET.get("page"))
    return render(request, "budgeting/office/comments.html", {"page": page})


@body_limit(files_limit(actions.MAX_PHOTOS, actions.MAX_PHOTO_BYTES))
@requires("budgeting.update_implementation", load_item)
def implementation_item(request: HttpRequest, item: ImplementationItem) -> HttpResponse:
    form = ImplementationForm(request.POST or None, request.FILES or None,
                              initial={"progress": item.progress, "spent": item.spent, "note": item.note})
    milestone_form = MilestoneForm(prefix="m")
    if request.method == "POST":
        what = request.POST.get("action", "update")
        try:
            if what == "milestone":
                milestone_form = MilestoneForm(request.POST, prefix="m")
                if milestone_form.is_valid():
                    actions.milestone_add(item=item, by=request.user, title=milestone_form.cleaned_data["title"],
                                          due_date=milestone_form.cleaned_data["due_date"])
                    messages.success(request, _("Milestone added."))
                    return redirect("budgeting:office_implementation", pk=item.pk)
            elif what == "reach":
                milestone = get_object_or_404(Milestone, item=item, pk=request.POST.get("milestone") or 0)
                actions.milestone_reach(milestone=milestone, by=request.user)
                messages.success(request, _("Milestone reached."))
                return redirect("budgeting:office_implementation", pk=item.pk)
            elif form.is_valid():
                actions.implementation_update(item=item, by=request.user, progress=form.cleaned_data["progress"],
                                              spent=form.cleaned_data["spent"], note=form.cleaned_data["note"],
                                              photos=form.cleaned_data["photos"])
                messages.success(request, _("Progress saved and published."))
                return redirect("budgeting:office_implementation", pk=item.pk)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.detail))
    context = {"item": item, "form": form, "milestone_form": milestone_form,
               "milestones": item.milestones.all()}
    status = 400 if form.errors or milestone_form.errors else 200
    return render(request, "budgeting/office/implementation.html", context, status=status)


# --- configuration by community admins ----------------------------------------------------------

def _phase_initial(cycle: Cycle | None) -> dict[str, Any]:
    if cycle is None:
        return {}
    from django.utils import timezone

    from hromada.apps.budgeting import phases

    initial = {}
    for phase in phases.phases_of(cycle):
        initial[f"{phase.kind}_start"] = timezone.localtime(phase.starts_at).strftime("%Y-%m-%dT%H:%M")
        initial[f"{phase.kind}_end"] = timezone.localtime(phase.ends_at).strftime("%Y-%m-%dT%H:%M")
    return initial


@requires("budgeting.manage_cycle", load_community)
def cycle_new(request: HttpRequest, community: Any) -> HttpResponse:
    form = CycleForm(request.POST or None)
    dates = PhaseDatesForm(request.POST or None, prefix="phase")
    if request.method == "POST" and form.is_valid() and dates.is_valid():
        try:
            cycle = actions.cycle_create(community=community, by=request.user, phase_dates=dates.dates(),
                                         **form.cleaned_data)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.detail))
        else:
            messages.success(request, _("The cycle is created. Add its categories."))
            return redirect("budgeting:office_categories", cycle=cycle.slug)
    return render(request, "budgeting/office/cycle_form.html", {"form": form, "dates": dates},
                  status=400 if form.errors or dates.errors else 200)


@requires("budgeting.manage_cycle", load_cycle)
def cycle_phases(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    dates = PhaseDatesForm(request.POST or None, prefix="phase", initial=_phase_initial(cycle))
    if request.method == "POST" and dates.is_valid():
        try:
            actions.cycle_set_phases(cycle=cycle, by=request.user, phase_dates=dates.dates())
        except DomainError as error:
            dates.add_error(None, str(error.detail))
        else:
            messages.success(request, _("The dates of the phases are saved."))
            return redirect("budgeting:office_cycle", cycle=cycle.slug)
    return render(request, "budgeting/office/cycle_form.html", {"cycle": cycle, "dates": dates},
                  status=400 if dates.errors else 200)


@requires("budgeting.manage_cycle", load_cycle)
def categories(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.category_create(cycle=cycle, by=request.user, position=cycle.categories.count() + 1,
                                    **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.detail))
        else:
            messages.success(request, _("The category is added."))
            return redirect("budgeting:office_categories", cycle=cycle.slug)
    rows = cycle.categories.select_related("district").order_by("position", "pk")
    return render(request, "budgeting/office/categories.html", {"cycle": cycle, "form": form, "rows": rows},
                  status=400 if form.errors else 200)


@body_limit(files_limit(1, actions.MAX_TAXPAYER_FILE_BYTES))
@requires("budgeting.import_taxpayers", load_community)
def taxpayers(request: HttpRequest, community: Any) -> HttpResponse:
    """The register of taxpayers: its size, and an import that replaces it from a CSV file of tax numbers."""
    form = TaxpayerFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = actions.taxpayers_import(community=community, by=request.user,
                                              content=upload.read(actions.MAX_TAXPAYER_FILE_BYTES + 1))
        except DomainError as error:
            form.add_error("file", str(error.detail))
        else:
            messages.success(request, _("The register of taxpayers is replaced: %(n)d taxpayers (%(rows)d lines "
                                        "with a tax number).") % {"n": result.taxpayers, "rows": result.rows})
            return redirect("budgeting:office_taxpayers")
    latest = Taxpayer.objects.order_by("-imported_at").values_list("imported_at", flat=True).first()
    context = {"form": form, "count": Taxpayer.objects.count(), "imported_at": latest}
    return render(request, "budgeting/office/taxpayers.html", context, status=400 if form.errors else 200)
