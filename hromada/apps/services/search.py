"""Finding a service by words in Ukrainian: "реєстрація місця проживання" and "зареєструвати проживання"
find the same card.

Each word of the query is cut to its stem by a small Ukrainian stemmer (`stem`: the ending of a noun,
adjective or verb comes off — "реєстрація", "реєстрації", "зареєструвати" → "реєстр"/"зареєстр"), and a
verb's prefix is tried without it too ("зареєстр" → also "реєстр"). A service is found when, for every
word, one of its stems starts a word of the service's search text (names, keywords, provider, codes:
`cards.search_text_of`).

- SQLite (the embedded default): an FTS5 index (`services_service_fts`, kept by triggers; migration
  0002_register_search) answers prefix queries `реєстр* AND прожив*`: a stem must start a word.
- PostgreSQL: a pg_trgm GIN index on the upper-cased search text answers `ILIKE '%реєстр%'` for each stem:
  a stem may stand anywhere in a word, so PostgreSQL finds a little more (a stem inside a longer word).

Results: services whose name holds the first word's stem first, then by name.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from hromada.apps.services.models import Service

MAX_WORDS = 6
MIN_STEM = 3
WORD_RE = re.compile(r"[0-9a-zа-яёіїєґ'’ʼ]+", re.IGNORECASE)
# Endings, longest first: verbs, verbal nouns, nouns and adjectives in their cases.
SUFFIXES = tuple(sorted({
    "ування", "ювання", "ення", "ання", "яння", "іння", "ація", "яція", "ації", "яції",
    "ацій", "аціями", "аціях", "ацію", "ацією",
    "увати", "ювати", "уватися", "ватися", "ватись", "увавши", "ати", "яти", "ити", "іти", "ути", "ться", "тися",
    "ість", "ості", "істю", "остей",
    "ями", "ами", "ові", "еві", "єві", "ого", "ому", "ими", "іми", "ій", "ий", "ої", "ою", "ею", "єю", "ам", "ям",
    "ах", "ях", "ів", "їв", "ом", "ем", "их", "іх", "ну", "ня", "ні", "ню", "нь",
    "а", "я", "о", "е", "є", "і", "ї", "и", "у", "ю", "ь", "й",
}, key=len, reverse=True))
PREFIXES = ("пере", "за", "до", "від", "про", "по", "на", "з", "с", "у", "в")
MIN_AFTER_PREFIX = 5


STOP_WORDS = frozenset({"про", "для", "або", "від", "при", "під", "над", "без", "між", "через", "щодо", "після",
                        "які", "яка", "який", "що", "its", "the", "and", "for"})


def words(query: str) -> list[str]:
    """The query's words that carry meaning: prepositions, conjunctions and words under three letters are
    left out (unless nothing else is left)."""
    found = [w.lower().replace("’", "'").replace("ʼ", "'") for w in WORD_RE.findall(query or "")]
    meaningful = [w for w in found if len(w) >= MIN_STEM and w not in STOP_WORDS]
    return (meaningful or found)[:MAX_WORDS]


def stem(word: str) -> str:
    """The word without its ending (at least MIN_STEM letters are kept)."""
    word = word.lower()
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def stems(word: str) -> list[str]:
    """The stems a query word stands for: its stem, and that stem without a verb's prefix."""
    base = stem(word)
    found = [base]
    for prefix in PREFIXES:
        if base.startswith(prefix) and len(base) - len(prefix) >= MIN_AFTER_PREFIX:
            found.append(base[len(prefix):])
            break
    return found


def _fts_term(value: str) -> str:
    return '"' + value.replace('"', "") + '"*'


def search(query: str, qs: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """The services (of the active community) that match every word of `query`; all of `qs` for no words."""
    qs = Service.objects.all() if qs is None else qs
    groups = [stems(w) for w in words(query)]
    groups = [g for g in groups if g and g[0]]
    if not groups:
        return qs
    if connection.vendor == "sqlite":
        expression = " AND ".join("(" + " OR ".join(_fts_term(s) for s in group) + ")" for group in groups)
        qs = qs.filter(pk__in=RawSQL("SELECT rowid FROM services_service_fts WHERE services_service_fts MATCH %s",
                                     [expression]))
    else:
        qs = qs.filter(reduce(and_, (reduce(or_, (Q(search_text__icontains=s) for s in group))
                                     for group in groups)))
    first = reduce(or_, (Q(name_uk__icontains=s) for s in groups[0]))
    return qs.annotate(name_hit=Case(When(first, then=Value(True)), default=Value(False),
                                     output_field=BooleanField())).order_by("-name_hit", "name_uk", "pk")
