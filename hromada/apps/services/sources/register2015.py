"""The 2015 national Register of administrative services (poslugy.gov.ua cards) as services of the register format.

`read_register2015(directory)` reads `pages/Details_<GUID>.html` under `directory` (the folder
`poslugy_gov_ua_2015`) and gives one service dict per card, keyed by the card's GUID.

Dirt handled:

* Raw ASP.NET pages (CRLF, deep indentation, `<span class='empty'>` around texts, inline styles): each field is
  found by its label (`Строк надання:` …), including the source's typo `Підстави для відмови у наданні послуи:`,
  and read with an HTML parser; 30 cards have no refusal grounds at all.
* Titles cut mid-word by the portal at 255 characters ("…для здоров'я населе", 5 cards): the scraper's
  `services.csv` is cut at the same place, so the full name is nowhere; such a name ends with "…".
* Terms and fees as hand-written text (see `parse.py`): the number missing, "Не встановлено", words for numbers.
* Documents grouped by kind of applicant ("Фізичні особи", "Юридичні особи"): one numbered list, a document asked
  of several kinds once, with the kinds it applies to in `requirements` when the card has more than one group.
* Several providers per card (one card for all district offices): the provider is their names joined by "; ";
  ЦНАПs become office codes (their GUIDs), listed with their names by `register2015_offices`.
* No categories: life situations come from words of the name and result (`parse.situations_for`).
* Refusal grounds written as one paragraph: split into sentences / numbered items.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from hromada.apps.services.sources.parse import clean, fit, node_text, parse_fee, parse_term, situations_for, soup

LABELS = {
    "result": "Результат надання послуги:",
    "recipients": "Кому надається:",
    "term": "Строк надання:",
    "refusal": "Підстави для відмови у наданні послуи:",
    "delivery": "Можливі способи отримання відповіді (результату):",
    "fee": "Розмір сплати:",
    "documents": "Перелік необхідних документів для отримання послуги:",
}
PORTAL_NAME_LIMIT = 255  # the portal stored names in 255 characters and cut longer ones mid-word
NOT_SET = "Не встановлено"  # the card's own words where it names no provider
_PERSON = ("фізичні особи", "іноземні громадяни")
_BUSINESS = ("юридичні особи", "суб'єкти господарювання")
_GUID = re.compile(r"Details_([0-9a-f-]{36})\.html$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.;])\s+(?=(?:\d+[.)]\s*)?[А-ЯІЇЄҐA-Z])|\s+(?=\d+[.)]\s+[А-ЯІЇЄҐA-Z])")
_LEADING_NUMBER = re.compile(r"^\d+[.)]\s*")


def _plain(text: str) -> str:
    return text.replace("’", "'").replace("ʼ", "'").lower()


def _fields(page: BeautifulSoup) -> dict[str, Tag]:
    """Each labelled item of the description tab, by the key of its label."""
    items: dict[str, Tag] = {}
    for bold in page.select("li.lsti > b"):
        label = clean(bold.get_text())
        for key, wanted in LABELS.items():
            if label == wanted:
                parent = bold.parent
                assert isinstance(parent, Tag)
                bold.extract()
                items[key] = parent
    return items


def _list_items(node: Tag | None) -> list[str]:
    if node is None:
        return []
    return [text for li in node.find_all("li") if (text := node_text(li))]


def _tab_links(page: BeautifulSoup, tab: str) -> list[tuple[str, str]]:
    """(href id, text) of the links in tab `hsItem<n>`: legal acts, providers, ЦНАПs."""
    box = page.find(id=tab)
    if not isinstance(box, Tag):
        return []
    links = []
    for a in box.find_all("a"):
        href = str(a.get("href", ""))
        links.append((href.rsplit("id=", 1)[-1], node_text(a)))
    return [(ident, text) for ident, text in links if text]


def _documents(node: Tag | None) -> list[dict[str, str]]:
    if node is None:
        return []
    groups: list[tuple[str, list[str]]] = []
    outer = node.find("ol")
    if not isinstance(outer, Tag):
        return []
    for group in outer.find_all("li", recursive=False):
        inner = group.find("ol")
        titles = [node_text(div) for div in inner.find_all("div")] if isinstance(inner, Tag) else []
        if isinstance(inner, Tag):
            inner.extract()
        groups.append((node_text(group), [t for t in titles if t]))
    order: dict[str, list[str]] = {}
    for kind, titles in groups:
        for title in titles:
            order.setdefault(title, [])
            if kind and kind not in order[title]:
                order[title].append(kind)
    every = {kind for kind, _ in groups}
    return [{"title": title, "requirements": "" if set(kinds) == every else "; ".join(kinds)}
            for title, kinds in order.items()]


def split_grounds(text: str) -> list[str]:
    """A paragraph of refusal grounds as a list: split at sentence ends and numbered items."""
    parts = [_LEADING_NUMBER.sub("", part).strip(" ;") for part in _SENTENCE_SPLIT.split(clean(text))]
    return [part for part in parts if part]


def _name(title: str) -> str:
    """The card's title; one the portal cut at its 255-character limit is marked as cut with "…"."""
    return title + "…" if len(title) >= PORTAL_NAME_LIMIT else title


