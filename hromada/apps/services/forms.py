"""A service's online application form, defined as data in `Service.form`, built into a Django form at runtime.

The definition is a list of fields, each a dict:

    {"name": "child_name", "label": "Ім'я дитини", "label_en": "Child's name", "type": "text",
     "required": true, "help": "...", "max_length": 200}

Types: `text`, `textarea` (`max_length`), `number` (`min`, `max`), `date`, `choice` (`choices`: values, or
{"value", "label", "label_en"}), `address` (a building of the community's address register), `file`
(`allowed_types` from pdf/jpg/png, `max_size_mb`), `person` (`source`: full_name, birth_date, address,
phone or email — taken from the account; read-only when the account's identity is verified). A field with
`show_if: {"field": "kind", "equals": "other"}` is shown only when the earlier field has that value: its
requirement holds only then, and its answer is dropped otherwise (the server decides, whatever the browser
sent). `validate_form_definition()` checks a definition before it is saved (the register's editor and import
call it).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hromada.apps.accounts.models import IdentityLevel as AccountLevel
from hromada.apps.communities import geocoding
from hromada.apps.communities.models import Address
from hromada.apps.services.models import Office
from hromada.core.text import PlainTextField

FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "address", "file", "person")
FILE_TYPES = ("pdf", "jpg", "png")
PERSON_SOURCES = ("full_name", "birth_date", "address", "phone", "email")
KEYS = {"name", "label", "label_en", "type", "required", "help", "help_en", "choices", "max_length", "min", "max",
        "allowed_types", "max_size_mb", "show_if", "source"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 60
TEXT_MAX = 2000
TEXTAREA_MAX = 10000
DEFAULT_FILE_MB = 10
MAX_FILE_MB = 20
MAX_PDF_PAGES = 200
MAX_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 4000  # a document photo stays readable
EXTENSIONS = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",)}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_form_definition(definition: Any) -> list[str]:
    """The problems of a form definition, each a sentence naming the field; [] when it is sound."""
    if definition in (None, ""):
        return []
    if not isinstance(definition, list):
        return [_("The form must be a list of fields.")]
    if len(definition) > MAX_FIELDS:
        return [_("A form may have at most %(limit)s fields.") % {"limit": MAX_FIELDS}]
    errors: list[str] = []
    seen: dict[str, dict[str, Any]] = {}
    for position, field in enumerate(definition, start=1):
        where = _("Field %(number)s") % {"number": position}
        if not isinstance(field, dict):
            errors.append(_("%(where)s: must be an object with a name, a label and a type.") % {"where": where})
            continue
        name = field.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            errors.append(_("%(where)s: the name must be up to 40 small Latin letters, digits or underscores, "
                            "starting with a letter.") % {"where": where})
            continue
        where = _("Field “%(name)s”") % {"name": name}
        if name in seen:
            errors.append(_("%(where)s: the name is used twice.") % {"where": where})
        unknown = sorted(set(field) - KEYS)
        if unknown:
            errors.append(_("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(unknown)})
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            errors.append(_("%(where)s: the type must be one of %(types)s.") % {
                "where": where, "types": ", ".join(FIELD_TYPES)})
        for key in ("label", "label_en", "help", "help_en"):
            if key in field and not isinstance(field[key], str):
                errors.append(_("%(where)s: “%(key)s” must be text.") % {"where": where, "key": key})
        if not isinstance(field.get("label"), str) or not field.get("label", "").strip():
            errors.append(_("%(where)s: a label is required.") % {"where": where})
        if "required" in field and not isinstance(field["required"], bool):
            errors.append(_("%(where)s: “required” must be true or false.") % {"where": where})
        if "max_length" in field and (not isinstance(field["max_length"], int) or isinstance(field["max_length"], bool)
                                      or not 1 <= field["max_length"] <= TEXTAREA_MAX):
            errors.append(_("%(where)s: “max_length” must be a whole number from 1 to %(limit)s.") % {
                "where": where, "limit": TEXTAREA_MAX})
        for key in ("min", "max"):
            if key in field and not _is_number(field[key]):
                errors.append(_("%(where)s: “%(key)s” must be a number.") % {"where": where, "key": key})
        if _is_number(field.get("min")) and _is_number(field.get("max")) and field["min"] > field["max"]:
            errors.append(_("%(where)s: “min” is greater than “max”.") % {"where": where})
        if kind == "choice":
            choices = field.get("choices")
            if not isinstance(choices, list) or not choices or not all(_choice_value(c) for c in choices):
                errors.append(_("%(where)s: a choice needs a list of choices, each a text or an object with a "
                                "value and a label.") % {"where": where})
            elif len({_choice_value(c) for c in choices}) != len(choices):
                errors.append(_("%(where)s: two choices have the same value.") % {"where": where})
        elif "choices" in field:
            errors.append(_("%(where)s: only a choice field has choices.") % {"where": where})
        if kind == "file":
            types = field.get("allowed_types", list(FILE_TYPES))
            if not isinstance(types, list) or not types or any(t not in FILE_TYPES for t in types):
                errors.append(_("%(where)s: “allowed_types” must list some of %(types)s.") % {
                    "where": where, "types": ", ".join(FILE_TYPES)})
            size = field.get("max_size_mb", DEFAULT_FILE_MB)
            if not _is_number(size) or not 0 < size <= MAX_FILE_MB:
                errors.append(_("%(where)s: “max_size_mb” must be a number above 0 and at most %(limit)s.") % {
                    "where": where, "limit": MAX_FILE_MB})
        if kind == "person" and field.get("source", "full_name") not in PERSON_SOURCES:
            errors.append(_("%(where)s: “source” must be one of %(sources)s.") % {
                "where": where, "sources": ", ".join(PERSON_SOURCES)})
        condition = field.get("show_if")
        if condition is not None:
            if (not isinstance(condition, dict) or set(condition) != {"field", "equals"}
                    or not isinstance(condition.get("equals"), str | int | bool)):
                errors.append(_("%(where)s: “show_if” must have a “field” and an “equals”.") % {"where": where})
            elif condition["field"] not in seen:
                errors.append(_("%(where)s: “show_if” must name a field above this one.") % {"where": where})
            elif seen[condition["field"]].get("type") == "file":
                errors.append(_("%(where)s: “show_if” cannot depend on a file.") % {"where": where})
        seen[name] = field
    return errors


def _choice_value(choice: Any) -> str:
    if isinstance(choice, str):
        return choice
    if isinstance(choice, dict) and isinstance(choice.get("value"), str) and isinstance(choice.get("label"), str):
        return str(choice["value"])
    return ""


def _localized(field: dict[str, Any], key: str) -> str:
    if (get_language() or "uk").startswith("en") and field.get(f"{key}_en"):
        return str(field[f"{key}_en"])
    return str(field.get(key) or "")


def _choice_label(choice: Any) -> str:
    if isinstance(choice, str):
        return choice
    return _localized(choice, "label")


@dataclass
class CleanFile:
    """An uploaded document checked for its field: the bytes to store (an image re-encoded without metadata)."""

    field: str
    content: bytes
    original_name: str
    content_type: str
    extension: str

    def as_content_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"document{self.extension}")


def _file_kind(upload: UploadedFile, head: bytes) -> str:
    if head[:5] == b"%PDF-":
        return "pdf"
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return ""


def _check_pdf(data: bytes) -> str | None:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return _("The PDF file cannot be read.")
    try:
        pages = len(document)
    finally:
        document.close()
    if pages == 0:
        return _("The PDF file has no pages.")
    if pages > MAX_PDF_PAGES:
        return _("The PDF has %(pages)s pages; at most %(limit)s are accepted.") % {
            "pages": pages, "limit": MAX_PDF_PAGES}
    return None


def _reencode(data: bytes, kind: str) -> bytes | None:
    """A copy of the image without its metadata (EXIF, GPS, comments), or None when it is not a sound image."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                return None
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    image = ImageOps.exif_transpose(image)  # type: ignore[assignment]
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    out = io.BytesIO()
    if kind == "png":
        image.save(out, "PNG", optimize=False)  # no pnginfo: text chunks stay behind
    else:
        image.convert("RGB").save(out, "JPEG", quality=88)  # no exif= argument: nothing of the original travels
    return out.getvalue()


