"""A small register (the file format's JSON form) for the register's tests."""

from __future__ import annotations

import copy
import json
from typing import Any

from hromada.apps.services import importing
from hromada.core import tenancy

SITUATIONS = [
    {"code": "residence", "name": "Реєстрація місця проживання", "name_en": "Registration of residence"},
    {"code": "birth", "name": "Народження дитини", "name_en": "Birth of a child"},
    {"code": "business", "name": "Початок бізнесу", "name_en": "Starting a business"},
]
OFFICES = [
    {"code": "cnap-centre", "name": "ЦНАП «Центр»", "name_en": "ASC Centre", "address": "вул. Соборна, 1",
     "phone": "+380 44 000 00 01", "email": "cnap@example.org",
     "hours": {"mon": "08:00-17:00", "tue": "08:00-20:00", "wed": "08:00-17:00", "thu": "08:00-17:00",
               "fri": "08:00-16:00", "sat": "09:00-14:00"}},
    {"code": "cnap-north", "name": "ЦНАП «Північ»", "name_en": "", "address": "просп. Миру, 10", "phone": "",
     "email": "", "hours": {"mon": "09:00-13:00,14:00-18:00"}},
]
RESIDENCE = {
    "code": "01-residence", "national_code": "00001", "name": "Реєстрація місця проживання",
    "name_en": "Registration of the place of residence", "provider": "Виконавчий комітет міської ради",
    "audience": ["person"], "life_situations": ["residence"], "status": "active", "keywords": ["прописка"],
    "legal_basis": ["Закон України «Про свободу пересування та вільний вибір місця проживання в Україні», ст. 6",
                    "Постанова КМУ від 07.02.2022 № 265"],
    "documents": [{"title": "Заява", "requirements": "за формою"},
                  {"title": "Паспорт громадянина України", "requirements": "оригінал"},
                  {"title": "Квитанція про сплату адміністративного збору", "requirements": ""}],
    "apply_methods": ["in_person", "online", "representative"],
    "fee": {"kind": "fixed", "amount": "25.50", "details": "=SUM(1) адміністративний збір"},
    "term": {"days": 1, "kind": "working", "text": "в день звернення"},
    "result": "Внесення відомостей до реєстру територіальної громади\nі довідка", "delivery": "Особисто",
    "refusal_grounds": ["Подано неповний пакет документів", "-Недостовірні відомості"],
    "appeal_procedure": "До суду", "offices": ["cnap-centre", "cnap-north"], "identity_level": "none",
    "form": [{"name": "address", "type": "address", "label": "Адреса"}],
}
BIRTH = {
    "code": "02-birth", "name": "Державна реєстрація народження фізичної особи", "provider": "Відділ ДРАЦС",
    "life_situations": ["birth"], "documents": [{"title": "Медичне свідоцтво про народження", "requirements": ""}],
    "term": {"days": 0, "kind": "calendar", "text": "у день звернення"}, "offices": ["cnap-centre"],
}
BUSINESS = {
    "code": "03-fop", "name": "Державна реєстрація фізичної особи — підприємця", "provider": "Державний реєстратор",
    "audience": ["business"], "life_situations": ["business"], "status": "suspended",
    "fee": {"kind": "by_law", "amount": None, "details": "безоплатно за законом"},
    "term": {"days": 24, "kind": "calendar", "text": "24 години"},
}


def document(*services: dict[str, Any]) -> dict[str, Any]:
    return {"format": "hromada-services/1", "life_situations": copy.deepcopy(SITUATIONS),
            "offices": copy.deepcopy(OFFICES),
            "services": copy.deepcopy(list(services) or [RESIDENCE, BIRTH, BUSINESS])}


def as_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def load(community, *services: dict[str, Any]) -> importing.ImportResult:
    with tenancy.scope(community):
        return importing.import_register(community, as_bytes(document(*services)), "register.json")
