from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "hromada.apps.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from hromada.apps.communities import signals  # noqa: F401
        from hromada.core.ui import Section, office_sections

        office_sections.register(Section(
            key="community_settings", title=_("Community settings"),
            description=_("Policy settings, departments and districts."),
            url_name="communities_office:settings",
            visible=lambda request: request.user.has_perm("communities.change_community",
                                                          getattr(request, "community", None)),
        ))
        office_sections.register(Section(
            key="community_staff", title=_("Staff and roles"),
            description=_("Appoint and remove operators, executors, controllers and moderators."),
            url_name="communities_office:staff",
            visible=lambda request: request.user.has_perm("accounts.manage_staff", getattr(request, "community", None)),
        ))
