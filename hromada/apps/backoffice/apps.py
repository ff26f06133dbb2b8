from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_verify_in_person(request) -> bool:
    return request.user.has_perm("accounts.verify_in_person", getattr(request, "community", None))


class BackofficeConfig(AppConfig):
    name = "hromada.apps.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from hromada.core.ui import Section, office_sections

        office_sections.register(Section(
            key="verify_identity", title=_("Verify a resident in person"),
            description=_("Raise a resident's account to a verified identity after checking their documents."),
            url_name="backoffice:verify_identity", visible=_can_verify_in_person,
        ))