def _audience(recipients: list[str]) -> list[str]:
    plain = [_plain(r) for r in recipients]
    audience = []
    if any(r.startswith(_PERSON) for r in plain):
        audience.append("person")
    if any(r.startswith(_BUSINESS) for r in plain):
        audience.append("business")
    return audience or ["person"]


def read_card(path: Path) -> dict[str, Any]:
    """One card (`Details_<GUID>.html`) as a service dict."""
    match = _GUID.search(path.name)
    if not match:
        raise ValueError(f"{path.name}: not a register card (Details_<GUID>.html)")
    page = soup(path.read_text(encoding="utf-8"))
    title_box = page.select_one("div.flow > div.tit")
    title = node_text(title_box) or node_text(page.title)
    fields = _fields(page)
    recipients = _list_items(fields.get("recipients"))
    refusal = node_text(fields.get("refusal"))
    providers = list(dict.fromkeys(text for _, text in _tab_links(page, "hsItem3")))
    offices = list(dict.fromkeys(ident for ident, _ in _tab_links(page, "hsItem4")))
    delivery = _list_items(fields.get("delivery"))
    return {
        "code": match.group(1),
        "national_code": match.group(1),
        "name": fit(_name(title), 500),
        "name_en": "",
        "provider": "; ".join(providers) or NOT_SET,
        "audience": _audience(recipients),
        "life_situations": situations_for(f"{title} {node_text(fields.get('result'))}"),
        "status": "active",
        "keywords": [],
        "legal_basis": list(dict.fromkeys(text for _, text in _tab_links(page, "hsItem2"))),
        "documents": _documents(fields.get("documents")),
        "apply_methods": ["in_person"],
        "fee": parse_fee(node_text(fields.get("fee"))),
        "term": parse_term(node_text(fields.get("term"))),
        "result": node_text(fields.get("result")),
        "delivery": "; ".join(delivery),
        "refusal_grounds": split_grounds(refusal) if refusal else [],
        "appeal_procedure": "",
        "offices": offices,
        "identity_level": "none",
        "form": [],
    }


def read_register2015(directory: Path) -> list[dict[str, Any]]:
    """Every card under `directory/pages` as a service dict, in the order of their GUIDs."""
    return [read_card(path) for path in sorted((directory / "pages").glob("Details_*.html"))]


def register2015_offices(directory: Path) -> list[dict[str, Any]]:
    """The ЦНАП offices the cards name, as offices of the register format (only the name is known)."""
    offices: dict[str, str] = {}
    for path in sorted((directory / "pages").glob("Details_*.html")):
        for ident, name in _tab_links(soup(path.read_text(encoding="utf-8")), "hsItem4"):
            offices.setdefault(ident, name)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [{"code": code, "name": name, "address": "", "phone": "", "email": "", "hours": dict.fromkeys(days, "")}
            for code, name in offices.items()]
