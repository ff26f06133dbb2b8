from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_manage(request) -> bool:
    return request.user.has_perm("opendata.manage_catalogue", getattr(request, "community", None))


class OpenDataConfig(AppConfig):
    name = "hromada.apps.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from hromada.core.ui import Section, cabinet_sections, office_sections

        from . import rules  # noqa: F401  (registers the permissions)

        cabinet_sections.register(Section(
            key="opendata", title=_("Open data"), url_name="opendata:index",
            description=_("Data sets of the community: search, preview, download, CKAN API and DCAT-AP."),
        ))
        office_sections.register(Section(
            key="opendata", title=_("Open data"), url_name="opendata:office", visible=_can_manage,
            description=_("Publish and update data sets, upload resources, refresh platform data sets."),
        ))
