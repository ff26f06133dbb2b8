"""Input that no view can use, refused once for every view, and the small parsers views share.

- `MalformedInputMiddleware`: a NUL character in a query parameter or a form field (PostgreSQL
  cannot store or compare one; no real text has one) gets a 400 in the user's language before
  the view runs. A view that speaks another protocol's error format (Open311, CKAN) marks itself
  with `answers_bad_input(render)` and gets its own answer.
- `bounded_int`: an integer filter read from the query string, refused beyond what a database
  column holds (SQLite stops at 64 bits and raises on larger numbers).
- `json_depth_ok` and `JSONParser`: a JSON body nested deeper than any real document is refused
  (Python's parser and everything that walks the result would otherwise run out of stack).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from hromada.core.errors import error_page, wants_json

NUL = "\x00"
INT_MAX = 2**31 - 1  # the smallest integer column of the supported databases (PostgreSQL `integer`)
JSON_MAX_DEPTH = 32

BadInputRenderer = Callable[[HttpRequest, str, str], HttpResponse]


def answers_bad_input(render: BadInputRenderer) -> Callable[[Any], Any]:
    """Mark a view that answers malformed input in its own protocol: `render(request, field, message)`."""

    def mark(view: Any) -> Any:
        view.bad_input_response = render
        return view

    return mark


def has_nul(value: Any) -> bool:
    """True if a NUL character is anywhere in `value` (strings, and lists and dicts of them, keys too)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def nul_field(items: Iterable[tuple[str, list[str]]]) -> str | None:
    """The name of the first parameter whose name or one of whose values holds a NUL character."""
    for key, values in items:
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "")
    return None


def nul_message(field: str) -> str:
    return _("The parameter “%(field)s” contains a NUL character, which is not allowed.") % {"field": field}


def _default_answer(request: HttpRequest, field: str, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"errors": [{"code": "null_character", "message": message, "field": field}]},
                            status=400)
    return error_page(request, 400, _("Bad request"), message, code="null_character")


class MalformedInputMiddleware:
    """Refuses NUL characters in query parameters and url-encoded form fields (see the module).

    Multipart bodies are not read here (an upload's size is checked by its view before the body is
    read); views that take multipart fields check them with `nul_field` themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        field = nul_field(request.GET.lists())
        if field is None and request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            field = nul_field(request.POST.lists())
        if field is None:
            return None
        render = getattr(view, "bad_input_response", None) or _default_answer
        return render(request, field, nul_message(field))


def bounded_int(value: Any, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """`value` as an integer within [minimum, maximum], or None when it is not one (empty, text, too large)."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 20:
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if minimum <= number <= maximum else None


def json_depth_ok(value: Any, limit: int = JSON_MAX_DEPTH) -> bool:
    """True if the parsed JSON `value` nests at most `limit` arrays and objects deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def loads_bounded(text: str | bytes, limit: int = JSON_MAX_DEPTH) -> Any:
    """json.loads that raises ValueError for a document nested deeper than `limit`."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"the JSON document is nested deeper than {limit} levels") from None
    if not json_depth_ok(value, limit):
        raise ValueError(f"the JSON document is nested deeper than {limit} levels")
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that refuses documents nested deeper than JSON_MAX_DEPTH."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON document is nested too deeply.")) from None
        if not json_depth_ok(data):
            raise ParseError(_("The JSON document is nested too deeply."))
        return data
