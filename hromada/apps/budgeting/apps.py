from __future__ import annotations

import math
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_staff_here(request) -> bool:
    return request.user.has_perm("budgeting.view_office", getattr(request, "community", None))


def _office_figures(request) -> list:
    """Projects waiting for a moderator and for a department's review (one statement)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from hromada.apps.budgeting.models import Project, ProjectStatus
    from hromada.core.ui import Figure

    counts = Project.objects.aggregate(
        moderation=Count("pk", filter=Q(status__in=[ProjectStatus.SUBMITTED, ProjectStatus.ON_MODERATION])),
        review=Count("pk", filter=Q(status__in=[ProjectStatus.PUBLISHED, ProjectStatus.UNDER_REVIEW])))
    url = reverse("budgeting:office")
    return [Figure(counts["moderation"], _("projects awaiting moderation"), url),
            Figure(counts["review"], _("projects awaiting review"), url)]
def _home_figures(request) -> list[Any]:
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext, ngettext

    from hromada.apps.budgeting import selectors
    from hromada.apps.budgeting.phases import PhaseKind
    from hromada.core.calendar import KYIV
    from hromada.core.ui import Figure

    phase = selectors.current_or_next_phase()
    if phase is None:
        return []
    now, href = timezone.now(), reverse("budgeting:cycle", args=[phase.cycle.slug])
    if phase.starts_at > now:  # nothing open now: when the next phase opens
        day = date_format(phase.starts_at.astimezone(KYIV), "SHORT_DATE_FORMAT")
        return [Figure(day, gettext("participatory budget: %(phase)s opens") % {"phase": phase.get_kind_display()},
                       url=href, link_text=_("About the budget cycle"))]
    days = max(1, math.ceil((phase.ends_at - now).total_seconds() / 86400))
    if phase.kind == PhaseKind.VOTING:
        return [Figure(days, ngettext("day left to vote for budget projects",
                                      "days left to vote for budget projects", days),
                       url=href, link_text=_("Vote for projects"))]
    label = ngettext("day left in the participatory budget phase: %(phase)s",
                     "days left in the participatory budget phase: %(phase)s", days) % {
        "phase": phase.get_kind_display()}
    return [Figure(days, label, url=href, link_text=_("About the budget cycle"))]


def _home_mine(request) -> Any:
    from django.urls import reverse
    from django.utils.translation import gettext

    from hromada.apps.budgeting import selectors
    from hromada.core.ui.home import MineGroup, MineItem

    items = [MineItem(title=gettext("Your ballot: %(cycle)s") % {"cycle": ballot.cycle.name},
                      href=reverse("budgeting:ballot", args=[ballot.cycle.slug]), status=_("Voted"), colour="green",
                      meta=_("You may change your vote while the voting lasts."), user_text=False)
             for ballot in selectors.ballots_in_open_votes_of(request.user)]
    items += [MineItem(title=project.title, href=reverse("budgeting:project", args=[project.pk]),
                       status=project.get_status_display(), colour="blue", meta=project.cycle.name)
              for project in selectors.projects_under_way_of(request.user)]
    return MineGroup(_("Your participatory budget"), items, href=reverse("budgeting:mine"),
                     link_text=_("All your projects and votes"))


def _search_hit(project) -> Any:
    from django.template.defaultfilters import truncatechars
    from django.urls import reverse

    from hromada.core.ui.home import Hit

    return Hit(title=project.title, href=reverse("budgeting:project", args=[project.pk]),
               meta=f"{project.cycle.name} · № {project.number} · {project.get_status_display()}",
               text=truncatechars(project.description, 240))


class BudgetingConfig(AppConfig):
    name = "hromada.apps.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budget")

    def ready(self) -> None:
        from hromada.apps.budgeting import (
            edge,
            rules,  # noqa: F401 - registers the permissions
            selectors,
            tasks,  # noqa: F401 - imports the tasks
        )
        from hromada.core.ui import Section, cabinet_sections, office_sections, public_sections
        from hromada.core.ui.home import Searcher, home_figures, home_mine, searchers

        cabinet_sections.register(Section(
            key="budgeting", title=_("Participatory budget"),
            description=_("Propose a project, vote for the ones you like, and follow how the winners are built."),
            url_name="budgeting:index",
        ))
        public_sections.register(Section(
            key="budgeting", position=30, title=_("Participatory budget"), url_name="budgeting:index",
            description=_("See the projects residents proposed, vote for the ones you like and follow how "
                          "the winners are built."),
        ))
        home_figures.register("budgeting", _home_figures, position=30)
        home_mine.register("budgeting", _home_mine, position=30)
        searchers.register(Searcher(key="budgeting", position=30, title=_("Budget projects"),
                                    find=selectors.search_public, hit=_search_hit))
        office_sections.register(Section(
            key="budgeting", title=_("Participatory budget"),
            description=_("Moderate and review projects, decide appeals, enter paper ballots, count the votes "
                          "and report on the implementation."),
            url_name="budgeting:office", visible=_is_staff_here, figures=_office_figures,
        ))
        edge.register()  # the ballot POST of the voting day, answered before Django's stack
