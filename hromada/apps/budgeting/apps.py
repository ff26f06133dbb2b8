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


class BudgetingConfig(AppConfig):
    name = "hromada.apps.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budget")

    def ready(self) -> None:
        from hromada.apps.budgeting import (
            edge,
            rules,  # noqa: F401 - registers the permissions
            tasks,  # noqa: F401 - imports the tasks
        )
        from hromada.core.ui import Section, cabinet_sections, office_sections

        cabinet_sections.register(Section(
            key="budgeting", title=_("Participatory budget"),
            description=_("Propose a project, vote for the ones you like, and follow how the winners are built."),
            url_name="budgeting:index",
        ))
        office_sections.register(Section(
            key="budgeting", title=_("Participatory budget"),
            description=_("Moderate and review projects, decide appeals, enter paper ballots, count the votes "
                          "and report on the implementation."),
            url_name="budgeting:office", visible=_is_staff_here, figures=_office_figures,
        ))
        edge.register()  # the ballot POST of the voting day, answered before Django's stack
