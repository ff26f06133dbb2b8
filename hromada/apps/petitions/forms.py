from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.apps.petitions.models import (
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Decision,
    PetitionCategory,
    PetitionPolicy,
    PetitionStatus,
    RejectionReason,
)
from hromada.apps.petitions.selectors import PERIODS, SORTS
from hromada.core.api.errors import DomainError
from hromada.core.text import PlainTextField


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show an action's error on its field (or on the form when the field is not in it)."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.detail))


class _CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def _categories() -> Any:
    return PetitionCategory.objects.order_by("name_uk")


class PetitionFilterForm(forms.Form):
    q = PlainTextField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("open", _("Open for signing")),
        *[(s.value, s.label) for s in (PetitionStatus.THRESHOLD_REACHED, PetitionStatus.CONSIDERATION,
                                       PetitionStatus.ANSWERED, PetitionStatus.FORWARDED,
                                       PetitionStatus.ARCHIVED)]])
    category = _CategoryChoice(label=_("Category"), required=False, queryset=None,
                               empty_label=_("All"))
    period = forms.ChoiceField(label=_("Published"), required=False, choices=[
        ("", _("Any time")), ("week", _("In the last week")), ("month", _("In the last month")),
        ("year", _("In the last year"))])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("newest", _("Newest")), ("signatures", _("Most signed")), ("ending", _("Ending soon"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"sort": "newest"}
        data = self.cleaned_data
        return {"q": data["q"].strip(), "status": data["status"], "period": data["period"] if data["period"]
                in PERIODS else "", "category": data["category"].pk if data["category"] else None,
                "sort": data["sort"] if data["sort"] in SORTS else "newest"}


class PetitionForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=TITLE_MAX,
                           help_text=_("Up to 200 characters."))
    text = PlainTextField(label=_("Text of the petition"), max_length=TEXT_MAX, widget=forms.Textarea(
        attrs={"rows": 14}), help_text=_("Plain text, up to 10 000 characters: what you ask the council to do and "
                                         "why."))
    category = _CategoryChoice(label=_("Category"), required=False, queryset=None,
                               empty_label=_("No category"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()  # type: ignore[attr-defined]


class CoauthorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the co-author"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class _BesideOthers(forms.Form):
    """A form shown on a page with other forms: its ids start with `id_<id_prefix>-`, so that every label and
    description stays with its own field. The field names (the POST data) do not change."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ModerationForm(_BesideOthers):
    id_prefix = "moderation"

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("publish", _("Publish")), ("reject", _("Reject"))])
    reason = forms.ChoiceField(label=_("Reason for rejection"), required=False,
                               choices=[("", "—"), *RejectionReason.choices])
    note = PlainTextField(label=_("Note to the author"), required=False, max_length=NOTE_MAX,
                          widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AnswerForm(_BesideOthers):
    id_prefix = "answer"

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    text = PlainTextField(label=_("Official response"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 10}))
    documents = MultipleFileField(label=_("Decision documents"), required=False,
                                  help_text=_("Up to 5 files, 20 MB each (PDF preferred)."))


class InvalidateForm(_BesideOthers):
    id_prefix = "invalidate"

    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    email_domain = forms.CharField(label=_("E-mail domain"), required=False, max_length=254)
    signed_from = forms.DateTimeField(label=_("Signed from"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    signed_to = forms.DateTimeField(label=_("Signed before"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = PlainTextField(label=_("Reason (recorded and published)"), max_length=NOTE_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))


class InPersonSignatureForm(_BesideOthers):
    id_prefix = "in-person"

    tax_number = forms.CharField(label=_("Resident's tax number (RNOKPP)"), max_length=14)
    notify = forms.BooleanField(label=_("Send the resident the answer by e-mail"), required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PetitionPolicy
        fields = ["signers", "coauthors_required", "moderation_working_days", "consideration_working_days",
                  "sign_rate_per_account", "sign_rate_per_ip", "trusted_networks", "sign_rate_per_trusted_ip",
                  "trend_ip_per_hour", "trend_domain_per_hour"]
        widgets = {"trusted_networks": forms.Textarea(attrs={"rows": 3})}

    def clean_trusted_networks(self) -> str:
        import ipaddress

        lines = [line.strip() for line in self.cleaned_data["trusted_networks"].splitlines() if line.strip()]
        for line in lines:
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError as exc:
                raise forms.ValidationError(_("“%(value)s” is not an IP network (e.g. 10.0.0.0/24).")
                                            % {"value": line}) from exc
        return "\n".join(lines)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = PetitionCategory
        fields = ["name_uk", "name_en"]


class TrendingForm(forms.Form):
    """The period of the trending signatures report, in hours (up to 31 days)."""

    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=24 * 31,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
