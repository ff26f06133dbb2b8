"""How every form on the site is drawn: label, hint, error message, then the input.

`settings.FORM_RENDERER` points here, so `{{ form }}`, `{{ form.as_div }}` and `{{ field.as_field_group }}`
all give the same markup (templates in `hromada/templates/forms/`). The bound field names the hint, the
error and the character count the input is described by, and only those that are drawn.
"""

from __future__ import annotations

from typing import Any

from django.forms import Textarea
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class HromadaBoundField(BoundField):
    @property
    def max_length(self) -> int | None:
        """The limit a character count is shown for (text areas only)."""
        if isinstance(self.field.widget, Textarea):
            return getattr(self.field, "max_length", None)
        return None

    @property
    def input_id(self) -> str:
        """The id of the element the error summary links to (the first choice of a radio group)."""
        if not self.auto_id:
            return ""
        return self.id_for_label or f"{self.auto_id}_0"

    @property
    def aria_describedby(self) -> str | None:
        described = super().aria_describedby
        if described is None:
            return None
        if self.auto_id and not self.is_hidden and self.max_length:
            described = f"{described} {self.auto_id}_count".strip()
        return described

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden and self.errors:
            classes = attrs.get("class") or widget.attrs.get("class") or ""
            attrs["class"] = f"{classes} input--error".strip()
        return attrs


class HromadaFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
    bound_field_class = HromadaBoundField
