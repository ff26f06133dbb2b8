"""package_search: CKAN's q / fq / sort / facets over the catalogue, without Solr.

The supported fq grammar is the part harvesters and portals send: ``field:value``,
``field:"quoted value"``, ``field:(a OR b)``, ``field:[FROM TO TO]`` on dates, each optionally
prefixed with ``+`` or ``-``, joined by spaces or AND. Anything else is a malformed query.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from hromada.apps.opendata.models import Dataset, Format, Publisher, Tag, Theme, _localized


class SearchQueryError(ValueError):
    pass


TOKEN_RE = re.compile(
    r'\s*(?:(?P<op>AND|OR)\b|(?P<sign>[-+]?)(?P<field>[A-Za-z_]+):'
    r'(?P<value>"[^"]*"|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|[^\s()\[\]{}"]+))\s*'
)
DATE_FIELDS = {"metadata_modified": "metadata_modified", "metadata_created": "created_at"}
NOW_RE = re.compile(r"^NOW(?:(?P<sign>[-+])(?P<n>\d+)(?P<unit>DAYS?|HOURS?|MINUTES?|MONTHS?|YEARS?))?(?:/DAY)?$")
SORT_FIELDS = {
    "id": "id", "name": "name", "title_string": "title_uk", "title": "title_uk",
    "metadata_modified": "metadata_modified", "metadata_created": "created_at",
}


@dataclass
class Clause:
    negate: bool
    field: str
    value: str


MAX_TERMS = 100  # more words or clauses than any real search; each is a condition in the SQL statement


def parse_query(text: str) -> list[Clause]:
    clauses: list[Clause] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        if len(clauses) >= MAX_TERMS:
            raise SearchQueryError(f"more than {MAX_TERMS} clauses")
        match = TOKEN_RE.match(text, pos)
        if match is None or match.end() == pos:
            raise SearchQueryError(f"cannot parse the filter at: {text[pos:pos + 40]!r}")
        pos = match.end()
        if match["op"]:
            if match["op"] == "OR":
                raise SearchQueryError("OR between fields is not supported; use field:(a OR b)")
            continue
        clauses.append(Clause(match["sign"] == "-", match["field"], match["value"]))
    return clauses


def _values(raw: str) -> list[str]:
    if raw.startswith('"'):
        return [raw[1:-1]]
    if raw.startswith("("):
        inner = raw[1:-1].strip()
        parts = [p.strip() for p in re.split(r"\s+OR\s+", inner) if p.strip()]
        if not parts:
            raise SearchQueryError("empty list")
        return [p[1:-1] if p.startswith('"') and p.endswith('"') else p for p in parts]
    return [raw]


def _instant(text: str) -> dt.datetime | None:
    text = text.strip()
    if text == "*":
        return None
    now = NOW_RE.match(text)
    if now:
        moment = timezone.now()
        if now["n"]:
            n = int(now["n"]) * (-1 if now["sign"] == "-" else 1)
            unit = now["unit"].rstrip("S")
            days = {"DAY": 1, "MONTH": 30, "YEAR": 365}.get(unit)
            delta = dt.timedelta(days=n * days) if days else (
                dt.timedelta(hours=n) if unit == "HOUR" else dt.timedelta(minutes=n))
            moment += delta
        return moment
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SearchQueryError(f"not a date: {text!r}") from exc
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _range_q(column: str, raw: str) -> Q:
    if not (raw.startswith("[") or raw.startswith("{")):
        raise SearchQueryError(f"{column} needs a range like [2024-01-01T00:00:00Z TO *]")
    parts = re.split(r"\s+TO\s+", raw[1:-1].strip())
    if len(parts) != 2:
        raise SearchQueryError(f"bad range {raw!r}")
    low, high = _instant(parts[0]), _instant(parts[1])
    inclusive = raw.startswith("[")
    q = Q()
    if low is not None:
        q &= Q(**{f"{column}__{'gte' if inclusive else 'gt'}": low})
    if high is not None:
        q &= Q(**{f"{column}__{'lte' if inclusive else 'lt'}": high})
    return q


def clause_q(clause: Clause) -> Q | None:
    """The filter of one clause; None for clauses that are always true here (dataset_type:dataset)."""
    field, raw = clause.field, clause.value
    if field in DATE_FIELDS:
        return _range_q(DATE_FIELDS[field], raw)
    values = _values(raw)
    if field in ("organization", "owner_org"):
        q = Q(publisher__name__in=values) | Q(publisher__id__in=[v for v in values if _is_uuid(v)])
    elif field == "groups":
        q = Q(themes__name__in=values)
    elif field == "tags":
        q = Q(tags__name__in=values)
    elif field in ("res_format", "res_format_str"):
        q = Q(resources__format__iexact=values[0]) if len(values) == 1 else \
            Q(resources__format__in=values + [v.upper() for v in values])
    elif field == "name":
        q = Q(name__in=values)
    elif field == "id":
        q = Q(id__in=[v for v in values if _is_uuid(v)])
    elif field == "license_id":
        q = Q(license_id__in=values)
    elif field in ("update_frequency", "frequency"):
        q = Q(frequency__in=values)
    elif field == "identifier":
        q = Q(identifier__in=values)
    elif field in ("dataset_type", "type"):
        return None if values == ["dataset"] else Q(pk__in=[])
    elif field in ("capacity", "state"):
        return None if values[0] in ("public", "active") else Q(pk__in=[])
    elif field in ("text", "title", "notes"):
        q = Q()
        words = " ".join(values).lower().split()
        if len(words) > MAX_TERMS:
            raise SearchQueryError(f"more than {MAX_TERMS} words")
        for word in words:
            q &= Q(search_text__contains=word)
    else:
        raise SearchQueryError(f"unknown field {field!r}")
    return q


def _is_uuid(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", text))


def apply_filters(qs: QuerySet[Dataset], clauses: list[Clause]) -> QuerySet[Dataset]:
    for clause in clauses:
        q = clause_q(clause)
        if q is None:
            continue
        # Multi-valued relations go through an id subquery, so rows never repeat.
        ids = Dataset.objects.filter(q).values("pk")
        qs = qs.exclude(pk__in=ids) if clause.negate else qs.filter(pk__in=ids)
    return qs


def apply_q(qs: QuerySet[Dataset], q: str) -> QuerySet[Dataset]:
    q = (q or "").strip()
    if q in ("", "*:*", "*"):
        return qs
    if TOKEN_RE.fullmatch(q) and ":" in q:
        try:
            return apply_filters(qs, parse_query(q))
        except SearchQueryError:
            pass
    words = [word for word in q.lower().replace('"', " ").split() if word not in ("and", "or")]
    if len(words) > MAX_TERMS:
        raise SearchQueryError(f"more than {MAX_TERMS} words")
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs


def parse_sort(sort: str) -> list[str]:
    order: list[str] = []
    for part in (sort or "").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        field = bits[0]
        direction = bits[1].lower() if len(bits) > 1 else "asc"
        if direction not in ("asc", "desc") or len(bits) > 2:
            raise SearchQueryError(f"bad sort {part!r}")
        if field in ("score", "rank", "relevance"):
            continue
        column = SORT_FIELDS.get(field)
        if column is None:
            raise SearchQueryError(f"cannot sort on {field!r}")
        order.append(("-" if direction == "desc" else "") + column)
    if not order:
        order = ["-metadata_modified"]
    if not any(o.lstrip("-") == "id" for o in order):
        order.append("id")  # a stable order, so paging never repeats or skips a data set
    return order


# Requested facet field -> the facet it counts (CKAN accepts a few aliases).
FACET_KINDS = {"organization": "organization", "groups": "groups", "tags": "tags", "res_format": "res_format",
               "res_format_str": "res_format", "license_id": "license_id", "update_frequency": "update_frequency",
               "frequency": "update_frequency"}


@dataclass
class Summary:
    """The count of a search and its facet counts, from one SQL statement (:func:`summarize`)."""

    count: int
    counts: dict[str, list[tuple[str, int]]]  # by requested field: (value, number of data sets)
    titles: dict[str, dict[str, str]]  # display names of organizations and groups, in the active language

    def facets(self, limit: int, mincount: int) -> dict[str, dict[str, int]]:
        """CKAN's ``facets``: most frequent first (ties by name), at least ``mincount``, at most ``limit``."""
        out = {}
        for field, rows in self.counts.items():
            counts = sorted(((name, n) for name, n in rows if n >= mincount), key=lambda item: (-item[1], item[0]))
            out[field] = dict(counts[:limit] if limit >= 0 else counts)
        return out


