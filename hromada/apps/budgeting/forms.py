"""Forms parse what a person typed; the actions decide whether it is acceptable.

Numbers (quantities, prices, coordinates) are taken as text so that the action gives one clear
message for anything that is not a number, whatever the channel (web form, API)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.budgeting.models import BallotChannel, ReviewConclusion, TallyRule, VoterEligibility, VotingRule
from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.communities.models import Department, District
from hromada.core.api.errors import DomainError
from hromada.core.text import PlainTextField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class ProjectForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    description = PlainTextField(label=_("Description"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                                 help_text=_("What will be done, where, and why it matters."))
    beneficiaries = PlainTextField(label=_("Who benefits"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    category: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Category"), queryset=None)
    district: forms.ModelChoiceField = forms.ModelChoiceField(label=_("District"), queryset=None, required=False,
                                      help_text=_("Where the project is; a district category sets it."))
    latitude = forms.CharField(label=_("Latitude"), required=False, help_text=_("For example 49.8012"))
    longitude = forms.CharField(label=_("Longitude"), required=False, help_text=_("For example 30.1234"))
    co_authors = PlainTextField(label=_("Co-authors"), required=False,
                                help_text=_("E-mails of residents with a verified identity, separated by commas."))
    photos = MultiplePhotoField(label=_("Photos"), required=False,
                                help_text=_("JPEG, PNG or WebP, up to 8 MB each, at most 6."))

    def __init__(self, *args: Any, cycle: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = \
            cycle.categories.select_related("district").order_by("position", "pk")
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = District.objects.order_by("name_uk")

    def co_author_emails(self) -> list[str]:
        raw = self.cleaned_data.get("co_authors") or ""
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


class CostItemForm(forms.Form):
    description = PlainTextField(label=_("Item"), max_length=200, required=False)
    unit = PlainTextField(label=_("Unit"), max_length=32, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=32, required=False)
    unit_price = forms.CharField(label=_("Unit price, UAH"), max_length=32, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((data.get(k) or "").strip() for k in ("description", "unit", "quantity", "unit_price"))


CostItemFormSet = forms.formset_factory(CostItemForm, extra=3, max_num=100, validate_max=True)


def cost_rows(formset: Any) -> list[dict[str, Any]]:
    return [form.cleaned_data for form in formset.forms
            if hasattr(form, "cleaned_data") and not form.is_blank()]


def show_domain_error(error: DomainError, form: forms.Form, formset: Any = None) -> None:
    """Put the action's error next to the field it names ("cost_items.2.quantity" → row 3, quantity)."""
    field = error.field or ""
    message = str(error.detail)
    if field.startswith("cost_items") and formset is not None:
        parts = field.split(".")
        rows = [f for f in formset.forms if hasattr(f, "cleaned_data") and not f.is_blank()]
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            row.add_error(parts[2] if len(parts) > 2 and parts[2] in row.fields else None, message)
            form.add_error(None, message)
            return
        form.add_error(None, message)
        return
    form.add_error(field if field in form.fields else None, message)


class CommentForm(forms.Form):
    text = PlainTextField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class AppealForm(forms.Form):
    text = PlainTextField(label=_("Why the conclusion is wrong"), max_length=4000,
                          widget=forms.Textarea(attrs={"rows": 6}))


