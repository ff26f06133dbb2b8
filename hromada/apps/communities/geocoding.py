"""Typed Ukrainian addresses to points, from the community's own address register (no outside service).

The same normalisation runs on the register (at import) and on the typed text (at lookup), so
"вул. Соборна, буд. 12-А", "Соборна вулиця 12а" and "СОБОРНА, 12 а" meet the register row
"вулиця Соборна | 12а". What is normalised:

- case; the apostrophe in all its spellings (ʼ ' ’ ‘ `) is dropped, so "Обʼєднання" = "Об'єднання" = "Обєднання";
- Latin letters that look like Cyrillic ones (a typed "i" in "Miська") become Cyrillic;
- the street type, wherever it stands, becomes one canonical word ("вул.", "вулиця", "ул." → "вул";
  "просп.", "проспект", "пр-т" → "просп"; ...): "провулок Шевченка" and "вулиця Шевченка" stay apart;
- the house number: "буд.", "будинок", "б.", "№" are dropped, letters joined and lowercased ("12 А" → "12а");
- parts that are not the street or the house are skipped: the settlement ("м. Демо"), the postcode,
  the flat ("кв. 3"), the region and district.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hromada.apps.communities.models import Address, District

APOSTROPHES = str.maketrans("", "", "ʼ'’‘`´ʹ")
# Latin letters typed in Cyrillic words (keyboard layout slips); applied to both sides of the match.
LOOKALIKES = str.maketrans("AaBCcEeHIiKkMOoPpTXxYy", "АаВСсЕеНІіКкМОоРрТХхУу")
STREET_TYPES = {
    "вул": "вул", "вулиця": "вул", "вулиці": "вул", "ул": "вул", "улица": "вул",
    "просп": "просп", "проспект": "просп", "пр-т": "просп", "пр": "просп",
    "пров": "пров", "провулок": "пров", "пер": "пров", "переулок": "пров",
    "бул": "бульв", "бульв": "бульв", "бульвар": "бульв", "б-р": "бульв",
    "пл": "пл", "площа": "пл", "площадь": "пл", "майдан": "майдан",
    "наб": "наб", "набережна": "наб", "шосе": "шосе", "ш": "шосе", "узвіз": "узвіз",
    "тупик": "туп", "туп": "туп", "проїзд": "проїзд", "алея": "алея", "мікрорайон": "мкр", "мкр": "мкр",
    "кв-л": "квартал", "квартал": "квартал",
}
HOUSE_WORDS = {"буд", "будинок", "б", "д", "дім", "дом"}
SKIP_FIRST_WORDS = {
    "м", "місто", "с", "село", "смт", "селище", "сел", "г", "город",  # the settlement
    "кв", "квартира", "оф", "офіс", "прим", "приміщення", "підїзд", "під", "поверх",  # inside the building
}
SKIP_ANY_WORDS = {"обл", "область", "район", "р-н", "громада", "україна", "тг", "отг"}
HOUSE_RE = re.compile(r"^(\d{1,5})\s*-?\s*([а-яіїєґ])?(?:\s*/\s*(\d{1,4}[а-яіїєґ]?))?$")
WORD_RE = re.compile(r"[\w/-]+")


@dataclass(frozen=True)
class ParsedAddress:
    street_type: str  # canonical, or "" when the text gives none
    street_key: str
    house_key: str  # "" when the text gives no house number


def _clean(text: str) -> str:
    text = (text or "").translate(LOOKALIKES).lower().translate(APOSTROPHES)
    return text.replace("№", " ").replace(".", ". ").replace("\u00a0", " ")


def normalise_house(text: str) -> str:
    """"буд. 12-А" → "12а", "12 / 1" → "12/1"; "" when it is not a house number."""
    words = _clean(text).replace(".", " ").split()
    while len(words) > 1 and words[0] in HOUSE_WORDS:  # only in front: "12 б" keeps its letter
        words = words[1:]
    match = HOUSE_RE.match(" ".join(words))
    if match is None:
        return ""
    number, letter, part = match.groups()
    return f"{int(number)}{letter or ''}" + (f"/{part}" if part else "")


def parse_street(text: str) -> tuple[str, str]:
    """The canonical street type (or "") and the normalised street name."""
    street_type = ""
    name = []
    for word in WORD_RE.findall(_clean(text)):
        canonical = STREET_TYPES.get(word)
        if canonical and not street_type:
            street_type = canonical
        else:
            name.append(word.strip("-"))
    return street_type, " ".join(w for w in name if w)


def _house_at_end(words: list[str]) -> tuple[list[str], str]:
    """Split a trailing house number off a street part: ["соборна", "12", "а"] → (["соборна"], "12а")."""
    for size in (3, 2, 1):
        if len(words) > size:
            house = normalise_house(" ".join(words[-size:]))
            if house:
                return words[:-size], house
    return words, ""


def parse_address(text: str) -> ParsedAddress | None:
    """The street and house of a typed address, or None when no street name can be found."""
    street: ParsedAddress | None = None
    house = ""
    for part in re.split(r"[,;\n]", _clean(text)):
        words = [w for w in part.replace(".", " ").split() if w]
        if not words or words[0] in SKIP_FIRST_WORDS or SKIP_ANY_WORDS & set(words):
            continue
        if re.fullmatch(r"\d{5}", " ".join(words)):  # postcode
            continue
        if words[0] in HOUSE_WORDS or (normalise_house(" ".join(words)) and street is not None):
            house = house or normalise_house(" ".join(words))
            continue
        if street is not None:
            continue
        for index, word in enumerate(words):  # "Соборна буд. 12" inside one part
            if word in HOUSE_WORDS and index and index + 1 < len(words) and words[index + 1][:1].isdigit():
                house = house or normalise_house(" ".join(words[index:]))
                words = words[:index]
                break
        words, tail = _house_at_end(words)
        house = house or tail
        street_type, street_key = parse_street(" ".join(words))
        if street_key:
            street = ParsedAddress(street_type, street_key, "")
    if street is None:
        return None
    return ParsedAddress(street.street_type, street.street_key, house)


def geocode(text: str) -> Address | None:
    """The register's building for a typed address of the active community, or None (never raises).

    Without a street type in the text any type matches if only one street has that name. A house
    "12а" missing from the register falls back to "12" (the same plot). No house number: None —
    a street is too long to stand for one point.
    """
    parsed = parse_address(text)
    if parsed is None or not parsed.house_key:
        return None
    base = re.match(r"\d+", parsed.house_key)
    houses = [parsed.house_key] + ([base.group()] if base and base.group() != parsed.house_key else [])
    for house in houses:
        candidates = list(Address.objects.filter(street_key=parsed.street_key, house_key=house)
                          .select_related("district")[:10])
        if parsed.street_type:
            candidates = [a for a in candidates if a.street_type in (parsed.street_type, "")]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:  # the same name on a street and a lane, and the text does not say which
            return None
    return None


def suggest(text: str, *, limit: int = 10) -> list[Address]:
    """Register addresses starting like the typed text, for the form's autocomplete (at most `limit`)."""
    parsed = parse_address(text)
    if parsed is None or len(parsed.street_key) < 3:  # shorter prefixes match too much of the register
        return []
    qs = Address.objects.filter(street_key__startswith=parsed.street_key)
    if parsed.street_type:
        qs = qs.filter(street_type__in=(parsed.street_type, ""))
    if parsed.house_key:
        qs = qs.filter(house_key__startswith=parsed.house_key)
    return list(qs.order_by("street_key", "house_key")[:limit])


Place = tuple[float | None, float | None, District | None]  # the shape of appeals' `locate()`


def place_of(text: str, *, districts: Sequence[District] | None = None) -> Place | None:
    """The point and district of a typed address of the active community, or None when it is not found.

    The register's own district wins; otherwise the point's district by point-in-polygon (None when
    the point is in no district: the appeal is then located but goes to triage).
    """
    address = geocode(text)
    if address is None:
        return None
    district = address.district
    if district is None:
        candidates = District.objects.all() if districts is None else districts
        district = next((d for d in candidates if d.contains(address.longitude, address.latitude)), None)
    return address.latitude, address.longitude, district
