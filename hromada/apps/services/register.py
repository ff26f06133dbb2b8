"""The register of services: checking a card (the import format, docs/services.md) and writing it.

`check_card(raw)` turns a card as a file or a form gives it into the card with every key (defaults put in),
and the list of what is wrong with it, each in the reader's language. `apply_card(...)` writes a checked
card to its `Service` with the offices and life situations it names and publishes the next version
(`cards.publish_version`); a card equal to the current one writes nothing, so importing the same file twice
makes no new versions. Call `apply_card` inside a transaction and a community scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hromada.apps.services import cards
from hromada.apps.services.models import (
    CODE_MAX,
    NAME_MAX,
    WEEKDAYS,
    ApplyMethod,
    Audience,
    FeeKind,
    IdentityLevel,
    LifeSituation,
    Office,
    Service,
    ServiceStatus,
    TermKind,
)
from hromada.core import public_pages

CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
HOURS_RE = re.compile(r"^(?:[0-2]\d:[0-5]\d-[0-2]\d:[0-5]\d)(?:,[0-2]\d:[0-5]\d-[0-2]\d:[0-5]\d)*$")
DOCUMENT_SEPARATOR = " — "  # "title — requirements" in the CSV form (importing.py)
PAGES = "services-register"  # the cache namespace of the register's public pages (views.CACHE_NAMESPACE)
TERM_DAYS_MAX = 365
TEXT_MAX = 20_000
ITEM_MAX = 2_000
ITEMS_MAX = 200
LIST_KEYS = ("audience", "life_situations", "keywords", "legal_basis", "apply_methods", "refusal_grounds",
             "offices")
TEXT_KEYS = ("result", "delivery", "appeal_procedure")
CARD_KEYS = ("code", "national_code", "name", "name_en", "provider", "audience", "life_situations", "status",
             "keywords", "legal_basis", "documents", "apply_methods", "fee", "term", "result", "delivery",
             "refusal_grounds", "appeal_procedure", "offices", "identity_level", "form")


@dataclass(frozen=True)
class CardError:
    """One thing wrong with a card: the key it concerns and what to do, in the reader's language."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def default_card() -> dict[str, Any]:
    return {"code": "", "national_code": "", "name": "", "name_en": "", "provider": "", "audience": ["person"],
            "life_situations": [], "status": ServiceStatus.ACTIVE.value, "keywords": [], "legal_basis": [],
            "documents": [], "apply_methods": [ApplyMethod.IN_PERSON.value],
            "fee": {"kind": FeeKind.FREE.value, "amount": None, "details": ""},
            "term": {"days": None, "kind": TermKind.WORKING.value, "text": ""}, "result": "", "delivery": "",
            "refusal_grounds": [], "appeal_procedure": "", "offices": [],
            "identity_level": IdentityLevel.NONE.value, "form": []}


