from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hromada.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from hromada.core.ui import Section, cabinet_sections

        # Placeholders the modules replace (same key) when they are installed.
        for key, title, description in [
            ("appeals", _("My appeals"), _("Report a problem or write to the council, and follow the answer.")),
            ("petitions", _("My petitions"), _("Start a petition or sign one.")),
            ("budgeting", _("Participatory budget"), _("Propose a project and vote for the ones you like.")),
            ("services", _("Administrative services"), _("Apply online and book a visit to the CNAP.")),
        ]:
            cabinet_sections.register(Section(key=key, title=title, description=description))