class ReasonForm(forms.Form):
    reason = PlainTextField(label=_("Reason"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    department: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Responsible department"), queryset=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = Department.objects.order_by("name_uk")


class ReviewForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=ReviewConclusion.choices,
                                   widget=forms.RadioSelect)
    changed_cost = forms.CharField(label=_("New cost, UAH"), required=False,
                                   help_text=_("Only for “feasible with changed cost”."))
    reason = PlainTextField(label=_("Reasons"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Required unless the project is feasible as proposed. Published."))


class AppealDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Uphold: put the project on the ballot")),
                                             ("0", _("Reject the appeal"))], widget=forms.RadioSelect)
    reason = PlainTextField(label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class PaperBallotForm(forms.Form):
    tax_number = forms.CharField(label=_("Tax number (RNOKPP)"), max_length=10, min_length=10)
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    resident_confirmed = forms.BooleanField(label=_("The documents show the person lives in the community"),
                                            required=False)
    account_email = forms.EmailField(label=_("E-mail of the person's account, if any"), required=False,
                                     widget=forms.EmailInput(attrs={"autocomplete": "off"}))  # the voter's
    channel = forms.ChoiceField(label=_("How the vote was given"),
                                choices=[(BallotChannel.PAPER, BallotChannel.PAPER.label),
                                         (BallotChannel.CNAP, BallotChannel.CNAP.label)])


class ImplementationForm(forms.Form):
    progress = forms.CharField(label=_("Progress, %"), max_length=20)
    spent = forms.CharField(label=_("Spent so far, UAH"), max_length=20)
    note = PlainTextField(label=_("News for residents"), required=False, max_length=4000,
                          widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("Photos"), required=False)


class MilestoneForm(forms.Form):
    title = PlainTextField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CycleForm(forms.Form):
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=50)
    name_uk = PlainTextField(label=_("Name (Ukrainian)"), max_length=200)
    name_en = PlainTextField(label=_("Name (English)"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    description = PlainTextField(label=_("Description"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    voting_rule = forms.ChoiceField(label=_("Voting rule"), choices=VotingRule.choices)
    tally_rule = forms.ChoiceField(label=_("Tally rule"), choices=TallyRule.choices)
    max_votes = forms.IntegerField(label=_("Votes per voter"), required=False, min_value=1, max_value=100,
                                   help_text=_("Empty: the community setting."))
    max_points_per_project = forms.IntegerField(label=_("Points per project (cumulative voting)"), initial=1,
                                                min_value=1, max_value=100, required=False,
                                                help_text=_("Only for cumulative voting."))
    min_age = forms.IntegerField(label=_("Minimum voter age"), required=False, min_value=0, max_value=120,
                                 help_text=_("Empty: the community setting."))
    min_identity_level = forms.TypedChoiceField(label=_("Identity level needed to vote"), coerce=int,
                                                choices=IdentityLevel.choices, initial=IdentityLevel.VERIFIED)
    eligibility = forms.ChoiceField(label=_("Who may vote"), choices=VoterEligibility.choices,
                                    initial=VoterEligibility.RESIDENTS,
                                    help_text=_("Taxpayers are the people in the community's register of taxpayers."))
    min_project_score = forms.IntegerField(label=_("Minimum votes to be funded"), initial=0, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("max_points_per_project") is None:
            if data.get("voting_rule") == VotingRule.CUMULATIVE:
                self.add_error("max_points_per_project", _("Give the points per project: cumulative voting needs "
                                                           "them."))
            else:
                data["max_points_per_project"] = 1  # unused by approval and ranking voting
        return data


class PhaseDatesForm(forms.Form):
    """Start and end of each phase (Kyiv time); a phase ends when the next one may begin."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = {"type": "datetime-local"}
        for kind, label in PhaseKind.choices:
            self.fields[f"{kind}_start"] = forms.DateTimeField(
                label=_("%(phase)s: starts") % {"phase": label}, widget=forms.DateTimeInput(attrs=widget))
            self.fields[f"{kind}_end"] = forms.DateTimeField(
                label=_("%(phase)s: ends") % {"phase": label}, widget=forms.DateTimeInput(attrs=widget))

    def dates(self) -> dict[str, tuple[Any, Any]]:
        data = self.cleaned_data
        return {kind: (data[f"{kind}_start"], data[f"{kind}_end"]) for kind in PhaseKind.values}


class CategoryForm(forms.Form):
    name_uk = PlainTextField(label=_("Name (Ukrainian)"), max_length=200)
    name_en = PlainTextField(label=_("Name (English)"), max_length=200, required=False)
    fund = forms.DecimalField(label=_("Fund, UAH"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    min_cost = forms.DecimalField(label=_("Minimum project cost, UAH"), max_digits=14, decimal_places=2,
                                  min_value=Decimal("0"), initial=0)
    max_cost = forms.DecimalField(label=_("Maximum project cost, UAH"), max_digits=14, decimal_places=2,
                                  min_value=Decimal("0.01"))
    max_votes = forms.IntegerField(label=_("Votes per voter in this category"), min_value=1, max_value=100,
                                   initial=3)
    district: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, help_text=_("Empty: city-wide."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = District.objects.order_by("name_uk")


class TaxpayerFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of tax numbers (CSV)"),
        help_text=_("UTF-8 text, one tax number (RNOKPP, 10 digits) per line in the first column; a header line "
                    "is allowed. The file replaces the whole register. The numbers are not stored: only their "
                    "keyed hashes, the same the accounts keep."))