# One SELECT per facet over the matching data sets ``m`` (see summarize); {i} is the facet's number,
# the table names are filled in from the models. Rows: (facet number, value, title_uk, title_en, count).
FACET_SQL = {
    "organization": "SELECT {i}, p.name, p.title_uk, p.title_en, COUNT(*) FROM m JOIN {publisher} p "
                    "ON p.id = m.publisher_id GROUP BY p.name, p.title_uk, p.title_en",
    # Keywords and themes are counted per id over the link table, semi-joined to m (hashing the
    # matches, not the 20,000 links); the link (data set, tag) is unique, so COUNT(*) counts data sets.
    "groups": "SELECT {i}, t.name, t.title_uk, t.title_en, c.n FROM (SELECT x.theme_id, COUNT(*) AS n "
              "FROM {dataset_themes} x WHERE x.dataset_id IN (SELECT id FROM m) GROUP BY x.theme_id) c "
              "JOIN {theme} t ON t.id = c.theme_id",
    "tags": "SELECT {i}, t.name, '', '', c.n FROM (SELECT x.tag_id, COUNT(*) AS n FROM {dataset_tags} x "
            "WHERE x.dataset_id IN (SELECT id FROM m) GROUP BY x.tag_id) c JOIN {tag} t ON t.id = c.tag_id",
    # One row per format, also with no data set (facet.mincount=0 lists it), over the denormalised
    # "|CSV|JSON|" column (ckan/store.py): no join to the resources. Params: the format, its pattern.
    "res_format": "SELECT {i}, %s, '', '', COUNT(*) FROM m WHERE m.res_formats LIKE %s",
    "license_id": "SELECT {i}, m.license_id, '', '', COUNT(*) FROM m GROUP BY m.license_id",
    "update_frequency": "SELECT {i}, m.frequency, '', '', COUNT(*) FROM m GROUP BY m.frequency",
}
MATCHES = ("id", "publisher_id", "license_id", "frequency", "res_formats")


