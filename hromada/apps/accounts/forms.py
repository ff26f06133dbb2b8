from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hromada.core.notifications.services import notify
from hromada.core.text import PlainTextField

OFF = {"autocomplete": "off"}  # a field where staff type someone else's data (docs/decisions.md)


class RegistrationForm(forms.Form):
    full_name = PlainTextField(label=_("Full name"), max_length=200,
                               widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common or all-digit password."),
    )
    password_again = forms.CharField(label=_("Password again"), strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The passwords do not match."))
        return data


class SignInForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                 "autocomplete": "email"}))


class InPersonVerificationForm(forms.Form):
    # Typed by staff at the desk for the resident in front of them: the browser must not offer the staff's own.
    email = forms.EmailField(label=_("Resident's e-mail"), widget=forms.EmailInput(attrs=OFF))
    full_name = PlainTextField(label=_("Full name as in the document"), max_length=200,
                               widget=forms.TextInput(attrs=OFF))
    tax_number = forms.CharField(label=_("Tax number (RNOKPP)"), max_length=10, min_length=10)
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    # Only the kind of document is recorded (in the audit log); its number is personal data we do not keep.
    document = forms.ChoiceField(label=_("Identity document shown"), choices=[
        ("id_card", _("ID card")), ("passport", _("Passport of a citizen of Ukraine")),
        ("foreign_passport", _("Passport for travelling abroad")), ("residence_permit", _("Residence permit")),
    ])


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=32,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(label=_("Code from the SMS"), regex=r"^\s*\d{6}\s*$", max_length=8,
                            error_messages={"invalid": _("The code has six digits.")},
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset form; the e-mail goes through the outbox (retries, delivery log),
    in the account's own language."""

    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
                  from_email: str | None, to_email: str, html_email_template_name: str | None = None) -> None:
        user = context["user"]
        with translation.override(getattr(user, "preferred_language", "") or "uk"):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        notify(recipient=user, address=to_email, channel="email", kind="accounts.password_reset",
               subject=subject, body=body)
