"""Demo appeals for `hromada demo`: categories (public ones are Open311 services), routing rules, a few
appeals in different states made through the actions, and an Open311 client. Safe to run again."""

from __future__ import annotations

from hromada.apps.accounts.models import Role, StaffRole, User
from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, Category, Open311Client, RoutingRule
from hromada.apps.communities.models import Community, Department
from hromada.core import tenancy

CATEGORIES = [
    # code, uk, en, icon, public, needs study, department code
    ("roads", "Дороги і тротуари", "Roads and pavements", "🚧", True, False, "ROADS"),
    ("lighting", "Вуличне освітлення", "Street lighting", "💡", True, False, "HOUSING"),
    ("waste", "Сміття і прибирання", "Waste and cleaning", "🗑", True, False, "ECO"),
    ("housing", "Житлові будинки", "Apartment buildings", "🏠", False, True, "HOUSING"),
    ("education", "Освіта", "Education", "🎓", False, True, "EDU"),
    ("other", "Інше", "Other", "❓", False, True, None),
]
APPEALS = [
    # code, text, point, typed address (found in the demo address register of communities/demo.py)
    ("roads", "Глибока вибоїна на дорозі біля зупинки «Ринок», машини об'їжджають по тротуару.", (49.80, 30.12), ""),
    ("lighting", "Не горять ліхтарі у дворі будинку по вулиці Соборній, 12 вже тиждень.", None, "вул. Соборна, 12"),
    ("waste", "Переповнені контейнери для сміття біля парку, не вивозять три дні.", (49.83, 30.12), ""),
    ("housing", "Протікає дах у під'їзді № 2, просимо провести ремонт.", None, ""),
    ("other", "Прошу роз'яснити порядок отримання дозволу на розміщення кіоску.", None, ""),
]


def load_demo(community: Community) -> None:
    with tenancy.scope(community):
        departments = {d.code: d for d in Department.objects.all()}
        for position, (code, uk, en, icon, public, study, dep) in enumerate(CATEGORIES):
            category, _ = Category.objects.update_or_create(community=community, code=code, defaults={
                "name_uk": uk, "name_en": en, "icon": icon, "is_public": public, "needs_study": study,
                "position": position})
            if dep and dep in departments:
                RoutingRule.objects.update_or_create(community=community, category=category, district=None,
                                                     defaults={"department": departments[dep]})
        if not Open311Client.objects.filter(name="Demo Open311 client").exists():
            actions.open311_key_issue(community=community, name="Demo Open311 client", by=None)
        if Appeal.objects.exists():
            return
        resident = User.objects.filter(email="resident@demo.hromada.local").first()
        if resident is not None and not resident.address:
            resident.address = "вул. Соборна, 5, кв. 3, м. Демо"
            resident.save(update_fields=["address"])
        made = []
        for code, text, point, address in APPEALS:
            made.append(actions.appeal_register(
                community=community, text=text, category=code, author=actions.Author(user=resident),
                latitude=point[0] if point else None, longitude=point[1] if point else None,
                location_text=address))
        roads = StaffRole.objects.filter(role=Role.EXECUTOR, department__code="ROADS").select_related("user").first()
        if roads is not None and made:
            actions.appeal_take(appeal=made[0], by=roads.user)
            actions.appeal_answer(appeal=made[0], by=roads.user,
                                  text="Вибоїну закладено асфальтом 12 числа; дякуємо за повідомлення.")
