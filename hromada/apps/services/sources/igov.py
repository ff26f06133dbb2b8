"""The iGov portal's catalogue (its seed data, 2017) as services of the register format.

`read_igov(directory)` reads `Service.csv`, `ServiceData.csv`, `Subcategory.csv`, `ServiceTag[Link].csv` and
`patterns_services/{Info,Law}/<nID>.html` under `directory` (the folder `igov`) and gives one service dict per
real, visible service, coded "igov-<nID>". A service with a live (not test, not hidden) place row in
`ServiceData.csv` could be applied for online through the portal; the others are `in_person`.

Dirt handled:

* Names longer than the format allows (500 characters, 1 service) are cut at a word with "…".
* Hidden services (a name starting with "_", 357) and test services (provider "Тестова служба" or the hidden
  subcategory 23 "_Тестова служба", 334 with some overlap) are left out; blank lines of the CSV files are
  skipped; `;`-separated, no quoting, CRLF in some files, the literal `NULL`.
* Booleans written `false`, `FALSE`, `fale`, `true`: only a case-insensitive "true" counts as true.
* The provider is the catalogue's `sSubjectOperatorName` (trailing blanks trimmed). `SubjectOrgan.csv`, which
  `ServiceData.csv` points to, names who operated the portal's process for a place ("Банк ПриватБанк" for 65
  local-council services, "Центри надання адміністративних послуг", "Cервісний центр МВС" with a Latin "C"),
  not who provides the service, so it is not used for the provider.
* Info pages are how-to texts in "Крок 1/2/3" steps, not cards: documents are the items of the lists that follow
  a sentence speaking of documents ("Долучити скан-копії підтверджуючих документів:") and, in the lists of what
  to fill in on the form, the items that ask to upload something ("завантажте скановану копію паспорта");
  the fee and term are sentences recognised by their words ("платною (95 грн.)", "Термін оброблення звернення
  складає до 20 робочих днів"); the result is the good outcome of the last "Ви отримаєте повідомлення, що:"
  list. The pages never give refusal grounds (only that a refusal letter will explain them): none are made up.
  A service without a term sentence gets no term (`days: None`, empty text); without a fee sentence, the fee
  `by_law` with empty details, because the source does not say it is free.
* Law pages give act titles ("«Про місцеве самоврядування»") under headings naming their kind ("Закони
  України:"): each act gets its kind ("Закон України «…»"); remarks such as "Із змінами та доповненнями." are dropped.
* BOMs (even doubled) and blanks before `<!DOCTYPE`, links to old `zakon*.rada.gov.ua` hosts (only the text is
  kept), `<li>` outside lists, `<br>` inside sentences.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from hromada.apps.services.sources.parse import LIFE_SITUATIONS, clean, fit, node_text, parse_fee, parse_term, soup

__all__ = ["LIFE_SITUATIONS", "read_igov"]

# iGov subcategory (nID) → life situations.
SUBCATEGORY_SITUATIONS: dict[str, tuple[str, ...]] = {
    "1": ("construction", "property", "land"), "2": ("authorities",), "3": ("documents", "security"),
    "4": ("documents", "residence", "migration"), "5": ("licences", "business"), "6": ("documents",),
    "7": ("construction", "property", "land", "business"), "8": ("environment", "business"),
    "9": ("environment", "business"), "10": ("business",), "11": ("culture",), "12": ("health",),
    "13": ("education",), "14": ("business",), "15": ("business",), "16": ("taxes",), "17": ("transport",),
    "19": ("business",), "20": ("family",), "21": ("authorities", "business"), "22": ("social-support",),
    "24": ("courts",), "25": ("courts", "business"),
}
# iGov tag (nID of ServiceTag.csv) → life situations; hidden and test tags (names starting "_") are absent.
TAG_SITUATIONS: dict[str, tuple[str, ...]] = {
    "1": ("documents",), "2": ("family",), "3": ("social-support",), "4": ("transport",), "5": ("security",),
    "6": ("residence",), "7": ("property",), "8": ("migration",), "11": ("documents",), "12": ("documents",),
    "13": ("documents", "taxes"), "14": ("birth", "documents"), "15": ("death",), "16": ("documents", "family"),
    "17": ("birth", "family"), "18": ("family",), "19": ("family",), "20": ("social-support", "health"),
    "21": ("pension",), "22": ("death",), "23": ("social-support",), "24": ("transport", "documents"),
    "25": ("transport",), "26": ("transport",), "27": ("security",), "28": ("security", "environment"),
    "29": ("residence",), "30": ("migration",), "32": ("social-support", "residence"), "33": ("property",),
    "34": ("construction", "property"), "35": ("residence",), "36": ("construction", "property"), "37": ("land",),
    "38": ("migration",), "39": ("migration",), "40": ("migration", "residence"), "42": ("licences",),
    "43": ("authorities",), "44": ("authorities",), "45": ("culture",), "46": ("business",),
    "47": ("authorities",), "48": ("social-support", "residence"), "49": ("social-support",), "50": ("pension",),
    "51": ("social-support",), "52": ("health",), "54": ("death",), "55": ("documents",), "60": ("documents",),
    "61": ("health",),
}
TEST_PROVIDER = "Тестова служба"
TEST_SUBCATEGORY = "23"

_DOCUMENTS_LEAD = re.compile(r"документ|скан-копі|копі[юії]|долуч|завантаж|додати|необхідн\w+\s+мати|при собі",
                             re.IGNORECASE)
_FEE_SENTENCE = re.compile(r"послуга\s+(?:є\s+)?(?:без)?платн|послуга\s+безоплатн|послуга\s+безкоштовн|"
                           r"є\s+платною|платною\s*\(|безоплатн\w+\s*\.?$|сума\s+мита|державне\s+мито",
                           re.IGNORECASE)
_TERM_SENTENCE = re.compile(
    r"(?:строк|термін)\w*\s+(?:надання|розгляду|оброблення|виготовлення|оформлення|видачі)"
    r"|(?:строк|термін)\w*\s+\w+\s+(?:складає|становить)|строк\s+виготовлення"
    r"|(?:надається|видається|буде\s+надана|розглядається|буде\s+готов\w*)\b.*\b(?:протягом|на\s+протязі|строк|термін)"
    r"|на\s+протязі\s+\d|-денний\s+термін|за\s+\d+\s+робоч", re.IGNORECASE)
# Deadlines for the applicant (pay within two days, register a death within three) are not the service's term.
_NOT_TERM = re.compile(r"(?:оплатити|сплатити)\b|штраф|несплат|подається\s+не\s+пізніше|після\s+народження|впродовж",
                       re.IGNORECASE)
# The how-to's outcome list ("Після обробки Вашого запиту Ви отримаєте повідомлення, що: …") and, in it, what is
# not the result (a refusal, a mistake to correct, a hand-over to another office).
_OUTCOME_LEAD = re.compile(r"отрим\w+\s+(?:\w+\s+)?повідомлення|стан\s+Вашої\s+заяви|буде\s+вказано", re.IGNORECASE)
_NOT_RESULT = re.compile(r"відмов|помилк|невірн|передано|не\s+призначено|стадії\s+розгляду|вірного\s+заповнення",
                         re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[А-ЯІЇЄҐA-Z«\"])")
# "завантажте скановану копію паспорта" → "Скановану копію паспорта": the verb goes, the document stays.
_UPLOAD = re.compile(r"^(?:завантаж\w*|долуч\w*|додай\w*|додайте|додати|прикріп\w*)\s+(?:(?:також|всі|усі)\s+)?",
                     re.IGNORECASE)
_INLINE = {"a", "b", "strong", "i", "br", "em", "span", "u"}
_STEP = re.compile(r"^крок\s+\d", re.IGNORECASE)


def _rows(path: Path) -> list[dict[str, str]]:
    """The records of a `;`-separated iGov seed file, blank lines skipped, values trimmed."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [{key.strip(): (value or "").strip() for key, value in row.items() if isinstance(key, str)}
                for row in csv.DictReader(handle, delimiter=";")]
    return [row for row in rows if any(row.values())]


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def is_listed(service: dict[str, str]) -> bool:
    """A real, visible service: not hidden ("_" before the name), not a test one."""
    name = service.get("sName", "").strip()
    return bool(name) and not name.startswith("_") and service.get("sSubjectOperatorName", "").strip() != \
        TEST_PROVIDER and service.get("nID_Subcategory", "").strip() != TEST_SUBCATEGORY


