from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_office(request) -> bool:
    return request.user.has_perm("appeals.use_office", getattr(request, "community", None))


class AppealsConfig(AppConfig):
    name = "hromada.apps.appeals"
    label = "appeals"
    verbose_name = _("Citizens' appeals")

    def ready(self) -> None:
        from hromada.apps.appeals.dashboard import office_figures
        from hromada.apps.appeals.open311.views import error_for_path
        from hromada.core.errors import register_standard_api_errors
        from hromada.core.ui import Section, cabinet_sections, office_sections

        register_standard_api_errors("open311/", error_for_path)

        cabinet_sections.register(Section(
            key="appeals", title=_("My appeals"), url_name="appeals:mine",
            description=_("Report a problem, make a proposal or a complaint and follow it to the answer."),
        ))
        office_sections.register(Section(
            key="appeals", title=_("Appeals"), url_name="appeals:office", visible=_can_use_office,
            figures=office_figures,
            description=_("Processing centre, triage, department queues, control of terms, Open311 keys."),
        ))
