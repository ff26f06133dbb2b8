"""The living catalogue of the component library (`/office/ui/`): every component, with examples."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.core.http import SignedInRequest
from hromada.core.permissions import permission_required
from hromada.core.ui import rules as _rules  # noqa: F401  (registers the permission)


class ExampleForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), help_text=_("We send the confirmation here."))
    message = forms.CharField(label=_("Your message"), widget=forms.Textarea, max_length=500, required=False)
    contact = forms.ChoiceField(label=_("How should we contact you?"), widget=forms.RadioSelect,
                                choices=[("email", _("E-mail")), ("phone", _("Phone"))])
    document = forms.FileField(label=_("Document"), required=False)
    agree = forms.BooleanField(label=_("I agree to the rules"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("agree"):
            raise forms.ValidationError(_("The form cannot be sent until every problem is fixed."))
        return cleaned


@permission_required("ui.view_catalogue")
def catalogue(request: SignedInRequest) -> HttpResponse:
    form = ExampleForm({"example-full_name": "", "example-email": "not-an-address", "example-message": "Текст"},
                       prefix="example")
    form.is_valid()
    fresh = ExampleForm(prefix="blank")
    page = Paginator(range(1, 241), 10).get_page(request.GET.get("page", 7))
    return render(request, "ui/catalogue.html", {
        "form": form, "fresh": fresh, "page": page, "now": timezone.now(),
    })
