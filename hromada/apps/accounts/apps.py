from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hromada.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model, signals
        from django.db.models.signals import pre_save

        from hromada.apps.accounts import credentials, limits, sessions
        from hromada.core.ui import Section, cabinet_sections

        signals.user_login_failed.connect(limits.on_login_failed, dispatch_uid="accounts.sign_in_failed")
        signals.user_logged_in.connect(sessions.on_logged_in, dispatch_uid="accounts.session_record")
        signals.user_logged_out.connect(sessions.on_logged_out, dispatch_uid="accounts.session_forget")
        pre_save.connect(credentials.on_user_save, sender=get_user_model(), dispatch_uid="accounts.credentials")

        # Placeholders the modules replace (same key) when they are installed.
        for key, title, description in [
            ("appeals", _("My appeals"), _("Report a problem or write to the council, and follow the answer.")),
            ("petitions", _("My petitions"), _("Start a petition or sign one.")),
            ("budgeting", _("Participatory budget"), _("Propose a project and vote for the ones you like.")),
            ("services", _("Administrative services"), _("Apply online and book a visit to the CNAP.")),
        ]:
            cabinet_sections.register(Section(key=key, title=title, description=description))
