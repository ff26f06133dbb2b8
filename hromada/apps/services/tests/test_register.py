"""A card's checks and its versions."""

import copy

import pytest

from hromada.apps.services import cards, register
from hromada.apps.services.models import Service, ServiceVersion
from hromada.apps.services.tests import register_data
from hromada.core import tenancy


def errors_of(raw):
    return {e.field: e.message for e in register.check_card(raw)[1]}


def test_a_complete_card_has_no_errors_and_missing_keys_take_defaults():
    card, errors = register.check_card({"code": "x1", "name": "Назва", "provider": "Рада"})
    assert errors == []
    assert card["audience"] == ["person"] and card["status"] == "active"
    assert card["fee"] == {"kind": "free", "amount": None, "details": ""}
    assert card["term"] == {"days": None, "kind": "working", "text": ""}


@pytest.mark.parametrize("change,field,words", [
    ({"code": ""}, "code", "required"),
    ({"code": "код з пробілами"}, "code", "Latin letters"),
    ({"name": ""}, "name", "required"),
    ({"name": "x" * 501}, "name", "at most 500"),
    ({"provider": None}, "provider", "required"),
    ({"audience": ["martians"]}, "audience", "Unknown value “martians”"),
    ({"audience": []}, "audience", "at least one audience"),
    ({"status": "paused"}, "status", "Unknown value “paused”"),
    ({"term": {"days": "десять", "kind": "working"}}, "term", "not a number of days"),
    ({"term": {"days": 400, "kind": "working"}}, "term", "from 0 to 365"),
    ({"term": {"days": 5, "kind": "lunar"}}, "kind", "Unknown value “lunar”"),
    ({"fee": {"kind": "fixed", "amount": "сто"}}, "fee", "not an amount in hryvnias"),
    ({"fee": {"kind": "fixed", "amount": "-5"}}, "fee", "not an amount in hryvnias"),
    ({"fee": {"kind": "fixed", "amount": None}}, "fee", "needs its amount"),
    ({"fee": {"kind": "free", "amount": "10"}}, "fee", "no fee amount"),
    ({"documents": [{"title": ""}]}, "documents", "Document 1 has no title"),
    ({"documents": [{"title": "Паспорт — оригінал"}]}, "documents", "without “ — ”"),
    ({"legal_basis": ["рядок\nдругий"]}, "legal_basis", "one line"),
    ({"offices": ["Центр"]}, "offices", "is not a code"),
    ({"colour": "red"}, "colour", "Unknown field"),
])
def test_card_errors_name_the_field_and_say_what_to_do(change, field, words):
    raw = {**copy.deepcopy(register_data.RESIDENCE), **change}
    found = errors_of(raw)
    assert field in found, found
    assert words in found[field]


def test_errors_are_in_the_readers_language(settings):
    from django.utils import translation

    with translation.override("uk"):
        found = errors_of({"code": "x", "name": "", "provider": "Рада"})
    assert found["name"] == "Це поле обов'язкове."


def test_fee_amount_is_normalised_to_kopiykas():
    card, errors = register.check_card({**register_data.RESIDENCE, "fee": {"kind": "fixed", "amount": "85,5"}})
    assert errors == [] and card["fee"]["amount"] == "85.50"


def test_unknown_office_or_situation_is_an_error():
    card, _ = register.check_card({**register_data.RESIDENCE})
    errors = register.check_references(card, situations={"residence"}, offices={"cnap-centre"})
    assert [e.field for e in errors] == ["offices"]
    assert "cnap-north" in errors[0].message


def test_editing_a_card_makes_the_next_version_and_the_old_version_keeps_the_old_card(community, resident):
    register_data.load(community)
    with tenancy.scope(community):
        service = Service.objects.get(code="01-residence")
        assert service.version == 1
        card = cards.card_of(service)
        changed = {**card, "term": {**card["term"], "days": 3}, "status": "suspended"}
        checked, errors = register.check_card(changed)
        assert errors == []
        service, written = register.apply_card(community, checked, by=resident)
        assert written and service.version == 2
        versions = {v.number: v for v in ServiceVersion.objects.filter(service=service)}
        assert versions[1].card["term"]["days"] == 1 and versions[1].card["status"] == "active"
        assert versions[2].card["term"]["days"] == 3 and versions[2].created_by == resident
        # The same card again: nothing new.
        _service, written = register.apply_card(community, checked, by=resident)
        assert not written
        assert ServiceVersion.objects.filter(service=service).count() == 2


def test_the_demo_register_has_40_services_in_8_situations_and_two_offices_with_windows(community):
    from hromada.apps.services import demo
    from hromada.apps.services.models import LifeSituation, Office, Window
    from hromada.testing import factories

    factories.make_department(community, name_uk="Житлово-комунальне господарство", code="HOUSING")
    demo.load_demo(community)
    demo.load_demo(community)  # again: nothing changes
    with tenancy.scope(community):
        assert Service.objects.count() >= 40
        assert ServiceVersion.objects.count() == Service.objects.count()
        used = LifeSituation.objects.filter(services__isnull=False).distinct().count()
        assert used >= 8
        assert Office.objects.count() == 2
        for office in Office.objects.all():
            assert office.hours["mon"] and Window.objects.filter(office=office).count() >= 2
        assert Service.objects.filter(status="suspended").count() == 1
        # residents can apply online for some, and each of those names the department that decides it
        online = [s for s in Service.objects.all() if s.applies_online]
        assert len(online) >= 4 and all(s.department_id for s in online)
