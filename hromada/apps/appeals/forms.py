from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hromada.apps.appeals.models import ANSWER_MAX, NOTE_MAX, PUBLIC_ANSWER_MAX, TEXT_MAX, AppealType, Category
from hromada.apps.communities.models import Department, District
from hromada.core.text import PlainTextField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each is checked by the action (real image, size), which is the authority."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


MAP_MEDIA = forms.Media(css={"all": ["leaflet/leaflet.css", "appeals/maps.css"]},
                        js=["leaflet/leaflet.js", "appeals/maps.js"])


def map_options(**extra: Any) -> str:
    """The settings a Leaflet map of the community needs, as JSON for a `data-config` attribute."""
    return json.dumps({"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
                       "districtsUrl": reverse("appeals:districts_geojson"), "zoomInTitle": gettext("Zoom in"),
                       "zoomOutTitle": gettext("Zoom out"), **extra}, ensure_ascii=False)


class AddressInput(forms.TextInput):
    """The problem's address; with JavaScript, suggestions come from the community's address register."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({"data-suggest-url": reverse("appeals:addresses"), "autocomplete": "off"})
        return context


class MapPickerInput(forms.NumberInput):
    """The longitude field followed by a map to pick the point (shown only when JavaScript runs).

    Without JavaScript the latitude/longitude and address fields are the whole picker.
    """

    template_name = "appeals/widgets/map_picker.html"

    @property
    def media(self) -> forms.Media:
        return MAP_MEDIA

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["map_config"] = map_options(
            placed=gettext("Point marked: %(lat)s, %(lon)s."), cleared=gettext("The point is removed."),
            marker=gettext("The place of the problem"))
        return context


# Formatted when shown, in the language of the request (formatting at import fixed the language of the process).
_text_limit = lazy(lambda: gettext("At most %(limit)s characters.") % {"limit": TEXT_MAX}, str)


OFF = {"autocomplete": "off"}  # a field where staff type someone else's data (docs/decisions.md)


class AppealForm(forms.Form):
    """The resident's web form. Limits are checked again by the action, which is the authority."""

    type = forms.ChoiceField(label=_("Type"), choices=AppealType.choices, initial=AppealType.APPLICATION)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False,
                                      empty_label=_("I don't know"))
    text = PlainTextField(label=_("What is the problem, and what do you ask for?"), widget=forms.Textarea,
                          max_length=TEXT_MAX, help_text=_text_limit())
    address = PlainTextField(label=_("Your place of residence"), max_length=300,
                             widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
                             help_text=_("Required by the Law “On Citizens' Appeals”; not shown publicly."))
    location_text = PlainTextField(
        label=_("Address of the problem"), max_length=300, required=False, widget=AddressInput(),
        help_text=_("Street and house number, e.g. “вул. Соборна, 12а”: it is found in the community's address "
                    "register. Or give the point below."))
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                widget=forms.NumberInput(attrs={"step": "any"}))
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                                 widget=MapPickerInput(attrs={"step": "any"}))
    photos = MultipleFileField(label=_("Photos"), required=False, widget=MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp"}), help_text=_("Up to 5 photos, 10 MB each."))
    use_photo_location = forms.BooleanField(
        label=_("The problem is where my photo was taken"), required=False,
        help_text=_("Tick this to use the place stored in the photo as the problem's place: it is then shown on "
                    "the public map. Without it, that place is seen only by the staff handling the appeal."))
    description_public = forms.BooleanField(
        label=_("Show my description and photos publicly"), required=False,
        help_text=_("Problems of public categories appear on the public map and in Open311 with their category, "
                    "status, approximate place and dates, and in open data with their category, status and dates. "
                    "Your name, contacts and place of residence never do. The description above and your photos "
                    "are shown only if you tick this: then write no names, phone numbers or home addresses in it, "
                    "and show no faces or car numbers in the photos."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = Category.objects.filter(is_active=True)


class OperatorEntryForm(AppealForm):
    # The operator types the resident's data: the browser must not offer the operator's own.
    full_name = PlainTextField(label=_("Resident's full name"), max_length=200, widget=forms.TextInput(attrs=OFF))
    email = forms.EmailField(label=_("Resident's e-mail"), required=False, widget=forms.EmailInput(attrs=OFF))
    phone = PlainTextField(label=_("Resident's phone"), max_length=32, required=False,
                           widget=forms.TextInput(attrs={**OFF, "inputmode": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The operator fills it in for someone else: the resident's words, not "your".
        self.fields["text"].label = _("What is the problem, and what does the resident ask for?")
        self.fields["address"].label = _("Resident's place of residence")
        self.fields["address"].widget.attrs.update(OFF)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Give the resident's e-mail or phone, so they can get the answer."))
        return data


class PaperForm(OperatorEntryForm):
    email = forms.EmailField(label=_("Resident's e-mail"), required=False, widget=forms.EmailInput(attrs=OFF))

    def clean(self):
        return forms.Form.clean(self)


class ScanForm(forms.Form):
    file = forms.FileField(label=_("Scanned letter (PDF or image)"))


class ReasonForm(forms.Form):
    reason = PlainTextField(label=_("Reason"), widget=forms.Textarea, max_length=NOTE_MAX)


class DetailsForm(forms.Form):
    """The author's details added to an open appeal (`actions.appeal_add_details`)."""

    text = PlainTextField(label=_("Add details"), widget=forms.Textarea, max_length=NOTE_MAX)


class TransitionForm(forms.Form):
    """The fields of one operation on the office appeal page, named as `office_views.office_act` reads them.
    Several of these forms share the page: each one's ids start with the operation's name."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{name}-%s")
        super().__init__(**kwargs)
        if name in ("route", "forward"):
            self.fields["department"] = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(),
                                                               empty_label=None)
        if name in ("forward", "extend", "return", "not_consider"):
            self.fields["reason"] = PlainTextField(label=_("Reason"), widget=forms.Textarea, max_length=NOTE_MAX)
        if name == "extend":
            self.fields["until"] = forms.DateField(label=_("New term"), required=False,
                                                   widget=forms.DateInput(attrs={"type": "date"}))
        if name == "request_details":
            self.fields["reason"] = PlainTextField(label=_("Ask the resident for details"), widget=forms.Textarea,
                                                   max_length=NOTE_MAX)
        if name == "attach":
            self.fields["file"] = forms.FileField(label=_("Attach a file"))
        if name == "duplicate":
            self.fields["main"] = forms.CharField(label=_("Duplicate of (number)"), max_length=32,
                                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))


class AnswerForm(forms.Form):
    answer = PlainTextField(label=_("Answer (the letter to the resident)"), widget=forms.Textarea,
                            max_length=ANSWER_MAX, help_text=_("Sent to the resident only; never published."))
    public_answer = PlainTextField(
        label=_("Public summary of the answer"), widget=forms.Textarea, max_length=PUBLIC_ANSWER_MAX, required=False,
        help_text=_("Published on the problem map and in Open311. Say what was done, without names, addresses or "
                    "phone numbers."))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, choices=[(i, str(i)) for i in range(1, 6)])
    comment = PlainTextField(label=_("Comment"), widget=forms.Textarea, required=False, max_length=NOTE_MAX)


class KeyForm(forms.Form):
    name = PlainTextField(label=_("Client name"), max_length=200)


class CategoryForm(forms.ModelForm):
    """A category of appeals in the back office; the action writes it and records the audit entry."""

    class Meta:
        model = Category
        fields = ["parent", "code", "name_uk", "name_en", "icon", "description", "is_public", "needs_study",
                  "is_active", "position"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        parents = Category.objects.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        clash = Category.objects.filter(code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A category with this code already exists."), code="duplicate_code")
        return code


class RoutingRuleForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False,
                                      empty_label=_("Any district"))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = Category.objects.all()  # type: ignore[attr-defined]
        self.fields["district"].queryset = District.objects.all()  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.all()  # type: ignore[attr-defined]