class _Checker:
    def __init__(self) -> None:
        self.errors: list[CardError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(CardError(field, message))

    def text(self, raw: dict[str, Any], key: str, *, limit: int, required: bool = False, line: bool = True) -> str:
        value = raw.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(key, _("Must be text."))
            return ""
        value = value.replace("\r\n", "\n").strip()
        if required and not value:
            self.add(key, _("This field is required."))
        if len(value) > limit:
            self.add(key, _("Must be at most %(limit)s characters long.") % {"limit": limit})
        if line and ("\n" in value or "\r" in value):
            self.add(key, _("Must be one line."))
        return value

    def items(self, raw: dict[str, Any], key: str) -> list[str]:
        value = raw.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.add(key, _("Must be a list of text items."))
            return []
        items = [item.strip() for item in value if item.strip()]
        if len(items) > ITEMS_MAX:
            self.add(key, _("At most %(limit)s items.") % {"limit": ITEMS_MAX})
        for item in items:
            if "\n" in item or "\r" in item:
                self.add(key, _("Each item is one line: “%(item)s”.") % {"item": item[:60]})
                break
            if len(item) > ITEM_MAX:
                self.add(key, _("An item is at most %(limit)s characters long.") % {"limit": ITEM_MAX})
                break
        return items

    def choices(self, raw: dict[str, Any], key: str, allowed: list[str], default: list[str]) -> list[str]:
        if key not in raw:
            return list(default)
        values = self.items(raw, key)
        unknown = [v for v in values if v not in allowed]
        if unknown:
            self.add(key, _("Unknown value “%(value)s”; use %(allowed)s.")
                     % {"value": unknown[0], "allowed": ", ".join(allowed)})
        return list(dict.fromkeys(v for v in values if v in allowed))  # in order, once each

    def choice(self, raw: dict[str, Any], key: str, allowed: list[str], default: str) -> str:
        value = raw.get(key) or default
        if value not in allowed:
            self.add(key, _("Unknown value “%(value)s”; use %(allowed)s.")
                     % {"value": str(value)[:40], "allowed": ", ".join(allowed)})
            return default
        return str(value)


def _fee(check: _Checker, raw: Any) -> dict[str, Any]:
    fee = {"kind": FeeKind.FREE.value, "amount": None, "details": ""}
    if raw is None:
        return fee
    if not isinstance(raw, dict):
        check.add("fee", _("The fee is an object with kind, amount and details."))
        return fee
    fee["kind"] = check.choice(raw, "kind", list(FeeKind.values), FeeKind.FREE.value)
    fee["details"] = check.text(raw, "details", limit=TEXT_MAX, line=False)
    amount = raw.get("amount")
    if amount in (None, ""):
        if fee["kind"] == FeeKind.FIXED:
            check.add("fee", _("A fixed fee needs its amount in hryvnias (for example 85.00)."))
        return fee
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        check.add("fee", _("The fee “%(amount)s” is not an amount in hryvnias (for example 85.00).")
                  % {"amount": str(amount)[:40]})
        return fee
    if fee["kind"] == FeeKind.FREE:
        check.add("fee", _("A free service has no fee amount."))
        return fee
    fee["amount"] = f"{value.quantize(Decimal('0.01')):.2f}"
    return fee


def _term(check: _Checker, raw: Any) -> dict[str, Any]:
    term: dict[str, Any] = {"days": None, "kind": TermKind.WORKING.value, "text": ""}
    if raw is None:
        return term
    if not isinstance(raw, dict):
        check.add("term", _("The term is an object with days, kind and text."))
        return term
    term["kind"] = check.choice(raw, "kind", list(TermKind.values), TermKind.WORKING.value)
    term["text"] = check.text(raw, "text", limit=500)
    days = raw.get("days")
    if days in (None, ""):
        return term
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= TERM_DAYS_MAX:
        check.add("term", _("The term “%(days)s” is not a number of days from 0 to %(max)s.")
                  % {"days": str(days)[:40], "max": TERM_DAYS_MAX})
        return term
    term["days"] = days
    return term


def _documents(check: _Checker, raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > ITEMS_MAX:
        check.add("documents", _("The documents are a list (at most %(limit)s) of objects with a title and "
                                 "requirements.") % {"limit": ITEMS_MAX})
        return []
    documents = []
    for number, item in enumerate(raw, start=1):
        if isinstance(item, str):
            item = {"title": item, "requirements": ""}
        if not isinstance(item, dict) or not isinstance(item.get("title", ""), str) \
                or not isinstance(item.get("requirements") or "", str):
            check.add("documents", _("Document %(number)s needs a title and requirements as text.")
                      % {"number": number})
            continue
        title, requirements = item.get("title", "").strip(), (item.get("requirements") or "").strip()
        if not title:
            check.add("documents", _("Document %(number)s has no title.") % {"number": number})
        elif DOCUMENT_SEPARATOR in title or "\n" in title or len(title) > ITEM_MAX:
            check.add("documents", _("The title of document %(number)s must be one line of at most %(limit)s "
                                     "characters without “ — ” (write a hyphen instead).")
                      % {"number": number, "limit": ITEM_MAX})
        if "\n" in requirements or len(requirements) > ITEM_MAX:
            check.add("documents", _("The requirements of document %(number)s must be one line of at most "
                                     "%(limit)s characters.") % {"number": number, "limit": ITEM_MAX})
        documents.append({"title": title, "requirements": requirements})
    return documents


def check_card(raw: Any) -> tuple[dict[str, Any], list[CardError]]:
    """The card with every key (defaults for the missing ones) and what is wrong with it ([] when nothing).

    Codes of offices and life situations are checked for their form only: whether they exist in the
    community is the caller's question (`check_references`)."""
    check = _Checker()
    card = default_card()
    if not isinstance(raw, dict):
        return card, [CardError("card", _("A service is an object with the card's fields."))]
    unknown = sorted(set(raw) - set(CARD_KEYS))
    if unknown:
        check.add(unknown[0], _("Unknown field “%(name)s”.") % {"name": unknown[0][:40]})
    code = check.text(raw, "code", limit=CODE_MAX, required=True)
    if code and not CODE_RE.match(code):
        check.add("code", _("A code has up to 40 Latin letters, digits, dots, hyphens or underscores."))
    card["code"] = code
    card["national_code"] = check.text(raw, "national_code", limit=40)
    card["name"] = check.text(raw, "name", limit=NAME_MAX, required=True)
    card["name_en"] = check.text(raw, "name_en", limit=NAME_MAX)
    card["provider"] = check.text(raw, "provider", limit=500, required=True)
    card["audience"] = check.choices(raw, "audience", list(Audience.values), [Audience.PERSON.value])
    if not card["audience"] and not any(e.field == "audience" for e in check.errors):
        check.add("audience", _("Name at least one audience: person or business."))
    card["status"] = check.choice(raw, "status", list(ServiceStatus.values), ServiceStatus.ACTIVE.value)
    for key in ("life_situations", "offices"):
        card[key] = sorted(set(check.items(raw, key)))
        bad = [value for value in card[key] if not SLUG_RE.match(value)]
        if bad:
            check.add(key, _("“%(code)s” is not a code (Latin letters, digits, hyphens).") % {"code": bad[0][:40]})
    for key in ("keywords", "legal_basis", "refusal_grounds"):
        card[key] = check.items(raw, key)
    card["apply_methods"] = check.choices(raw, "apply_methods", list(ApplyMethod.values),
                                          [ApplyMethod.IN_PERSON.value])
    card["documents"] = _documents(check, raw.get("documents"))
    card["fee"] = _fee(check, raw.get("fee"))
    card["term"] = _term(check, raw.get("term"))
    for key in TEXT_KEYS:
        card[key] = check.text(raw, key, limit=TEXT_MAX, line=False)
    card["identity_level"] = check.choice(raw, "identity_level", list(IdentityLevel.values),
                                          IdentityLevel.NONE.value)
    form = raw.get("form", [])
    if form is None:
        form = []
    if not isinstance(form, list) or not all(isinstance(f, dict) for f in form):
        check.add("form", _("The application form is a list of field objects."))
        form = []
    else:
        # The form is data the application page builds a form from: its fields are checked as it reads them.
        from hromada.apps.services.forms import validate_form_definition

        for problem in validate_form_definition(form):
            check.add("form", problem)
    card["form"] = form
    return card, check.errors


def check_references(card: dict[str, Any], *, situations: set[str], offices: set[str]) -> list[CardError]:
    """Errors for life situations and offices the card names that the community (or the file) lacks."""
    errors = []
    for key, known, message in (
            ("life_situations", situations, _("There is no life situation with the code “%(code)s”.")),
            ("offices", offices, _("There is no office with the code “%(code)s”."))):
        missing = [code for code in card[key] if code not in known]
        if missing:
            errors.append(CardError(key, message % {"code": missing[0]}))
    return errors


def check_office(raw: Any) -> tuple[dict[str, Any], list[CardError]]:
    """An office of a register file: code, name, address, phone, e-mail and weekly hours."""
    check = _Checker()
    office: dict[str, Any] = {"code": "", "name": "", "name_en": "", "address": "", "phone": "", "email": "",
                              "hours": {}}
    if not isinstance(raw, dict):
        return office, [CardError("office", _("An office is an object with its code, name and address."))]
    office["code"] = check.text(raw, "code", limit=40, required=True)
    if office["code"] and not SLUG_RE.match(office["code"]):
        check.add("code", _("“%(code)s” is not a code (Latin letters, digits, hyphens).")
                  % {"code": office["code"][:40]})
    office["name"] = check.text(raw, "name", limit=200, required=True)
    office["name_en"] = check.text(raw, "name_en", limit=200)
    office["address"] = check.text(raw, "address", limit=300, required=True)
    office["phone"] = check.text(raw, "phone", limit=32)
    office["email"] = check.text(raw, "email", limit=254)
    hours = raw.get("hours") or {}
    if not isinstance(hours, dict):
        check.add("hours", _("Hours map a weekday (mon … sun) to spans like 08:00-17:00."))
        hours = {}
    for day, value in hours.items():
        if day not in WEEKDAYS or not isinstance(value, str) or (value and not HOURS_RE.match(value.strip())):
            check.add("hours", _("“%(day)s: %(value)s” is not a weekday with spans like 08:00-17:00.")
                      % {"day": str(day)[:10], "value": str(value)[:40]})
            continue
        if value.strip():
            office["hours"][day] = value.strip()
    return office, check.errors


def check_situation(raw: Any) -> tuple[dict[str, Any], list[CardError]]:
    check = _Checker()
    situation = {"code": "", "name": "", "name_en": ""}
    if not isinstance(raw, dict):
        return situation, [CardError("life_situation", _("A life situation is an object with its code and name."))]
    situation["code"] = check.text(raw, "code", limit=40, required=True)
    if situation["code"] and not SLUG_RE.match(situation["code"]):
        check.add("code", _("“%(code)s” is not a code (Latin letters, digits, hyphens).")
                  % {"code": situation["code"][:40]})
    situation["name"] = check.text(raw, "name", limit=200, required=True)
    situation["name_en"] = check.text(raw, "name_en", limit=200)
    return situation, check.errors


def situation_of(situation: LifeSituation) -> dict[str, Any]:
    return {"code": situation.code, "name": situation.name_uk, "name_en": situation.name_en}


def office_of(office: Office) -> dict[str, Any]:
    return {"code": office.code, "name": office.name_uk, "name_en": office.name_en, "address": office.address,
            "phone": office.phone, "email": office.email,
            "hours": {day: office.hours[day] for day in WEEKDAYS if office.hours.get(day)}}


def apply_situation(community: Any, data: dict[str, Any], position: int = 0) -> LifeSituation:
    situation, _created = LifeSituation.objects.update_or_create(
        community=community, code=data["code"],
        defaults={"name_uk": data["name"], "name_en": data["name_en"], "position": position})
    return situation


def apply_office(community: Any, data: dict[str, Any]) -> Office:
    office, _created = Office.objects.update_or_create(
        community=community, code=data["code"],
        defaults={"name_uk": data["name"], "name_en": data["name_en"], "address": data["address"],
                  "phone": data["phone"], "email": data["email"], "hours": data["hours"]})
    return office


def apply_card(community: Any, card: dict[str, Any], *, by: Any = None, service: Service | None = None,
               situations: dict[str, LifeSituation] | None = None,
               offices: dict[str, Office] | None = None) -> tuple[Service, bool]:
    """Write a checked card (`check_card`, references checked) to its service: `service`, else the one with
    the card's code, else a new one. Returns the service and whether a version was published (False when
    the card equals the current one). Inside a transaction and the community's scope."""
    if service is None:
        service = Service.objects.filter(community=community, code=card["code"]).first()
    if service is not None and service.version and cards.card_of(service) == card:
        return service, False
    if service is None:
        service = Service(community=community)
    service.code = card["code"]
    service.national_code = card["national_code"]
    service.name_uk = card["name"]
    service.name_en = card["name_en"]
    service.provider = card["provider"]
    service.audience = card["audience"]
    service.status = card["status"]
    service.keywords = card["keywords"]
    service.legal_basis = card["legal_basis"]
    service.documents = card["documents"]
    service.apply_methods = card["apply_methods"]
    service.fee_kind = card["fee"]["kind"]
    service.fee_amount = None if card["fee"]["amount"] is None else Decimal(card["fee"]["amount"])
    service.fee_details = card["fee"]["details"]
    service.term_days = card["term"]["days"]
    service.term_kind = card["term"]["kind"]
    service.term_text = card["term"]["text"]
    service.result = card["result"]
    service.delivery = card["delivery"]
    service.refusal_grounds = card["refusal_grounds"]
    service.appeal_procedure = card["appeal_procedure"]
    service.identity_level = card["identity_level"]
    service.form = card["form"]
    service.search_text = cards.search_text_of(service)
    service.save()
    if situations is None:
        situations = {s.code: s for s in LifeSituation.objects.filter(code__in=card["life_situations"])}
    if offices is None:
        offices = {o.code: o for o in Office.objects.filter(code__in=card["offices"])}
    service.life_situations.set([situations[code] for code in card["life_situations"]])
    service.offices.set([offices[code] for code in card["offices"]])
    cards.publish_version(service, by=by)
    community_id = service.community_id
    transaction.on_commit(lambda: public_pages.bump_generation(PAGES, community_id))
    return service, True
