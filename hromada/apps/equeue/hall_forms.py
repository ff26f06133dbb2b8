"""Forms of the hall: check-in at the kiosk, the operator's served and redirect steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.apps.services.models import Service, Window


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Booking number"), max_length=16,
                           help_text=_("As in the confirmation, e.g. K-1234."))
    phone = forms.CharField(label=_("Last four digits of your phone"), max_length=4, min_length=4, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args: Any, needs_phone: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = needs_phone

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        if phone and not phone.isdigit():
            raise forms.ValidationError(_("Enter four digits."))
        return phone


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if isinstance(obj, Service) else f"{obj.number} {obj.name}".strip()


class ServedForm(forms.Form):
    service = _Named(label=_("Service given"), queryset=Service.objects.none(), required=False,
                     empty_label=_("As on the ticket"))

    def __init__(self, *args: Any, window: Window, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        served = window.services.all()
        query = served if served.exists() else Service.objects.filter(offices=window.office_id)
        self.fields["service"].queryset = query.order_by("name_uk")  # type: ignore[attr-defined]


class RedirectForm(forms.Form):
    to_window = _Named(label=_("Send to window"), queryset=Window.objects.none())

    def __init__(self, *args: Any, window: Window, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_window"].queryset = (  # type: ignore[attr-defined]
            Window.objects.filter(office_id=window.office_id, is_active=True).exclude(pk=window.pk).order_by("number"))
