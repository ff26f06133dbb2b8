"""The converters on the real iGov catalogue and 2015 register cards (read from ../shared/data, never copied)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hromada.apps.services.sources.igov import LIFE_SITUATIONS, read_igov
from hromada.apps.services.sources.parse import parse_fee, parse_term
from hromada.apps.services.sources.register2015 import read_register2015, register2015_offices

DATA = Path(settings.BASE_DIR).parent / ".." / "shared" / "data" / "services"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="the shared services data is not beside the repository")

REQUIRED = ("code", "name", "provider", "audience")
CODE = re.compile(r"[A-Za-z0-9._-]{1,40}")


@pytest.fixture(scope="module")
def igov() -> list[dict[str, Any]]:
    return read_igov(DATA / "igov")


@pytest.fixture(scope="module")
def cards() -> list[dict[str, Any]]:
    return read_register2015(DATA / "poslugy_gov_ua_2015")


def assert_format(services: list[dict[str, Any]], situations: set[str]) -> None:
    """What the importer refuses: a missing required key, a bad code, term or fee, a repeated code."""
    codes = [s["code"] for s in services]
    assert len(codes) == len(set(codes))
    for s in services:
        for key in REQUIRED:
            assert s[key], (s["code"], key)
        assert CODE.fullmatch(s["code"]), s["code"]
        assert len(s["name"]) <= 500 and s["name"] == s["name"].strip() and "<" not in s["name"]
        assert set(s["audience"]) <= {"person", "business"}
        assert set(s["life_situations"]) <= situations
        assert set(s["apply_methods"]) <= {"in_person", "online", "post", "representative"}
        days = s["term"]["days"]
        assert days is None or (type(days) is int and 0 <= days <= 365), s["code"]
        assert s["term"]["kind"] in ("calendar", "working")
        fee = s["fee"]
        assert fee["kind"] in ("free", "fixed", "by_law"), s["code"]
        if fee["kind"] == "fixed":
            assert Decimal(fee["amount"]) > 0 and re.fullmatch(r"\d+\.\d\d", fee["amount"]), s["code"]
        else:
            assert fee["amount"] is None
        assert all(d["title"] and "<" not in d["title"] for d in s["documents"])
        assert all(isinstance(item, str) and item for item in s["legal_basis"] + s["refusal_grounds"])


# Real wordings from the 2015 cards and the iGov pages, with what a resident should read from them.
TERMS = [
    ("Не встановлено", None, "calendar"),
    ("робочих днів", None, "working"),
    ("календарних днів.", None, "calendar"),
    ("днів", None, "calendar"),
    ("До 30 днів", 30, "calendar"),
    ("П'ять робочих днів з дня надходження декларації до Інспекції", 5, "working"),
    ("Протягом п'яти робочих днів", 5, "working"),
    ("Не більше ніж десять робочих днів", 10, "working"),
    ("Протягом 5-ти робочих днів.", 5, "working"),
    ("Три робочих дні з дати надходження документів.", 3, "working"),
    ("Протягом 30 календарних днів з дати реєстрації заяви.", 30, "calendar"),
    ("Протягом місяця з моменту реєстрації заяви.", 30, "calendar"),
    ("Розгляд документів та видача посвідчення здійснюється в день звернення.", 0, "calendar"),
    ("Довідка видається громадянину при його зверненні під час прийому.", 0, "calendar"),
    ("Для юридичних осіб – 10 робочих днів; Для фізичних осіб – 30 днів", None, "calendar"),
    ("Постійно.", None, "calendar"),
    ("Термін надання відповіді на запит складає до 5 робочих днів з моменту сплати вартості послуги", 5, "working"),
    ("Ваша довідка буде готова у 5-денний термін з моменту подачі.", 5, "calendar"),
    ("Заява про зміну імені розглядається відділом державної реєстрації актів цивільного стану у тримісячний строк",
     90, "calendar"),
    ("хв.", 0, "calendar"),
]
FEES = [
    ("Безоплатна", "free", None),
    ("Безоплатно", "free", None),
    ("200 грн.", "fixed", "200.00"),
    ("8,50 грн.", "fixed", "8.50"),
    ("1,70\u00a0 грн.", "fixed", "1.70"),
    ("38,9 грн.", "fixed", "38.90"),
    ("½ неоподаткованого мінімуму доходів громадян (8,5 грн).", "fixed", "8.50"),
    ("Один неоподаткований мінімум доходів громадян (17 грн)", "fixed", "17.00"),
    ("по машині - 1 грн. 70 коп. по причепу – 85 коп", "by_law", None),
    ("У подвійному розмірі збору за первинну видачу", "by_law", None),
    ("Звертаємо Вашу увагу, що ця послуга є платною (85.42 грн.)", "fixed", "85.42"),
    ("зміна ПІБ та адреси реєстрації є платною, інші відомості можна змінити безкоштовно", "by_law", None),
]


@pytest.mark.parametrize(("text", "days", "kind"), TERMS)
def test_term_wordings(text: str, days: int | None, kind: str) -> None:
    term = parse_term(text)
    assert (term["days"], term["kind"]) == (days, kind)
    assert term["text"] == " ".join(text.split())  # the original wording is kept for the card


@pytest.mark.parametrize(("text", "kind", "amount"), FEES)
def test_fee_wordings(text: str, kind: str, amount: str | None) -> None:
    fee = parse_fee(text)
    assert (fee["kind"], fee["amount"]) == (kind, amount)
    if kind != "free":
        assert fee["details"]  # the wording stays: "per car 1.70, per trailer 0.85" is what the resident needs


@needs_data
def test_igov_lists_the_visible_real_services(igov: list[dict[str, Any]]) -> None:
    assert len(igov) == 1081
    codes = {s["code"] for s in igov}
    assert "igov-1" not in codes  # "_Довідка про відсутність…": hidden
    assert "igov-279" not in codes  # "ТЕСТ ЕДРПО в скріпт прінтформи": a test
    assert "igov-361" not in codes  # in the test subcategory although its provider is real
    assert not any(s["name"].startswith("_") or s["provider"] == "Тестова служба" for s in igov)
    # The bank that operated the portal's processes is not the provider of a council's service.
    assert not any("ПриватБанк" in s["provider"] for s in igov)
    assert_format(igov, {situation["code"] for situation in LIFE_SITUATIONS})


@needs_data
def test_igov_card_of_a_known_service(igov: list[dict[str, Any]]) -> None:
    by_code = {s["code"]: s for s in igov}
    card = by_code["igov-2"]
    assert card["name"] == "Видача картки обліку об’єкта та довідки про розміщення об'єкта"
    assert card["provider"] == "Місцеві органи влади"  # one service of 72 councils: the catalogue's provider
    assert [d["title"] for d in card["documents"]] == [
        "Довіреність (для уповноважених осіб)", "Паспорт (для фізичної особи-підприємця)",
        "Свідоцтво про державну реєстрацію", "Правовстановлюючи документи на об'єкт або договір оренди"]
    assert "Закон України «Про місцеве самоврядування»" in card["legal_basis"]
    assert "Акт Кабінету Міністрів України «Про затвердження Правил паркування транспортних засобів»" in card[
        "legal_basis"]
    assert card["audience"] == ["business"]  # its subcategory is under "Організаціям"
    fee = by_code["igov-152"]["fee"]
    assert (fee["kind"], fee["amount"]) == ("fixed", "200.00")
    assert by_code["igov-1577"]["fee"]["kind"] == "free"
    assert (by_code["igov-267"]["term"]["days"], by_code["igov-267"]["term"]["kind"]) == (5, "working")
    assert by_code["igov-655"]["term"]["days"] == 5
    # The catalogue's keywords, then the names of the service's visible tags
    assert by_code["igov-54"]["keywords"][:2] == ["будинок", "дім"]
    assert "будівництво власного будинку" in by_code["igov-54"]["keywords"]
    # "pay for the post within two days" is the applicant's deadline, not the service's term
    assert by_code["igov-1570"]["term"]["days"] is None
    assert by_code["igov-4"]["result"] == "Вам підготовлено копію рішення (витягу)"
    # The pages only say a refusal letter will explain the reasons: no grounds are made up from that.
    assert not any(s["refusal_grounds"] for s in igov)
    assert sum(1 for s in igov if s["documents"]) == 152
    # A page that says nothing of the price is not read as free.
    assert by_code["igov-2"]["fee"] == {"kind": "by_law", "amount": None, "details": ""}


@needs_data
def test_life_situation_table_is_importable() -> None:
    codes = [s["code"] for s in LIFE_SITUATIONS]
    assert len(codes) == len(set(codes))
    assert {"birth", "residence", "business", "land", "construction", "transport", "social-support", "family",
            "documents", "property", "health", "education"} <= set(codes)
    assert all(s["name"] and s["name_en"] and CODE.fullmatch(s["code"]) for s in LIFE_SITUATIONS)


@needs_data
def test_register2015_cards(cards: list[dict[str, Any]]) -> None:
    assert len(cards) == 131
    assert_format(cards, {situation["code"] for situation in LIFE_SITUATIONS})
    # 30 cards say "Не встановлено" where the documents should be; every other card lists them in order.
    assert sum(1 for c in cards if c["documents"]) == 101
    assert sum(1 for c in cards if c["refusal_grounds"]) == 101
    assert all(c["legal_basis"] and c["result"] and c["delivery"] for c in cards)
    assert sum(1 for c in cards if c["fee"]["kind"] == "free") == 107
    assert sum(1 for c in cards if c["term"]["text"] == "Не встановлено" and c["term"]["days"] is None) == 30


@needs_data
def test_register2015_life_situations_from_names(cards: list[dict[str, Any]]) -> None:
    by_name = {c["name"]: c["life_situations"] for c in cards}
    assert by_name["Будівельний паспорт забудови земельної ділянки."] == ["land", "construction"]
    assert by_name["Видача державного номерного знака"] == ["transport"]
    assert "family" in by_name["Усиновлення дитини-сироти чи дитини, позбавленої батьківського піклування"]
    assert sum(1 for c in cards if c["life_situations"]) >= 125
    # The portal cut five names at 255 characters mid-word: they say so.
    assert sum(1 for c in cards if c["name"].endswith("…")) == 5


@needs_data
def test_register2015_known_card(cards: list[dict[str, Any]]) -> None:
    card = {c["code"]: c for c in cards}["039c89c2-5fb6-4950-a48d-b8fc7f29c9d6"]
    assert card["name"] == "Видача «Посвідчення жертви нацистських переслідувань»"
    assert card["term"] == {"days": 0, "kind": "calendar",
                            "text": "Розгляд документів та видача посвідчення здійснюється в день звернення."}
    assert card["fee"] == {"kind": "free", "amount": None, "details": ""}
    assert [d["title"] for d in card["documents"]][-2:] == ["Заява на отримання посвідчення", "Пенсійне посвідчення."]
    assert len(card["documents"]) == 6
    assert card["refusal_grounds"] == ["Виявлення в поданих документах недостовірних відомостей.",
                                       "Подання заявником неповного пакета документів."]
    assert card["legal_basis"][0] == "Закон України «Про жертви нацистських переслідувань»."
    assert card["provider"].startswith("Управління праці та соціального захисту населення Голосіївської")
    assert card["audience"] == ["person"] and len(card["offices"]) == 8


@needs_data
def test_register2015_offices_cover_the_cards(cards: list[dict[str, Any]]) -> None:
    offices = register2015_offices(DATA / "poslugy_gov_ua_2015")
    codes = {o["code"] for o in offices}
    assert all(set(c["offices"]) <= codes for c in cards)
    assert all(o["name"].startswith("Центр надання адміністративних послуг") for o in offices[:1])