def clean_upload(upload: UploadedFile, *, field: str, label: str, allowed_types: list[str] | tuple[str, ...],
                 max_size_mb: float) -> CleanFile:
    """Check one uploaded document (its kind by its bytes, not its name; its size); forms.ValidationError."""
    limit = int(max_size_mb * 1024 * 1024)
    name = str(getattr(upload, "name", "") or "file")[:200]
    if (getattr(upload, "size", 0) or 0) > limit:
        raise forms.ValidationError(_("The file “%(name)s” is larger than %(limit)s MB.") % {
            "name": name, "limit": f"{max_size_mb:g}"}, code="file_too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise forms.ValidationError(_("The file “%(name)s” is larger than %(limit)s MB.") % {
            "name": name, "limit": f"{max_size_mb:g}"}, code="file_too_large")
    kind = _file_kind(upload, data[:8])
    if kind not in allowed_types:
        raise forms.ValidationError(_("“%(label)s” must be a file of type %(types)s; “%(name)s” is not.") % {
            "label": label, "types": ", ".join(t.upper() for t in allowed_types), "name": name}, code="file_type")
    if kind == "pdf":
        problem = _check_pdf(data)
        if problem:
            raise forms.ValidationError(problem, code="bad_pdf")
        content = data
    else:
        encoded = _reencode(data, kind)
        if encoded is None:
            raise forms.ValidationError(_("The file “%(name)s” is not a readable image.") % {"name": name},
                                        code="bad_image")
        content = encoded
    return CleanFile(field=field, content=content, original_name=name, content_type=CONTENT_TYPES[kind],
                     extension=EXTENSIONS[kind][0])


