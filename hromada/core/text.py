"""Plain text from residents and officials: one cleaner for every input, escaped by the templates on the way out.

Control characters (C0 other than tab and newline, DEL, C1), zero-width marks and the bidirectional
override, embedding and isolate characters are removed: they hide or reorder what a reader sees, break
XML documents (Open311) and PostgreSQL refuses NUL in text. Line ends become "\\n"; the text is NFC.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers

from hromada.core.api.errors import DomainError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                      r"\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 cannot carry at all: C0 controls but tab and line breaks, lone surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# An HTML tag or comment; "a < b" and "x > 3" stay allowed.
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_controls(value: Any, *, single_line: bool = False) -> str:
    """`value` as clean plain text: NFC, "\\n" line ends, no control or bidi characters, trimmed.

    `single_line` folds every run of white space (new lines too) into one space, for names and titles.
    """
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if single_line:
        return " ".join(text.split())
    return _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()


def xml_safe(value: Any) -> str:
    """`value` as text with only the characters XML 1.0 forbids removed (nothing else changes): for output
    that is XML (RDF catalogues, XLSX workbooks) of text stored before the cleaner existed."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def clean_plain_text(value: str | None, *, field: str, max_length: int, single_line: bool = False,
                     required: bool = True, refuse_markup: bool = False) -> str:
    """Clean `value` (see `strip_controls`) and check it; DomainError (code and field) on anything refused."""
    raw = value or ""
    if len(raw) > max_length * 4:  # a 1 MB paste: refuse before doing any work on it
        raise _too_long(field, len(raw), max_length)
    text = strip_controls(raw, single_line=single_line)
    if not text:
        if required:
            raise DomainError(_("This field is required."), code="required", field=field)
        return ""
    if len(text) > max_length:
        raise _too_long(field, len(text), max_length)
    markup = _MARKUP.search(text) if refuse_markup else None
    if markup:
        raise DomainError(
            _("Write plain text: HTML markup such as “%(markup)s” is not allowed.") % {"markup": markup.group(0)[:40]},
            code="markup_not_allowed", field=field)
    return text


def _too_long(field: str, length: int, max_length: int) -> DomainError:
    return DomainError(
        _("The text is too long: %(length)s characters, at most %(max)s are allowed.")
        % {"length": f"{length:,}".replace(",", " "), "max": f"{max_length:,}".replace(",", " ")},
        code="too_long", field=field)


class PlainTextField(forms.CharField):
    """A form field for plain text: cleaned by `strip_controls` before the length and required checks."""

    def __init__(self, *args: Any, single_line: bool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A text input holds one line; a text area keeps its line breaks.
        self.single_line = not isinstance(self.widget, forms.Textarea) if single_line is None else single_line

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return strip_controls(text, single_line=self.single_line) if text else text


class PlainTextInput(serializers.CharField):
    """A serializer field for plain text: cleaned by `strip_controls` before the length and blank checks."""

    def __init__(self, *args: Any, single_line: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.single_line = single_line

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        return strip_controls(text, single_line=self.single_line)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # Clean first, so that text made only of control characters counts as blank.
        if isinstance(data, str):
            data = strip_controls(data, single_line=self.single_line)
        return super().run_validation(data)
