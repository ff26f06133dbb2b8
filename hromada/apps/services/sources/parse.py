"""Shared pieces of the register converters: HTML to clean text, terms and fees written by hand.

Dirt handled (all of it seen in the iGov pages and the 2015 register cards):

* Byte-order marks (some doubled), white space before `<!DOCTYPE`, CRLF, no-break spaces and runs of blanks:
  every text goes through the project's one cleaner (`hromada.core.text.strip_controls`) after the HTML is
  parsed by a real parser (BeautifulSoup on the standard library's `html.parser`), never by regular expressions.
* Terms: the number missing ("робочих днів", "календарних днів.", "днів", "місяць"), "Не встановлено",
  numbers in words and in any case ("П'ять", "десяти", "двох"), "5-ти", "До 30 днів", "у 5-денний
  термін", "у тримісячний строк", "не більше ніж",
  a term in months ("Протягом місяця"), the same day ("в день звернення", "під час прийому", "Протягом дня",
  minutes), a day and night ("протягом доби"), and two different terms for two kinds of applicants. A term
  whose number is missing or ambiguous gets `days: None`; the original wording is always kept in `text`.
* Fees: "Безоплатна" and "Безоплатно" (and "безкоштовно"); amounts as "200 грн.", "8,50 грн.", "17.00 грн",
  "1 грн. 70 коп.", "85 коп", with a no-break space, or inside brackets after the tax-free minimum they derive
  from ("½ неоподаткованого мінімуму доходів громадян (8,5 грн)"); several different amounts for different
  cases, and fees that refer to another fee or to the law ("У подвійному розмірі збору за первинну видачу",
  "державне мито"). One amount gives `fixed` with a decimal string; several different amounts or a reference
  give `by_law`, with the wording kept in `details`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, TypedDict

from bs4 import BeautifulSoup, Tag

from hromada.core.text import strip_controls

# The life situations the converters file services under; the importer creates them from this table.
LIFE_SITUATIONS: list[dict[str, str]] = [
    {"code": "birth", "name": "Народження дитини", "name_en": "Birth of a child"},
    {"code": "family", "name": "Сім'я та шлюб", "name_en": "Family and marriage"},
    {"code": "death", "name": "Смерть близької людини", "name_en": "Death of a relative"},
    {"code": "documents", "name": "Особисті документи", "name_en": "Personal documents"},
    {"code": "residence", "name": "Місце проживання", "name_en": "Place of residence"},
    {"code": "migration", "name": "Громадянство та міграція", "name_en": "Citizenship and migration"},
    {"code": "social-support", "name": "Соціальна підтримка", "name_en": "Social support"},
    {"code": "pension", "name": "Пенсія", "name_en": "Pension"},
    {"code": "health", "name": "Здоров'я", "name_en": "Health"},
    {"code": "education", "name": "Освіта", "name_en": "Education"},
    {"code": "property", "name": "Нерухоме майно", "name_en": "Real estate"},
    {"code": "land", "name": "Земельна ділянка", "name_en": "Land plot"},
    {"code": "construction", "name": "Будівництво", "name_en": "Construction"},
    {"code": "transport", "name": "Транспорт", "name_en": "Transport"},
    {"code": "business", "name": "Підприємництво", "name_en": "Business"},
    {"code": "licences", "name": "Ліцензії та дозволи", "name_en": "Licences and permits"},
    {"code": "environment", "name": "Довкілля", "name_en": "Environment"},
    {"code": "culture", "name": "Культура", "name_en": "Culture"},
    {"code": "taxes", "name": "Податки", "name_en": "Taxes"},
    {"code": "security", "name": "Безпека, зброя та військовий облік", "name_en": "Security, arms and military"},
    {"code": "authorities", "name": "Звернення до влади", "name_en": "Dealing with authorities"},
    {"code": "courts", "name": "Суди та виконавче провадження", "name_en": "Courts and enforcement"},
]

# Words of a service's name that put it under a life situation (for sources without categories).
_SITUATION_PATTERNS = (
    (r"народжен|багатодітн", "birth"),
    (r"дитин|діт(?:ей|и)|усиновл|опік|підопічн|піклуван|прийомн|шлюб|алімент|сім['’]", "family"),
    (r"поховання|смерт|загибл", "death"),
    (r"паспорт\w* громадянина|картк\w* платника|посвідчення особи", "documents"),
    (r"місц\w* проживання|поштов\w* адрес|будівельн\w* адрес", "residence"),
    (r"житл|жил\w* приміщ|квартирн|ордер|нерухом|приватиз", "property"),
    (r"земел|землевпоряд|землеустр|кадастр", "land"),
    (r"будівельн|будівництв|підготовч\w* робіт|забудов|містобудівн", "construction"),
    (r"машин|трактор|причеп|транспорт|номерн\w* знак|технічн\w* огляд|руху", "transport"),
    (r"ветеран|учасник війни|інвалід|чорнобил|переслідуван|реабілітац|соціальн", "social-support"),
    (r"санітарн|епідеміолог|харчов|ветеринар", "health"),
    (r"навчальн|освіт|іспит", "education"),
    (r"юридичн\w* особ|потужност|підприєм|акці|реклам", "business"),
    (r"дозвіл|ліценз|експлуатаційн", "licences"),
    (r"культурн|пам['’]ят|турист", "culture"),
    (r"дерев|зелен\w* насаджен|водокористув|геологічн|тварин", "environment"),
)
SITUATION_WORDS = tuple((re.compile(pattern, re.IGNORECASE), code) for pattern, code in _SITUATION_PATTERNS)


def situations_for(text: str) -> list[str]:
    """Life-situation codes that the words of a service's name (and result) point to, in table order."""
    found = {code for pattern, code in SITUATION_WORDS if pattern.search(text)}
    return [situation["code"] for situation in LIFE_SITUATIONS if situation["code"] in found]