class DocumentField(forms.FileField):
    """A document of the application: checked (type by content, size) and cleaned into a `CleanFile`."""

    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        self.spec = spec
        self.allowed_types = list(spec.get("allowed_types") or FILE_TYPES)
        self.max_size_mb = float(spec.get("max_size_mb") or DEFAULT_FILE_MB)
        accept = ",".join(ext for t in self.allowed_types for ext in EXTENSIONS[t])
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return None
        return clean_upload(upload, field=self.spec["name"], label=str(self.label), allowed_types=self.allowed_types,
                            max_size_mb=self.max_size_mb)

    @property
    def types_text(self) -> str:
        return ", ".join(t.upper() for t in self.allowed_types)

    @property
    def size_text(self) -> str:
        return _("%(size)s MB") % {"size": f"{self.max_size_mb:g}"}


class AddressField(PlainTextField):
    """A building of the community's address register, typed (suggestions with JavaScript)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(max_length=300, single_line=True, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # The appeals' autocomplete of the same register (its script runs where the page loads it).
        attrs["data-suggest-url"] = reverse("appeals:addresses", urlconf=settings.COMMUNITY_URLCONF)
        return attrs

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return text
        if not Address.objects.exists():
            return text  # a community without an address register: the address as typed
        found = geocoding.geocode(text)
        if found is None:
            raise forms.ValidationError(
                _("“%(address)s” is not in the community's address register. Give the street and the house "
                  "number, e.g. “вул. Соборна, 12а”.") % {"address": text}, code="unknown_address")
        return str(found)


def person_value(user: Any, source: str) -> Any:
    """What the account holds for a person field (a date for `birth_date`), or "" when nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    value = getattr(user, source, "")
    return value if value is not None else ""


def _build_field(spec: dict[str, Any], *, user: Any, operator: bool) -> forms.Field:
    kind = spec["type"]
    options: dict[str, Any] = {"label": _localized(spec, "label"), "help_text": _localized(spec, "help"),
                               "required": bool(spec.get("required", False)) and not spec.get("show_if")}
    if kind == "text" or (kind == "person" and spec.get("source", "full_name") != "birth_date"):
        limit = int(spec.get("max_length") or (200 if kind == "person" else TEXT_MAX))
        field: forms.Field = PlainTextField(max_length=min(limit, TEXT_MAX), single_line=True, **options)
    elif kind == "textarea":
        field = PlainTextField(max_length=int(spec.get("max_length") or TEXTAREA_MAX), widget=forms.Textarea,
                               **options)
    elif kind == "number":
        field = forms.DecimalField(min_value=Decimal(str(spec["min"])) if _is_number(spec.get("min")) else None,
                                   max_value=Decimal(str(spec["max"])) if _is_number(spec.get("max")) else None,
                                   max_digits=18, decimal_places=4, **options)
    elif kind in ("date", "person"):
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    elif kind == "choice":
        field = forms.ChoiceField(choices=[("", "—"), *[(_choice_value(c), _choice_label(c))
                                                        for c in spec["choices"]]], **options)
    elif kind == "address":
        field = AddressField(**options)
    else:  # file
        field = DocumentField(spec=spec, **options)
    if kind == "person" and not operator:
        value = person_value(user, spec.get("source", "full_name"))
        field.initial = value
        if value not in ("", None) and getattr(user, "identity_level", 0) >= AccountLevel.VERIFIED:
            field.disabled = True  # the verified identity is the authority, not what the browser sends
            field.help_text = _("From your verified identity.")
    if kind == "file":
        field.widget.attrs["data-types"] = field.types_text  # type: ignore[attr-defined]
    if spec.get("show_if"):
        condition = spec["show_if"]
        field.widget.attrs.update({"data-show-if": condition["field"], "data-show-equals": str(condition["equals"])})
    return field