def _page(directory: Path, kind: str, ident: str) -> BeautifulSoup | None:
    path = directory / "patterns_services" / kind / f"{ident}.html"
    if not path.exists():
        return None
    return soup(path.read_text(encoding="utf-8-sig"))


def _blocks(page: BeautifulSoup) -> list[tuple[str, Tag]]:
    """The page's paragraphs, headings and list items in order, with their text on one line."""
    body = page.body or page
    blocks = []
    for node in body.find_all(["p", "li", "h3", "h4", "div", "span", "td"]):
        if node.find(["p", "li", "ul", "ol", "div", "table"]) is not None:
            # Only the node's own text, not that of nested blocks, which come on their own.
            own = clean(" ".join(_inline_text(child) for child in node.children))
        else:
            own = node_text(node)
        if own:
            blocks.append((own, node))
    return blocks


def _inline_text(node: object) -> str:
    """The text of a string or an inline element; "" for a nested block, which is read on its own."""
    if isinstance(node, NavigableString):
        return str(node)
    return node.get_text(" ") if isinstance(node, Tag) and node.name in _INLINE else ""


def _sentences(blocks: list[tuple[str, Tag]]) -> list[str]:
    return [sentence for text, _ in blocks for sentence in _SENTENCE.split(text) if sentence]


