"""Petition text is plain text: cleaned on the way in, escaped by the templates on the way out."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from hromada.core.api.errors import DomainError

# Control characters other than tab and newline (PostgreSQL also refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# An HTML tag or comment; "a < b" and "x > 3" stay allowed.
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_plain_text(value: str | None, *, field: str, max_length: int, single_line: bool = False,
                     required: bool = True) -> str:
    """Normalise `value` and check it; DomainError (code and field) on anything we refuse."""
    raw = value or ""
    if len(raw) > max_length * 4:  # a 1 MB paste: refuse before doing any work on it
        raise _too_long(field, len(raw), max_length)
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if single_line:
        text = " ".join(text.split())
    else:
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
    if not text:
        if required:
            raise DomainError(_("This field is required."), code="required", field=field)
        return ""
    if len(text) > max_length:
        raise _too_long(field, len(text), max_length)
    markup = _MARKUP.search(text)
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