class ApplicationForm(forms.Form):
    """The form of one service, built from its definition. `cleaned_data` keeps only the shown fields;
    `answers()` is what the case stores and `documents()` the checked files."""

    def __init__(self, definition: list[dict[str, Any]], *args: Any, user: Any = None, operator: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = [dict(f) for f in definition]
        labels = labels_of(self.definition)
        for spec in self.definition:
            field = self.fields[spec["name"]] = _build_field(spec, user=user, operator=operator)
            condition = spec.get("show_if")
            if condition:
                when = _("Only if “%(field)s” is “%(value)s”.") % {
                    "field": labels.get(condition["field"], condition["field"]), "value": condition["equals"]}
                field.help_text = f"{field.help_text} {when}".strip()

    def shown(self) -> set[str]:
        """The fields whose condition holds for the answers given (a field under a hidden field is hidden)."""
        data = getattr(self, "cleaned_data", {})
        shown: set[str] = set()
        for spec in self.definition:
            condition = spec.get("show_if")
            if not condition:
                shown.add(spec["name"])
                continue
            other = condition["field"]
            if other in shown and _as_text(data.get(other)) == _as_text(condition["equals"]):
                shown.add(spec["name"])
        return shown

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shown = self.shown()
        for spec in self.definition:
            name = spec["name"]
            if name not in shown:
                self.errors.pop(name, None)  # a hidden field's answer is neither required nor kept
                data.pop(name, None)
            elif spec.get("show_if") and spec.get("required") and data.get(name) in (None, ""):
                message = (_("Attach “%(label)s”.") if spec["type"] == "file"
                           else _("“%(label)s” is required.")) % {"label": _localized(spec, "label")}
                self.add_error(name, forms.ValidationError(message, code="required"))
        return data

    def full_clean(self) -> None:
        super().full_clean()
        # A missing required document speaks of the document, not of "this field".
        for spec in self.definition:
            errors = self.errors.get(spec["name"])
            if spec["type"] == "file" and errors and any(e == forms.Field.default_error_messages["required"]
                                                         for e in errors):
                self.errors[spec["name"]] = self.error_class(
                    [_("Attach “%(label)s”.") % {"label": _localized(spec, "label")}])

    def answers(self) -> dict[str, Any]:
        """The shown answers as JSON: dates ISO, numbers as text (exact), files by their original name."""
        out: dict[str, Any] = {}
        for spec in self.definition:
            name = spec["name"]
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if isinstance(value, CleanFile):
                value = value.original_name
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = format(value.normalize(), "f")
            if value not in (None, ""):
                out[name] = value
        return out

    def documents(self) -> list[CleanFile]:
        return [v for v in self.cleaned_data.values() if isinstance(v, CleanFile)]

    def first_error(self) -> tuple[str | None, str]:
        for name, errors in self.errors.items():
            return (None if name == "__all__" else name), str(errors[0])
        return None, ""


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


def labels_of(definition: list[dict[str, Any]]) -> dict[str, str]:
    """The label of each field by name, in the active language (for showing stored answers)."""
    return {f["name"]: _localized(f, "label") for f in definition if isinstance(f, dict) and "name" in f}


class StatusCheckForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Application number"), max_length=32,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    code = forms.CharField(label=gettext_lazy("Status code"), max_length=12,
                           help_text=gettext_lazy("The 8 digits printed on your receipt."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=gettext_lazy("Your rating of the service"), coerce=int,
                                    choices=[(i, str(i)) for i in range(1, 6)], widget=forms.RadioSelect)
    comment = PlainTextField(label=gettext_lazy("Comment"), widget=forms.Textarea, required=False, max_length=2000)


class WithdrawForm(forms.Form):
    reason = PlainTextField(label=gettext_lazy("Why do you withdraw it? (optional)"), widget=forms.Textarea,
                            required=False, max_length=2000)


class ResubmitForm(forms.Form):
    documents = forms.FileField(label=gettext_lazy("The missing documents"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    note = PlainTextField(label=gettext_lazy("Note to the ЦНАП (optional)"), widget=forms.Textarea, required=False,
                          max_length=2000)


OFF = {"autocomplete": "off"}


class PaperApplicantForm(forms.Form):
    """Who a paper application is from, and where it was handed in (the operator types it)."""

    office = forms.ModelChoiceField(label=gettext_lazy("Office"), queryset=Office.objects.none(), empty_label=None)
    applicant_name = PlainTextField(label=gettext_lazy("Applicant's full name"), max_length=200, single_line=True,
                                    widget=forms.TextInput(attrs=OFF))
    applicant_email = forms.EmailField(label=gettext_lazy("Applicant's e-mail"), required=False,
                                       widget=forms.EmailInput(attrs=OFF))
    applicant_phone = PlainTextField(label=gettext_lazy("Applicant's phone"), max_length=32, required=False,
                                     single_line=True, widget=forms.TextInput(attrs={**OFF, "inputmode": "tel"}))

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("applicant_email") and not data.get("applicant_phone"):
            raise forms.ValidationError(_("Give the applicant's e-mail or phone, so they hear of each step."))
        return data