def _title(item: str) -> str:
    item = item.strip().rstrip(" ;.,")
    return item[:1].upper() + item[1:]


def _outside_items(text: object) -> bool:
    """A non-blank text that is not inside a list item."""
    return isinstance(text, NavigableString) and bool(clean(text)) and text.find_parent("li") is None


def _lead(item: Tag) -> str:
    """The nearest text before the item's own list: a paragraph, or the last item of a list of steps."""
    own_list = item.parent
    for text in item.find_all_previous(string=True):
        if clean(text) and (own_list is None or own_list not in text.parents):
            return clean(text)
    return ""


def _documents(page: BeautifulSoup) -> list[dict[str, str]]:
    """Items of the lists that follow a sentence about documents (the how-to's "attach scans of: …")."""
    titles: list[str] = []
    for item in page.find_all("li"):
        if item.find(["ul", "ol"]) is not None:
            continue  # a heading item; its own items come on their own
        text = node_text(item)
        if not text or _STEP.match(text) or text.endswith(":"):
            continue  # a step, or the lead of a list ("Долучити скан-копії підтверджуючих документів:")
        holder = item.find_parent("li")
        if holder is not None:
            lead = clean(" ".join(_inline_text(child) for child in holder.children))
        else:
            lead = _lead(item)
        if _DOCUMENTS_LEAD.search(lead[-200:]) or _UPLOAD.match(text):
            titles.append(_title(_UPLOAD.sub("", text)))
    unique = list(dict.fromkeys(t for t in titles if 3 <= len(t) <= 1000))
    return [{"title": title, "requirements": ""} for title in unique]


def _result(page: BeautifulSoup) -> str:
    """The first good outcome in the page's last outcome list ("Вам підготовлено копію рішення (витягу)")."""
    result = ""
    for listing in page.find_all(["ul", "ol"]):
        previous = listing.find_previous(string=_outside_items)
        if previous is None or not _OUTCOME_LEAD.search(clean(previous)):
            continue
        items = [node_text(li) for li in listing.find_all("li")]
        good = [item for item in items if item and not _NOT_RESULT.search(item)]
        if good:
            result = good[0].rstrip(" ;,")
    return result


def _info_fields(page: BeautifulSoup) -> dict[str, Any]:
    sentences = _sentences(_blocks(page))
    fields: dict[str, Any] = {"documents": _documents(page)}
    fee_sentences = [s for s in sentences if _FEE_SENTENCE.search(s)]
    fields["fee"] = parse_fee(" ".join(dict.fromkeys(fee_sentences))) if fee_sentences else None
    term_sentences = [s for s in sentences
                      if _TERM_SENTENCE.search(s) and not _NOT_TERM.search(s) and parse_term(s)["days"] is not None]
    fields["term"] = parse_term(term_sentences[0]) if term_sentences else None
    fields["result"] = _result(page)
    return fields


# A Law page lists act titles ("«Про місцеве самоврядування»") under headings naming their kind.
_ACT_KINDS = (
    (re.compile(r"^закон", re.IGNORECASE), "Закон України"),
    (re.compile(r"^(?:акти|постанова)\s+кабінету", re.IGNORECASE), "Акт Кабінету Міністрів України"),
    (re.compile(r"^акти\s+центральних", re.IGNORECASE), "Акт центрального органу виконавчої влади"),
    (re.compile(r"^акти\s+місцевих", re.IGNORECASE), "Акт місцевого органу влади"),
)
_NOT_ACT = re.compile(r"^(?:із|з)\s+змінами", re.IGNORECASE)


