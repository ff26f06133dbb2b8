from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hromada.core.text import PlainTextField


class RegistrationForm(forms.Form):
    full_name = PlainTextField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common or all-digit password."),
    )
    password_again = forms.CharField(label=_("Password again"), strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The passwords do not match."))
        return data


class SignInForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                 "autocomplete": "email"}))


class InPersonVerificationForm(forms.Form):
    email = forms.EmailField(label=_("Resident's e-mail"))
    full_name = PlainTextField(label=_("Full name as in the document"), max_length=200)
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
