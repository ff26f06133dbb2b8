import json
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hromada.apps.communities.models import Community, Department, District
from hromada.core.geo import validate_area
from hromada.core.text import PlainTextField

# The community's and its departments' contacts and other accounts' e-mails, typed by staff: the browser
# must not offer the staff member's own (docs/decisions.md).
OFF = {"autocomplete": "off"}


class CommunitySettingsForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Community
        fields = [
            "name_uk", "name_en", "kind", "coat_of_arms", "edrpou", "email", "phone", "address", "website",
            "martial_law_mode", "petition_threshold", "petition_period_days", "petition_min_age",
            "budget_max_votes", "budget_min_age", "appeal_short_term_days", "appeal_term_days",
            "appeal_max_term_days", "appeal_rate_per_hour", "ballot_rate_per_address", "open311_rate_per_hour",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "phone", "address"):
            self.fields[name].widget.attrs.update(OFF)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        short, term, longest = (data.get(k) for k in ("appeal_short_term_days", "appeal_term_days",
                                                      "appeal_max_term_days"))
        if short and term and longest and not short <= term <= longest:
            raise ValidationError(_("Appeal terms must satisfy: without study ≤ usual term ≤ maximum term."))
        return data


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name_uk", "name_en", "code", "email", "phone"]
        widgets = {"email": forms.EmailInput(attrs=OFF), "phone": forms.TextInput(attrs=OFF)}


class DistrictForm(forms.ModelForm):
    boundary = forms.CharField(
        label=_("Boundary (GeoJSON Polygon or MultiPolygon)"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_('For example {"type": "Polygon", "coordinates": [[[30.1, 49.8], …]]}'),
    )

    class Meta:
        model = District
        fields = ["name_uk", "name_en", "code", "boundary"]

    def clean_boundary(self):
        raw = self.cleaned_data["boundary"]
        value: Any
        if isinstance(raw, dict):
            value = raw
        else:
            try:
                value = json.loads(raw)
            except ValueError as exc:
                raise ValidationError(_("This is not valid JSON.")) from exc
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        validate_area(value)
        return value


class AddressImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: street, house, latitude, longitude and optionally district (its name or code); "
                    "UTF-8, separated by commas or semicolons."))
    replace = forms.BooleanField(label=_("Remove addresses that are not in the file"), required=False)


class StaffAppointForm(forms.Form):
    """A community admin gives a role to an existing account."""

    email = forms.EmailField(label=_("E-mail of the account"), widget=forms.EmailInput(attrs=OFF))
    role = forms.ChoiceField(label=_("Role"))
    department = forms.ModelChoiceField(label=_("Department (executors only)"), queryset=Department.objects.none(),
                                        required=False)

    def __init__(self, *args, **kwargs):
        from hromada.apps.accounts.models import Role
        from hromada.apps.communities.actions import APPOINTABLE_ROLES

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (value, label) for value, label in Role.choices if value in APPOINTABLE_ROLES]
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = Department.objects.order_by("name_uk")


SEARCH_MIN_LENGTH = 3  # shorter words match nearly everything
SEARCH_MAX_LENGTH = 100


class SearchForm(forms.Form):
    """The community search (the home page's box and the results page)."""

    q = PlainTextField(label=_("Search the community's site"), min_length=SEARCH_MIN_LENGTH,
                       max_length=SEARCH_MAX_LENGTH,
                       help_text=_("Problems, petitions, budget projects and open data sets. "
                                   "At least 3 characters."),
                       widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
                       error_messages={
                           "required": _("Type what you are looking for."),
                           "min_length": _("Type at least %(limit_value)d characters to search."),
                           "max_length": _("Search with at most %(limit_value)d characters."),
                       })

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())