def _act_kind(heading: str) -> str:
    heading = heading.rstrip(" :")
    for pattern, kind in _ACT_KINDS:
        if pattern.match(heading):
            return kind
    # "Наказ Міністерства юстиції України", "Указ Президії Верховної Ради СРСР": the heading is the kind
    return heading if re.match(r"^(?:наказ|указ|лист)", heading, re.IGNORECASE) else ""


def _legal_basis(page: BeautifulSoup) -> list[str]:
    """The acts a Law page lists, each with its kind from the heading above it ("Закон України «…»")."""
    acts: list[str] = []
    body = page.body or page
    kind = ""
    for node in body.find_all(["h3", "h4", "h5", "p", "li"]):
        text = node_text(node)
        if not text:
            continue
        if node.name in ("h3", "h4", "h5") or text.endswith(":"):
            kind = _act_kind(text)
            continue
        if _NOT_ACT.match(text):
            continue
        acts.append(f"{kind} {text}" if kind and text[:1] in "«\"" else text)
    return list(dict.fromkeys(acts))


def _tags(directory: Path) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = defaultdict(list)
    for row in _rows(directory / "ServiceTagLink.csv"):
        tags[row["nID_Service"]].append(row["nID_ServiceTag"])
    return tags


def _keywords(listed: str, tag_names: list[str]) -> list[str]:
    """The catalogue's comma-separated keywords, then the names of the service's visible tags, once each."""
    words = [clean(word).lower() for word in listed.split(",")] + tag_names
    return list(dict.fromkeys(word for word in words if word))


def _tag_names(directory: Path) -> dict[str, str]:
    """Visible tag nID → its Ukrainian name; hidden ("_…") and "скрыто"-type tags left out."""
    return {row["nID"]: clean(row["sName_UA"]).lower() for row in _rows(directory / "ServiceTag.csv")
            if row.get("sName_UA") and not row["sName_UA"].startswith("_") and row.get("nID_ServiceTagType") != "4"
            and not row.get("sID", "").startswith("_")}


def read_igov(directory: Path) -> list[dict[str, Any]]:
    """One service dict per real, visible iGov service, in the order of their ids."""
    categories = {row["nID"]: row["nID_Category"] for row in _rows(directory / "Subcategory.csv")}
    tags = _tags(directory)
    online = _online(directory)
    tag_names = _tag_names(directory)
    services = []
    for row in sorted(_rows(directory / "Service.csv"), key=lambda r: int(r["nID"])):
        if not is_listed(row):
            continue
        ident = row["nID"]
        situations: list[str] = list(SUBCATEGORY_SITUATIONS.get(row["nID_Subcategory"], ()))
        for tag in tags.get(ident, []):
            situations.extend(TAG_SITUATIONS.get(tag, ()))
        category = categories.get(row["nID_Subcategory"])
        service: dict[str, Any] = {
            "code": f"igov-{ident}",
            "national_code": "",
            "name": fit(clean(row["sName"]), 500),
            "name_en": "",
            "provider": clean(row["sSubjectOperatorName"]),
            "audience": ["business"] if category == "2" else ["person"],
            "life_situations": list(dict.fromkeys(situations)),
            "status": "active",
            "keywords": _keywords(row["saKeyword"], [tag_names[t] for t in tags.get(ident, []) if t in tag_names]),
            "legal_basis": [],
            "documents": [],
            "apply_methods": ["online"] if ident in online else ["in_person"],
            "fee": {"kind": "by_law", "amount": None, "details": ""},
            "term": {"days": None, "kind": "calendar", "text": ""},
            "result": "",
            "delivery": "",
            "refusal_grounds": [],
            "appeal_procedure": "",
            "offices": [],
            "identity_level": "none",
            "form": [],
        }
        law = _page(directory, "Law", ident) if row["sLaw"] == "[*]" else None
        if law is not None:
            service["legal_basis"] = _legal_basis(law)
        info = _page(directory, "Info", ident) if row["sInfo"] == "[*]" else None
        if info is not None:
            fields = _info_fields(info)
            service["documents"] = fields["documents"]
            service["fee"] = fields["fee"] or service["fee"]
            service["term"] = fields["term"] or service["term"]
            service["result"] = fields["result"]
        services.append(service)
    return services


def _online(directory: Path) -> set[str]:
    """Services with at least one non-test, non-hidden place row: offered through the portal."""
    return {row["nID_Service"] for row in _rows(directory / "ServiceData.csv")
            if not _true(row.get("bTest", "")) and not _true(row.get("bHidden", ""))}
