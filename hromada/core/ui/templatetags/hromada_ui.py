"""Template tags of the component library: the page's form errors, ids unique per page, page ranges."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Any

from django import template
from django.core.paginator import Page
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.utils.html import conditional_escape
from django.utils.translation import gettext

register = template.Library()
_fallback_ids = itertools.count(1)


@dataclass(frozen=True)
class ErrorLink:
    text: str
    href: str


@register.filter
def nonfield_id(form: BaseForm) -> str:
    """The id of the block that shows a form's errors that belong to no one field."""
    return f"{form.prefix}-form-errors" if form.prefix else "form-errors"


def _input_id(field: Any) -> str:
    return getattr(field, "input_id", "") or field.id_for_label or field.auto_id or ""


def _form_errors(form: BaseForm) -> list[ErrorLink]:
    # An error of the whole form leads to its first field: every page that draws the form draws that.
    first = next((_input_id(field) for field in form.visible_fields()), "")
    links = [ErrorLink(str(error), f"#{first}" if first else "") for error in form.non_field_errors()]
    for name in form.errors:
        if name == "__all__" or name not in form.fields:
            continue
        field = form[name]
        if field.is_hidden:
            continue  # shown among the form's own errors
        target = _input_id(field)
        for error in field.errors:
            text = f"{field.label}: {error}" if field.label else str(error)
            links.append(ErrorLink(text, f"#{target}" if target else ""))
    return links


def collect_errors(values: list[Any]) -> list[ErrorLink]:
    """Every error of the bound forms and formsets among `values`, in order, each form once."""
    seen: set[int] = set()
    links: list[ErrorLink] = []
    for value in values:
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            links += _form_errors(value)
        elif isinstance(value, BaseFormSet) and value.is_bound and not value.is_valid():
            # The formset's own errors (too many, too few) lead to its first form's first field.
            first = next((_input_id(f) for form in value.forms for f in form.visible_fields()), "")
            links += [ErrorLink(str(error), f"#{first}" if first else "") for error in value.non_form_errors()]
            for form in value.forms:
                if id(form) not in seen:
                    seen.add(id(form))
                    links += _form_errors(form)
    return links


@register.simple_tag(takes_context=True)
def page_errors(context: template.Context, forms: Any = None) -> list[ErrorLink]:
    """The errors to sum up at the top of the page: of `forms` if given, else of every bound form or
    formset the page was given."""
    if forms is not None:
        values = list(forms) if isinstance(forms, (list, tuple)) else [forms]
    else:
        values = list(context.flatten().values())
    return collect_errors(values)


@register.simple_tag(takes_context=True)
def ui_id(context: template.Context, prefix: str) -> str:
    """An id not used before on this page (counted on the request, so components never clash)."""
    request = context.get("request")
    if request is None:
        return f"{prefix}-{next(_fallback_ids)}"
    counter = vars(request).setdefault("hromada_ui_ids", itertools.count(1))
    return f"{prefix}-{next(counter)}"


@register.simple_tag
def page_range(page: Page) -> list[Any]:
    """Page numbers to show: the ends and the neighbours of the current page, gaps as an ellipsis."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int, param: str = "page", anchor: str = "") -> str:
    """The current query string with `param` set to `number`, every other parameter kept; then `anchor`."""
    request = getattr(context, "request", None)
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param or "page"] = str(number)
    return f"?{query.urlencode()}{anchor}"


@register.filter
def is_ellipsis(value: Any) -> bool:
    return not isinstance(value, int)


@register.filter
def banner_type(tags: str) -> str:
    """The notification banner a Django message is shown in, from its level tags."""
    tags = tags or ""
    if "success" in tags:
        return "success"
    if "error" in tags or "warning" in tags:
        return "important"
    return "info"


@register.simple_tag
def file_field(field: Any, types: str = "", max_size: str = "") -> str:
    """A file field drawn like every other, its hint naming the kinds and size of file it takes."""
    if field is None or not hasattr(field, "as_field_group"):
        return ""
    parts = [str(field.help_text)] if field.help_text else []
    if types:
        parts.append(gettext("Files: %(types)s.") % {"types": types})
    if max_size:
        parts.append(gettext("Up to %(size)s each.") % {"size": max_size})
    described = copy.copy(field)
    described.help_text = conditional_escape(" ".join(parts))
    return described.as_field_group()