class Term(TypedDict):
    days: int | None
    kind: str  # "calendar" | "working"
    text: str


class Fee(TypedDict):
    kind: str  # "free" | "fixed" | "by_law"
    amount: str | None
    details: str


# A Ukrainian number word's stem: "п'ять", "п'яти", "п’ятьох" all start with "п'ят".
_NUMBER_WORDS: tuple[tuple[str, int], ...] = (
    ("одного", 1), ("один", 1), ("одна", 1), ("одну", 1), ("двох", 2), ("два", 2), ("дві", 2), ("трьох", 3),
    ("три", 3), ("чотир", 4), ("п'ятнадцят", 15), ("п'ят", 5), ("шіст", 6), ("шест", 6), ("сім", 7), ("сем", 7),
    ("вісім", 8), ("восьм", 8), ("дев'ят", 9), ("десят", 10), ("чотирнадцят", 14), ("двадцят", 20),
    ("тридцят", 30), ("сорок", 40), ("шістдесят", 60), ("дев'яност", 90),
)
_WORD_NUMBER = re.compile(
    r"(?<![\w'])(" + "|".join(sorted((re.escape(w) for w, _ in _NUMBER_WORDS), key=len, reverse=True)) + r")\w*",
    re.IGNORECASE)
_UNIT = (r"(?P<unit>робоч\w*\s+(?:дн\w*|день)|календарн\w*\s+(?:дн\w*|день)|дн(?:ів|я|і)\b|день\b|доб\w*|"
         r"місяц\w*|місяць|тиж\w*|хв\w*|годин\w*)")
_NUMBER_UNIT = re.compile(r"(?P<number>\d{1,3})(?:\s*-\s*(?:ти|х|ох|ми|и))?\s*" + _UNIT, re.IGNORECASE)
# "у 5-денний термін", "у тримісячний строк", "у місячний строк"
_ADJECTIVE_TERM = re.compile(r"\b(?P<number>\d{1,3}-|одно|дво|три|чотири|п'яти|шести)?(?P<unit>денн|місячн)\w*\s+"
                             r"(?:строк|термін)", re.IGNORECASE)
_ADJECTIVE_NUMBERS = {"одно": 1, "дво": 2, "три": 3, "чотири": 4, "п'яти": 5, "шести": 6}
_BARE_UNIT = re.compile(r"^\W*" + _UNIT + r"\W*$", re.IGNORECASE)
_SAME_DAY = re.compile(r"в день (?:звернення|прийому|прийняття|подання|приїзду)|під час (?:прийому|звернення)|"
                       r"протягом дня|у день звернення|невідкладно|негайно", re.IGNORECASE)
_ONE_UNIT = re.compile(r"протягом\s+(?P<unit>доби|місяця|тижня)", re.IGNORECASE)
_NOT_SET = re.compile(r"не\s+встановлен|постійно", re.IGNORECASE)


def clean(value: Any, *, single_line: bool = True) -> str:
    """`value` as clean text (the project's cleaner); no-break and other Unicode spaces become plain spaces."""
    text = strip_controls(value, single_line=single_line)
    if not single_line:
        text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return text


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word boundary, with "…" where it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def soup(markup: str) -> BeautifulSoup:
    """Parse an HTML page or fragment; a leading byte-order mark (even doubled) and blanks are dropped first."""
    return BeautifulSoup(markup.lstrip("\ufeff \t\r\n"), "html.parser")


def node_text(node: Tag | None) -> str:
    """The visible text of `node` on one line, tags stripped and white space normalised."""
    return "" if node is None else clean(node.get_text(" "))