def summarize(qs: QuerySet[Dataset], fields: list[str]) -> Summary:
    """The number of matching data sets and the counts of the requested facets, in one statement.

    The filters (``q`` and every ``fq`` clause, often a ``LIKE '%word%'`` over every data set) are
    evaluated once, into a common table expression ``m`` that the count and every facet then group;
    evaluating them again for the count and for each facet was most of a typical search's time.
    """
    connection = connections[qs.db]
    qn = connection.ops.quote_name
    tables: dict[str, type[Model]] = {"publisher": Publisher, "theme": Theme, "tag": Tag,
                                      "dataset_themes": Dataset.themes.through,
                                      "dataset_tags": Dataset.tags.through}
    names = {key: qn(model._meta.db_table) for key, model in tables.items()}
    inner, inner_params = qs.order_by().values_list(*MATCHES).query.get_compiler(qs.db).as_sql()
    params = list(inner_params)
    kinds = {field: FACET_KINDS[field] for field in dict.fromkeys(fields) if field in FACET_KINDS}
    parts = ["SELECT 0, '', '', '', COUNT(*) FROM m"]
    for index, kind in enumerate(kinds.values(), start=1):
        template = FACET_SQL[kind].format(i=index, **names)
        if kind == "res_format":
            for fmt in Format.values:
                parts.append(template)
                params += [fmt, f"%|{fmt}|%"]
        else:
            parts.append(template)
    sql = f"WITH m ({', '.join(MATCHES)}) AS ({inner}) " + " UNION ALL ".join(parts)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    requested = list(kinds)
    count = 0
    counts: dict[str, list[tuple[str, int]]] = {field: [] for field in requested}
    titles: dict[str, dict[str, str]] = {}
    for index, name, title_uk, title_en, n in rows:
        if index == 0:
            count = n
            continue
        field = requested[index - 1]
        counts[field].append((name, n))
        if kinds[field] in ("organization", "groups"):
            titles.setdefault(field, {})[name] = _localized(title_uk, title_en)
    return Summary(count, counts, titles)


def search_facets(facets: dict[str, dict[str, int]], titles: dict[str, dict[str, str]]) -> dict[str, Any]:
    """CKAN's ``search_facets``: each facet's items with their display names."""
    out = {}
    for field, counts in facets.items():
        names = titles.get(field, {})
        out[field] = {"title": field, "items": [
            {"name": name, "display_name": names.get(name, name), "count": n} for name, n in counts.items()]}
    return out
