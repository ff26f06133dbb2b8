"""The demo community's register of services: two ЦНАП offices with hours and windows, life situations and
the services, imported through the register's own import (all or nothing; running it again changes nothing).

The services are a curated list written from the real cards of the 2015 national register
(../shared/data/services/poslugy_gov_ua_2015) and the iGov catalogue: their real names, providers, terms and
fees. `source_cards()` is the hook for the converter of those sources (`hromada.apps.services.sources`): when
it is installed, the documents, legal basis and grounds for refusal of the real cards with the same name are
taken from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from hromada.apps.communities.models import Department
from hromada.apps.services import importing
from hromada.apps.services.models import Office, Service, Window
from hromada.core import tenancy

FORMAT = "hromada-services/1"
SOURCES_DIR = Path(settings.PROJECT_DIR).parent / "shared" / "data" / "services"

SITUATIONS = [
    ("residence", "Реєстрація місця проживання", "Registration of residence"),
    ("birth", "Народження дитини", "Birth of a child"),
    ("family", "Сім'я та діти", "Family and children"),
    ("housing", "Житло", "Housing"),
    ("land", "Земля", "Land"),
    ("building", "Будівництво та адреси", "Building and addresses"),
    ("business", "Початок бізнесу", "Starting a business"),
    ("transport", "Транспорт і дороги", "Transport and roads"),
    ("social", "Пільги та соціальний захист", "Benefits and social protection"),
    ("death", "Смерть близької людини", "Death of a relative"),
]

HOURS_CENTRE = {"mon": "08:00-17:00", "tue": "08:00-20:00", "wed": "08:00-17:00", "thu": "08:00-20:00",
                "fri": "08:00-16:00", "sat": "09:00-15:00"}
HOURS_NORTH = {"mon": "09:00-13:00,14:00-18:00", "tue": "09:00-13:00,14:00-18:00", "wed": "09:00-13:00,14:00-18:00",
               "thu": "09:00-13:00,14:00-18:00", "fri": "09:00-13:00,14:00-16:45"}
OFFICES = [
    {"code": "cnap-centre", "name": "Центр надання адміністративних послуг (центральний)",
     "name_en": "Administrative Services Centre (central)", "address": "вул. Соборна, 1, Демо-місто",
     "phone": "+380 44 000 01 01", "email": "cnap@demo.hromada.local", "hours": HOURS_CENTRE},
    {"code": "cnap-north", "name": "Територіальний підрозділ ЦНАП «Північний»",
     "name_en": "ASC branch North", "address": "просп. Миру, 48, Демо-місто",
     "phone": "+380 44 000 01 02", "email": "cnap.north@demo.hromada.local", "hours": HOURS_NORTH},
]

COUNCIL = "Виконавчий комітет Демо-міської ради"
DRACS = "Відділ державної реєстрації актів цивільного стану"
SOCIAL = "Управління соціального захисту населення Демо-міської ради"
ARCH = "Управління містобудування та архітектури Демо-міської ради"
LAND = "Управління земельних ресурсів Демо-міської ради"
CHILDREN = "Служба у справах дітей Демо-міської ради"
REGISTRAR = "Державний реєстратор ЦНАП Демо-міської ради"
GEOCADASTRE = "Відділ Держгеокадастру у Демо-районі"
PASSPORT = "Державна міграційна служба (відділ у Демо-місті)"
PASSPORT_DOC = {"title": "Паспорт громадянина України", "requirements": "оригінал для огляду"}
APPLICATION = {"title": "Заява", "requirements": "за встановленою формою, заповнюється в ЦНАП"}
POWER = {"title": "Довіреність", "requirements": "у разі звернення представника"}
FREE = {"kind": "free", "amount": None, "details": ""}
BOTH = ["cnap-centre", "cnap-north"]
CENTRE = ["cnap-centre"]

# (code, name, situations, provider, term days, term kind, term text, fee, extra documents, offices, keywords)
SERVICES: list[tuple[Any, ...]] = [
    ("res-01", "Реєстрація місця проживання особи", ["residence"], COUNCIL, 1, "working", "у день звернення",
     {"kind": "by_law", "amount": None, "details": "Безоплатно, якщо подано в строк; у разі порушення строку — "
                                                   "адміністративний збір 0,0085 прожиткового мінімуму."},
     [{"title": "Документ, що підтверджує право на проживання в житлі",
       "requirements": "договір, ордер, свідоцтво або згода власника"},
      {"title": "Квитанція про сплату адміністративного збору", "requirements": "у разі порушення строку"}],
     BOTH, ["прописка", "місце проживання"]),
    ("res-02", "Зняття з реєстрації місця проживання особи", ["residence"], COUNCIL, 1, "working",
     "у день звернення", FREE, [], BOTH, ["виписка", "виписатися"]),
    ("res-03", "Видача довідки про реєстрацію місця проживання", ["residence"], COUNCIL, 1, "working",
     "у день звернення", FREE, [], BOTH, ["довідка", "прописка"]),
    ("res-04", "Оформлення і видача паспорта громадянина України у формі ID-картки", ["residence"], PASSPORT, 20,
     "working", "20 робочих днів",
     {"kind": "fixed", "amount": "279.00", "details": "Вартість бланка і послуги оформлення; оплата на рахунок ДМС."},
     [{"title": "Свідоцтво про народження", "requirements": "для осіб, які оформлюють паспорт уперше"}],
     CENTRE, ["паспорт", "id-картка"]),
    ("bir-01", "Державна реєстрація народження фізичної особи та її походження", ["birth"], DRACS, 0, "working",
     "у день звернення", FREE,
     [{"title": "Медичне свідоцтво про народження", "requirements": "форма № 103/о"}], BOTH,
     ["свідоцтво про народження", "реєстрація дитини"]),
    ("bir-02", "Призначення допомоги при народженні дитини", ["birth", "social"], SOCIAL, 10, "calendar",
     "10 днів", FREE, [{"title": "Свідоцтво про народження дитини", "requirements": "копія"}], BOTH,
     ["допомога", "народження"]),
    ("bir-03", "Видача посвідчень батьків та дитини з багатодітної сім'ї", ["birth", "family", "social"], SOCIAL,
     30, "calendar", "30 днів", FREE, [{"title": "Свідоцтва про народження дітей", "requirements": "копії"},
                                       {"title": "Фотографії 3×4", "requirements": "по одній на кожного члена сім'ї"}],
     CENTRE, ["багатодітна сім'я"]),
    ("fam-01", "Визначення місця проживання малолітньої дитини", ["family"], CHILDREN, 30, "calendar", "30 днів",
     FREE, [{"title": "Свідоцтво про народження дитини", "requirements": "копія"}], CENTRE, []),
    ("fam-02", "Надання дозволу на зміну прізвища дитини", ["family"], CHILDREN, 30, "calendar", "30 днів", FREE,
     [{"title": "Свідоцтво про народження дитини", "requirements": "копія"}], CENTRE, ["прізвище"]),
    ("fam-03", "Надання дозволу на укладення угод стосовно житла (майна), право власності на яке або право "
               "користування яким мають діти", ["family", "housing"], CHILDREN, 30, "calendar", "30 днів", FREE,
     [{"title": "Документи, що посвідчують право власності на житло", "requirements": "копії"}], CENTRE,
     ["продаж квартири", "дозвіл органу опіки"]),
    ("fam-04", "Встановлення опіки, піклування над дітьми-сиротами та дітьми, позбавленими батьківського "
               "піклування", ["family"], CHILDREN, 30, "calendar", "30 днів", FREE,
     [{"title": "Висновок про стан здоров'я", "requirements": "оригінал"}], CENTRE, ["опіка", "піклування"]),
    ("fam-05", "Видача посвідчення опікуна або піклувальника", ["family"], CHILDREN, 10, "working",
     "10 робочих днів", FREE, [], CENTRE, ["опікун"]),
    ("fam-06", "Надання акта обстеження житлово-побутових умов проживання дитини", ["family"], CHILDREN, 15,
     "working", "15 робочих днів", FREE, [], BOTH, ["акт обстеження"]),
    ("hou-01", "Облік громадян, які потребують поліпшення житлових умов (взяття на квартирний облік)",
     ["housing"], COUNCIL, 30, "calendar", "30 днів", FREE,
     [{"title": "Довідка про склад сім'ї", "requirements": "видана не раніше ніж за місяць"}], BOTH,
     ["квартирна черга", "черга на житло"]),
    ("hou-02", "Видача довідки про перебування на квартирному обліку", ["housing"], COUNCIL, 5, "working",
     "5 робочих днів", FREE, [], BOTH, ["квартирна черга"]),
    ("hou-03", "Видача свідоцтва про право власності на житло (приватизація)", ["housing"], COUNCIL, 30,
     "calendar", "30 днів", FREE, [{"title": "Ордер або договір найму", "requirements": "копія"}], CENTRE,
     ["приватизація"]),
    ("hou-04", "Переведення житлового приміщення в нежитлове", ["housing", "building"], COUNCIL, 30, "calendar",
     "30 днів", FREE, [{"title": "Технічний паспорт приміщення", "requirements": "копія"}], CENTRE, []),
    ("hou-05", "Надання житла з фонду соціального призначення", ["housing", "social"], COUNCIL, 30, "calendar",
     "30 днів", FREE, [], CENTRE, ["соціальне житло"]),
    ("lan-01", "Надання відомостей з Державного земельного кадастру у формі витягу", ["land"], GEOCADASTRE, 10,
     "working", "10 робочих днів", {"kind": "by_law", "amount": None, "details": "0,05 прожиткового мінімуму "
                                                                                "для працездатних осіб"},
     [], BOTH, ["кадастр", "витяг"]),
    ("lan-02", "Надання дозволу на розроблення проекту землеустрою щодо відведення земельної ділянки", ["land"],
     LAND, 30, "calendar", "один місяць", FREE,
     [{"title": "Графічні матеріали з бажаним місцем розташування ділянки", "requirements": ""}], CENTRE,
     ["відведення землі", "земельна ділянка"]),
    ("lan-03", "Затвердження проекту землеустрою щодо відведення земельної ділянки", ["land"], LAND, 30,
     "calendar", "один місяць", FREE, [{"title": "Проект землеустрою", "requirements": "оригінал"}], CENTRE,
     ["земельна ділянка"]),
    ("lan-04", "Видача довідки про наявність земельних ділянок у власності, користуванні чи оренді", ["land"],
     LAND, 10, "working", "10 робочих днів", FREE, [], BOTH, ["довідка", "земля"]),
    ("bld-01", "Присвоєння поштової адреси об'єкту нерухомого майна", ["building"], ARCH, 15, "working",
     "15 робочих днів", FREE,
     [{"title": "Документ, що посвідчує право власності на об'єкт", "requirements": "копія"}], BOTH,
     ["адреса", "поштова адреса"]),
    ("bld-02", "Надання містобудівних умов та обмежень забудови земельної ділянки", ["building", "land"], ARCH,
     10, "working", "10 робочих днів", FREE,
     [{"title": "Викопіювання з топографо-геодезичного плану М 1:2000", "requirements": ""}], CENTRE,
     ["містобудівні умови"]),
    ("bld-03", "Видача будівельного паспорта забудови земельної ділянки", ["building"], ARCH, 10, "working",
     "10 робочих днів", FREE, [{"title": "Ескіз намірів забудови", "requirements": ""}], CENTRE,
     ["будівельний паспорт", "будинок"]),
    ("bld-04", "Видача ордера на видалення зелених насаджень", ["building"], COUNCIL, 10, "working",
     "10 робочих днів", FREE, [{"title": "Акт обстеження зелених насаджень", "requirements": ""}], CENTRE,
     ["дерева", "зрізати дерево"]),
    ("bus-01", "Державна реєстрація фізичної особи — підприємця", ["business"], REGISTRAR, 1, "working",
     "24 години після надходження документів", FREE, [], BOTH, ["фоп", "підприємець"]),
    ("bus-02", "Державна реєстрація припинення підприємницької діяльності фізичної особи — підприємця",
     ["business"], REGISTRAR, 1, "working", "24 години", FREE, [], BOTH, ["закрити фоп"]),
    ("bus-03", "Державна реєстрація створення юридичної особи", ["business"], REGISTRAR, 1, "working",
     "24 години", FREE, [{"title": "Установчий документ", "requirements": "оригінал"}], CENTRE,
     ["тов", "юридична особа"]),
    ("bus-04", "Видача дозволу на розміщення зовнішньої реклами", ["business"], ARCH, 15, "working",
     "15 робочих днів", FREE, [{"title": "Фотокартка місця розміщення", "requirements": "розміром 6×9 см"}],
     CENTRE, ["реклама", "вивіска"]),
    ("bus-05", "Скасування дії дозволу на розміщення зовнішньої реклами", ["business"], ARCH, 15, "working",
     "15 робочих днів", FREE, [], CENTRE, ["реклама"]),
    ("bus-06", "Дозвіл на використання місцевої символіки", ["business"], COUNCIL, 30, "calendar", "30 днів", FREE,
     [{"title": "Зразок продукції з символікою", "requirements": ""}], CENTRE, ["герб"]),
    ("trn-01", "Погодження тимчасового обмеження руху транспорту", ["transport"], COUNCIL, 10, "working",
     "10 робочих днів", FREE, [{"title": "Схема організації дорожнього руху", "requirements": ""}], CENTRE,
     ["перекриття дороги"]),
    ("trn-02", "Видача дозволу на рух великогабаритних та великовагових транспортних засобів вулицями міста",
     ["transport", "business"], COUNCIL, 10, "working", "10 робочих днів",
     {"kind": "by_law", "amount": None, "details": "Плата за проїзд — за постановою КМУ від 27.06.2007 № 879"},
     [{"title": "Свідоцтво про реєстрацію транспортного засобу", "requirements": "копія"}], CENTRE,
     ["великогабаритний"]),
    ("trn-03", "Видача посвідчення водія на право керування транспортними засобами (обмін)", ["transport"],
     "Територіальний сервісний центр МВС", 1, "working", "у день звернення",
     {"kind": "fixed", "amount": "227.00", "details": "Вартість бланка посвідчення водія"},
     [{"title": "Медична довідка про придатність до керування", "requirements": "оригінал"}], CENTRE,
     ["права", "посвідчення водія"]),
    ("soc-01", "Видача посвідчення «Учасник війни»", ["social"], SOCIAL, 30, "calendar", "30 днів", FREE,
     [{"title": "Фотокартка 3×4", "requirements": ""}], BOTH, ["посвідчення", "ветеран"]),
    ("soc-02", "Видача посвідчення «Ветеран праці»", ["social"], SOCIAL, 30, "calendar", "30 днів", FREE,
     [{"title": "Трудова книжка", "requirements": "копія"}], BOTH, ["ветеран праці"]),
    ("soc-03", "Видача направлень на виготовлення технічних та інших засобів реабілітації", ["social"], SOCIAL, 10,
     "working", "10 робочих днів", FREE, [{"title": "Індивідуальна програма реабілітації", "requirements": "копія"}],
     BOTH, ["реабілітація", "протез", "візок"]),
    ("soc-04", "Призначення житлової субсидії", ["social", "housing"], SOCIAL, 10, "calendar", "10 днів", FREE,
     [{"title": "Декларація про доходи та майно", "requirements": "за формою"}], BOTH, ["субсидія", "комуналка"]),
    ("soc-05", "Видача посвідчення особам, які постраждали внаслідок Чорнобильської катастрофи", ["social"],
     SOCIAL, 30, "calendar", "30 днів", FREE, [], CENTRE, ["чорнобиль"]),
    ("dth-01", "Державна реєстрація смерті", ["death"], DRACS, 0, "working", "у день звернення", FREE,
     [{"title": "Лікарське свідоцтво про смерть", "requirements": "оригінал"}], BOTH, ["свідоцтво про смерть"]),
    ("dth-02", "Оформлення свідоцтва про поховання", ["death"], "КП «Ритуальна служба» Демо-міської ради", 1,
     "working", "у день звернення", FREE,
     [{"title": "Свідоцтво про смерть першого похованого у родинній могилі", "requirements": "копія"}], CENTRE,
     ["поховання", "кладовище"]),
    ("dth-03", "Призначення допомоги на поховання", ["death", "social"], SOCIAL, 10, "calendar", "10 днів", FREE,
     [{"title": "Свідоцтво про смерть", "requirements": "копія"}], BOTH, ["допомога", "поховання"]),
]

# The online application forms of four demo services (the form format: docs/services.md, "Online applications").
_PERSON = {"name": "applicant", "label": "ПІБ заявника", "label_en": "Applicant", "type": "person",
           "required": True}
_DELIVERY = {"name": "delivery", "label": "Як отримати результат", "label_en": "How to receive the result",
             "type": "choice", "required": True,
             "choices": [{"value": "cnap", "label": "У ЦНАП", "label_en": "At the ЦНАП"},
                         {"value": "post", "label": "Поштою", "label_en": "By post"}]}
_POST_ADDRESS = {"name": "post_address", "label": "Адреса для пошти", "label_en": "Postal address",
                 "type": "textarea", "required": True, "max_length": 300, "show_if": {"field": "delivery",
                                                                                     "equals": "post"}}
_PASSPORT_SCAN = {"name": "passport", "label": "Скан паспорта", "label_en": "Scan of the passport", "type": "file",
                  "required": True, "allowed_types": ["pdf", "jpg", "png"], "max_size_mb": 5}
ONLINE_FORMS: dict[str, list[dict[str, Any]]] = {
    "res-01": [_PERSON,
               {"name": "new_address", "label": "Адреса нового місця проживання", "label_en": "New address",
                "type": "address", "required": True},
               {"name": "right_to_live", "label": "Документ про право на проживання",
                "label_en": "Document giving the right to live there", "type": "file", "required": True,
                "allowed_types": ["pdf", "jpg", "png"], "max_size_mb": 5},
               _PASSPORT_SCAN],
    "bir-02": [_PERSON,
               {"name": "child_name", "label": "Ім'я дитини", "label_en": "Child's name", "type": "text",
                "required": True, "max_length": 100},
               {"name": "born_on", "label": "Дата народження дитини", "label_en": "Child's date of birth",
                "type": "date", "required": True},
               {"name": "birth_certificate", "label": "Свідоцтво про народження", "label_en": "Birth certificate",
                "type": "file", "required": True, "allowed_types": ["pdf", "jpg", "png"], "max_size_mb": 5},
               _DELIVERY, _POST_ADDRESS],
    "hou-01": [_PERSON,
               {"name": "family", "label": "Кількість членів сім'ї", "label_en": "Family members", "type": "number",
                "required": True, "min": 1, "max": 20},
               {"name": "reason", "label": "Чому потрібне поліпшення житлових умов",
                "label_en": "Why the housing must improve", "type": "textarea", "required": True,
                "max_length": 2000},
               _PASSPORT_SCAN],
    "soc-01": [_PERSON,
               {"name": "grounds", "label": "Документ, що підтверджує статус", "label_en": "Document of the status",
                "type": "file", "required": True, "allowed_types": ["pdf", "jpg", "png"], "max_size_mb": 5},
               _DELIVERY, _POST_ADDRESS],
}
# The department whose executors decide a demo service's cases, by the code's prefix (the demo community has
# housing and roads executors; everything else is decided in the housing department in the demo).
DEPARTMENTS = {"trn": "ROADS"}
DEMO_APPLICANTS = ("resident@demo.hromada.local", "resident.cnap@demo.hromada.local",
                   "resident.email@demo.hromada.local")

WINDOWS = [
    ("cnap-centre", "1", "Реєстрація місця проживання і паспорти", ["res-01", "res-02", "res-03", "res-04"]),
    ("cnap-centre", "2", "ДРАЦС і соціальні послуги", ["bir-01", "bir-02", "bir-03", "dth-01", "dth-03", "soc-01",
                                                       "soc-02", "soc-03", "soc-04", "soc-05"]),
    ("cnap-centre", "3", "Земля, будівництво, житло", ["lan-01", "lan-02", "lan-03", "lan-04", "bld-01", "bld-02",
                                                      "bld-03", "bld-04", "hou-01", "hou-02", "hou-03", "hou-04",
                                                      "hou-05"]),
    ("cnap-centre", "4", "Бізнес і транспорт", ["bus-01", "bus-02", "bus-03", "bus-04", "bus-05", "bus-06",
                                               "trn-01", "trn-02", "trn-03"]),
    ("cnap-north", "1", "Реєстрація місця проживання", ["res-01", "res-02", "res-03", "bir-01", "dth-01"]),
    ("cnap-north", "2", "Соціальні послуги та земля", ["bir-02", "soc-01", "soc-02", "soc-03", "soc-04", "dth-03",
                                                      "lan-01", "lan-04", "bld-01", "hou-01", "hou-02"]),
]

REFUSAL = ["Подання неповного пакета документів", "Виявлення в документах недостовірних відомостей",
           "Звернення особи, яка не має на це повноважень"]
APPEAL = ("Рішення, дії чи бездіяльність суб'єкта надання послуги можуть бути оскаржені до вищого органу або до "
          "суду (ст. 20 Закону України «Про адміністративні послуги»).")
LAW = "Закон України «Про адміністративні послуги»"
SUSPENDED = "soc-05"


def curated_cards() -> list[dict[str, Any]]:
    found = []
    for (code, name, situations, provider, days, kind, text, fee, documents, offices, keywords) in SERVICES:
        found.append({
            "code": code, "national_code": "", "name": name, "name_en": "", "provider": provider,
            "audience": ["business"] if code.startswith("bus-") else ["person"], "life_situations": situations,
            "status": "active", "keywords": keywords, "legal_basis": [LAW],
            "documents": [APPLICATION, PASSPORT_DOC, *documents, POWER],
            "apply_methods": ["in_person", "representative", "post"] if code.startswith(("lan-", "bld-"))
            else ["in_person", "representative"],
            "fee": fee, "term": {"days": days, "kind": kind, "text": text},
            "result": "Рішення суб'єкта надання адміністративної послуги або вмотивована відмова",
            "delivery": "Особисто в ЦНАП або поштою за бажанням заявника", "refusal_grounds": REFUSAL,
            "appeal_procedure": APPEAL, "offices": offices, "identity_level": "none", "form": []})
    for card in found:  # one service is suspended: the demo shows a card that takes no applications
        if card["code"] == SUSPENDED:
            card["status"] = "suspended"
        if card["code"] in ONLINE_FORMS:  # these take applications online too
            card["form"] = ONLINE_FORMS[card["code"]]
            card["apply_methods"] = [*card["apply_methods"], "online"]
            if card["code"] == "res-01":
                card["identity_level"] = "verified"
    return found


def source_cards() -> dict[str, dict[str, Any]]:
    """The real cards of the 2015 register read by the converter (`sources.register2015`), by name; {} when
    ../shared/data is not beside the project."""
    from hromada.apps.services.sources.register2015 import read_register2015

    directory = SOURCES_DIR / "poslugy_gov_ua_2015"
    if not directory.is_dir():
        return {}
    return {card["name"].strip().rstrip(".").lower(): card for card in read_register2015(directory)}


def demo_document(*, with_sources: bool = True) -> dict[str, Any]:
    services = curated_cards()
    real = source_cards() if with_sources else {}
    for card in services:
        match = real.get(card["name"].lower())
        if match:  # the real card's lists where the converter read them
            for key in ("documents", "legal_basis", "refusal_grounds"):
                if match.get(key):
                    card[key] = match[key]
    return {"format": FORMAT,
            "life_situations": [{"code": c, "name": n, "name_en": e} for c, n, e in SITUATIONS],
            "offices": OFFICES, "services": services}


def load_demo(community: Any) -> None:
    with tenancy.scope(community):
        try:
            importing.import_register(community, _as_file(demo_document()), "demo.json")
        except importing.RegisterImportError:  # the converter's dirt: the curated cards alone
            importing.import_register(community, _as_file(demo_document(with_sources=False)), "demo.json")
        offices = {o.code: o for o in Office.objects.all()}
        services = {s.code: s for s in Service.objects.all()}
        for office_code, number, name, codes in WINDOWS:
            window, _created = Window.objects.update_or_create(community=community, office=offices[office_code],
                                                               number=number, defaults={"name": name})
            window.services.set([services[c] for c in codes if c in services])
        departments = {d.code: d for d in Department.objects.all()}
        for code, service in services.items():
            department = departments.get(DEPARTMENTS.get(code.split("-")[0], "HOUSING"))
            if department is not None and service.department_id is None:
                Service.objects.filter(pk=service.pk).update(department=department)
                service.department = department
        _demo_cases(community, list(services.values()), list(offices.values()))


def _demo_cases(community: Any, services: list[Service], offices: list[Office]) -> None:
    """Cases in every status (once: `make_demo_cases` makes none when the demo applicants have some)."""
    from django.contrib.auth import get_user_model

    from hromada.apps.accounts.models import Role, StaffRole
    from hromada.apps.services.demo_cases import make_demo_cases

    users = get_user_model().objects
    operator = users.filter(email="operator@demo.hromada.local").first()
    executors = [role.user for role in StaffRole.objects.filter(role=Role.EXECUTOR).select_related("user")]
    applicants = list(users.filter(email__in=DEMO_APPLICANTS).order_by("email"))
    if operator is None or not executors or not applicants:
        return
    make_demo_cases(community, [s for s in services if s.status == "active"], offices, operator=operator,
                    executors=executors, applicants=applicants)


def _as_file(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
