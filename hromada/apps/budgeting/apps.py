from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_staff_here(request) -> bool:
    return request.user.has_perm("budgeting.view_office", getattr(request, "community", None))


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
            url_name="budgeting:office", visible=_is_staff_here,
        ))
        edge.register()  # the ballot POST of the voting day, answered before Django's stack
