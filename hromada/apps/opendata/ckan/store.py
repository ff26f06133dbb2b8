"""Pre-rendered CKAN package JSON, kept on each data set and joined into answers as raw text.

Every write of the catalogue goes through ``actions.py``, which calls :func:`refresh` in the same
transaction, so ``Dataset.ckan_uk`` / ``ckan_en`` always hold the package dict of the current rows
(one per language: licence titles and display names are localised). Addresses of the portal are
stored with a placeholder and replaced by the request's absolute portal address when answering, so
the text is host-independent. Read actions fetch the text with ``values_list`` and never build
model instances or parse timestamps; a data set whose text is empty (written outside the actions,
e.g. bulk-loaded) is rendered from the models on the fly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from hromada.apps.opendata.ckan import serialize
from hromada.apps.opendata.models import Dataset

# NUL cannot occur in PostgreSQL text, so this escape never comes from a user's string.
PORTAL = "\x00portal\x00"
PORTAL_JSON = json.dumps(PORTAL)[1:-1]  # as it appears inside the stored JSON text
PORTAL_BYTES = PORTAL_JSON.encode()
LANGUAGES = ("uk", "en")
BATCH = 500


def _column(language: str | None = None) -> str:
    language = language or translation.get_language() or "uk"
    return "ckan_en" if language.startswith("en") else "ckan_uk"


def render(dataset: Dataset) -> dict[str, str]:
    """The stored texts of one data set (prefetched with ``serialize.with_related``), by column."""
    urls = serialize.Urls(PORTAL)
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[_column(language)] = json.dumps(serialize.package_dict(dataset, urls), ensure_ascii=False)
    return out


def refresh(ids: Iterable[Any]) -> None:
    """Re-render the stored package JSON of these data sets (call inside the writing transaction)."""
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rendered = []
        for dataset in serialize.with_related(Dataset.objects.filter(pk__in=chunk)):
            for column, text in render(dataset).items():
                setattr(dataset, column, text)
            formats = sorted({r.format for r in serialize.related(dataset)[2]})
            dataset.res_formats = "".join(f"|{f}" for f in formats) + "|" if formats else ""
            rendered.append(dataset)
        Dataset.objects.bulk_update(rendered, ["ckan_uk", "ckan_en", "res_formats"])


class Raw:
    """JSON text to be placed verbatim into an answer."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def packages(qs: Any, language: str | None = None) -> list[Raw]:
    """Stored package texts of a (sliced, ordered) queryset of data sets, in its order."""
    rows = list(qs.values_list("pk", _column(language)))
    missing = [pk for pk, text in rows if not text]
    if missing:
        built = {d.pk: serialize.package_dict(d, serialize.Urls(PORTAL))
                 for d in serialize.with_related(Dataset.objects.filter(pk__in=missing))}
        return [Raw(text) if text else Raw(json.dumps(built[pk], ensure_ascii=False)) for pk, text in rows]
    return [Raw(text) for _pk, text in rows]


def loads(raw: Raw, portal: str) -> dict[str, Any]:
    """A stored package as a dict with real addresses (for ``fl`` and other filtering)."""
    return json.loads(raw.text.replace(PORTAL_JSON, json.dumps(portal, ensure_ascii=False)[1:-1]))


_MARK = "\x00raw{}\x00"
_MARK_RE = re.compile(r'"\\u0000raw(\d+)\\u0000"')


def dumps(payload: Any, portal: str, raws: Sequence[Raw]) -> bytes:
    """``json.dumps(payload)`` as UTF-8, with every Raw (found as its marker) replaced by its text.

    The pieces are encoded one by one and joined as bytes, and the portal address is filled in on
    the bytes: a page of 1,000 packages (5 MB) is not assembled as text, scanned, then encoded again.
    """
    text = json.dumps(payload, ensure_ascii=False, cls=_Encoder)
    pieces, pos = [], 0
    for match in _MARK_RE.finditer(text):
        pieces += [text[pos:match.start()].encode(), raws[int(match.group(1))].text.encode()]
        pos = match.end()
    pieces.append(text[pos:].encode())
    data = b"".join(pieces)
    if PORTAL_BYTES in data:
        data = data.replace(PORTAL_BYTES, json.dumps(portal, ensure_ascii=False)[1:-1].encode())
    return data


_Encoder = DjangoJSONEncoder  # as JsonResponse serialises


def mark(payload: Any) -> tuple[Any, list[Raw]]:
    """Replace Raw values (in lists/dicts) by markers; returns the payload and the Raws by index."""
    raws: list[Raw] = []

    def walk(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value)
            return _MARK.format(len(raws) - 1)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(payload), raws