def _apostrophes(text: str) -> str:
    return text.replace("’", "'").replace("ʼ", "'").replace("`", "'")


def _days_and_kind(number: int, unit: str) -> tuple[int, str]:
    unit = unit.lower()
    if unit.startswith("робоч"):
        return number, "working"
    if unit.startswith("місяц"):
        return number * 30, "calendar"
    if unit.startswith("тиж"):
        return number * 7, "calendar"
    if unit.startswith(("хв", "годин")):
        return 0, "calendar"
    return number, "calendar"


def parse_term(raw: str) -> Term:
    """A term as written in a card, as {"days", "kind", "text"}; `days` is None when the text gives no one number."""
    text = clean(raw)
    term: Term = {"days": None, "kind": "calendar", "text": text}
    if not text or _NOT_SET.search(text):
        return term
    plain = _WORD_NUMBER.sub(lambda m: str(dict(_NUMBER_WORDS)[_stem(m.group(1))]), _apostrophes(text))
    found = {_days_and_kind(int(m.group("number")), m.group("unit")) for m in _NUMBER_UNIT.finditer(plain)}
    for m in _ADJECTIVE_TERM.finditer(_apostrophes(text)):
        number = (m.group("number") or "одно").lower().rstrip("-")
        count = int(number) if number.isdigit() else _ADJECTIVE_NUMBERS[number]
        found.add((count * 30, "calendar") if m.group("unit").lower().startswith("місячн") else (count, "calendar"))
    if len(found) == 1:
        term["days"], term["kind"] = found.pop()
    elif not found:
        bare = _BARE_UNIT.match(plain)
        if bare:  # the card printed the unit but lost the number
            if bare.group("unit").lower().startswith("робоч"):
                term["kind"] = "working"
            elif bare.group("unit").lower().startswith(("хв", "годин")):
                term["days"] = 0
        elif _SAME_DAY.search(plain):
            term["days"] = 0
        elif one := _ONE_UNIT.search(plain):
            term["days"] = {"д": 1, "м": 30, "т": 7}[one.group("unit")[0].lower()]
    if term["days"] is not None and not 0 <= term["days"] <= 365:
        term["days"] = None
    return term


def _stem(word: str) -> str:
    word = word.lower()
    return next(w for w, _ in sorted(_NUMBER_WORDS, key=lambda p: len(p[0]), reverse=True) if word.startswith(w))


_FREE = re.compile(r"безоплатн|безкоштовн|не\s+справляється|плата\s+не\s+стягується", re.IGNORECASE)
_PAID = re.compile(r"(?<!без)(?<!безо)платн[аоіи]", re.IGNORECASE)  # "платною", not "безоплатно"/"платника"
_FREE_ONLY = re.compile(r"(?:безоплатн|безкоштовн)\w*\.?", re.IGNORECASE)
# "1 грн. 70 коп.", "8,50 грн", "17.00 грн", "85 коп"
_MONEY = re.compile(r"(?:(?P<uah>\d[\d\s\u00a0]*(?:[.,]\d{1,2})?)\s*грн\.?(?:\s*(?P<kop1>\d{1,2})\s*коп\.?)?)"
                    r"|(?:(?P<kop>\d{1,2})\s*коп\.?)", re.IGNORECASE)
_BY_LAW = re.compile(r"розмір\w*|мит\w*|збор\w*|закон\w*|постанов\w*|неоподатков\w*|тариф\w*|вартіст\w*|"
                     r"платн\w*", re.IGNORECASE)


def _amounts(text: str) -> list[Decimal]:
    amounts = []
    for m in _MONEY.finditer(text):
        if m.group("uah"):
            uah = Decimal(re.sub(r"\s", "", m.group("uah")).replace(",", "."))
            kop = Decimal(m.group("kop1") or 0) / 100
        else:
            uah, kop = Decimal(0), Decimal(m.group("kop")) / 100
        amounts.append((uah + kop).quantize(Decimal("0.01")))
    return amounts


def parse_fee(raw: str) -> Fee:
    """A fee as written in a card, as {"kind", "amount", "details"}; `amount` is a decimal string for `fixed`."""
    text = clean(raw)
    if _FREE.search(text) and not _amounts(text) and not _PAID.search(text):
        return {"kind": "free", "amount": None, "details": "" if _FREE_ONLY.fullmatch(text) else text}
    amounts = set(_amounts(text))
    if len(amounts) == 1:
        return {"kind": "fixed", "amount": str(amounts.pop()), "details": text}
    return {"kind": "by_law", "amount": None, "details": text}


def is_fee_statement(text: str) -> bool:
    """Whether a sentence of a how-to page speaks of the service's own price (not a fine or a post fee)."""
    return bool(_FREE.search(text) or _BY_LAW.search(text) or _amounts(text))
