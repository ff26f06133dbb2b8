from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.apps.opendata.models import Dataset, Format, Publisher, Theme
from hromada.core.text import PlainTextField


class DatasetForm(forms.ModelForm):
    publisher = forms.ModelChoiceField(queryset=Publisher.objects.none(), label=_("Publisher"))
    themes = forms.ModelMultipleChoiceField(queryset=Theme.objects.none(), required=False, label=_("Themes"),
                                            widget=forms.CheckboxSelectMultiple)
    keywords = PlainTextField(label=_("Keywords"), required=False, help_text=_("Separate keywords with commas."))

    class Meta:
        model = Dataset
        fields = ["name", "identifier", "title_uk", "title_en", "description_uk", "description_en",
                  "responsible_person", "responsible_email", "legal_basis", "purpose", "frequency", "license_id",
                  "language", "spatial", "temporal_start", "temporal_end", "is_published"]
        widgets = {"temporal_start": forms.DateInput(attrs={"type": "date"}),
                   "temporal_end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, publishers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = (  # type: ignore[attr-defined]
            publishers if publishers is not None else Publisher.objects.all())
        self.fields["themes"].queryset = Theme.objects.all()  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["publisher"].initial = self.instance.publisher_id
            self.fields["themes"].initial = list(self.instance.themes.all())
            self.fields["keywords"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def _post_clean(self) -> None:  # the action validates the model; the form validates the input only
        pass

    def passport(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.cleaned_data.get("keywords", "").split(",") if k.strip()]


class ResourceForm(forms.Form):
    name_uk = PlainTextField(label=_("Name (Ukrainian)"), max_length=300)
    name_en = PlainTextField(label=_("Name (English)"), max_length=300, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    upload = forms.FileField(label=_("File"), help_text=_("CSV in UTF-8 or Windows-1251, JSON, XLSX or GeoJSON."))
