"""Demo clubs for `hromada demo`: clubs and groups of the 2026/2027 season, one full group with a waiting
list, a demo parent's two children in enrolments of every kind, and a club manager. Made through the
actions; safe to run again (a community that has the clubs already is left as it is)."""

from __future__ import annotations

from datetime import date

from hromada.apps.accounts.models import IdentityLevel, User
from hromada.apps.communities.management.commands.demo import DEMO_PASSWORD
from hromada.apps.communities.models import Community
from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.models import Child, Club, ClubGroup, EnrolmentPolicy
from hromada.core import tenancy

SEASON = "2026/2027"
PARENT_EMAIL = "resident@demo.hromada.local"
MANAGER_EMAIL = "club@demo.hromada.local"

GroupRow = tuple[str, tuple[int, int], str, int, str | None]  # group, ages, schedule, places, fee
CLUBS: list[tuple[str, str, str, str, list[GroupRow]]] = [  # name_uk, name_en, kind, address, groups
    ("ДЮСШ «Олімп»: плавання", "Olymp youth sports school: swimming", "sport", "Центральний район, вул. Соборна, 12",
     [("Дельфінчики", (6, 8), "Пн, Ср, Пт 16:00–17:00", 3, None),
      ("Юніори", (9, 12), "Вт, Чт 17:00–18:30", 12, None)]),
    ("Футбольна школа «Зірка»", "Zirka football school", "sport", "Північний район, просп. Миру, 40",
     [("U-8", (6, 8), "Вт, Чт 16:30–18:00", 18, "250.00"), ("U-11", (9, 11), "Пн, Ср 17:00–18:30", 18, "250.00")]),
    ("Музична школа № 1", "Music school No. 1", "music", "Центральний район, вул. Шевченка, 5",
     [("Фортепіано, початківці", (6, 9), "Сб 10:00–11:00", 8, "400.00"),
      ("Хор «Дзвіночок»", (7, 12), "Пт 15:00–16:30", 25, None)]),
    ("Художня студія «Палітра»", "Palitra art studio", "art", "Заводський район, вул. Заводська, 3",
     [("Малюнок і живопис", (7, 12), "Вт 15:30–17:00", 10, "300.00")]),
    ("Гурток робототехніки «Кібер»", "Kiber robotics club", "science", "Центральний район, вул. Університетська, 1",
     [("Lego-роботи", (7, 10), "Сб 12:00–13:30", 12, "500.00"), ("Arduino", (11, 15), "Чт 17:00–19:00", 10, "500.00")]),
    ("Ансамбль народного танцю «Барвінок»", "Barvinok folk dance ensemble", "dance",
     "Північний район, вул. Лісова, 22",
     [("Молодша група", (5, 8), "Пн, Чт 16:00–17:00", 20, "200.00")]),
]


def _demo_user(email: str, name: str, community: Community) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, home_community=community,
                                        identity_level=IdentityLevel.EMAIL)
    return user


def load_demo_clubs(community: Community) -> None:
    with tenancy.scope(community):
        if Club.objects.filter(community=community).exists():
            return
        manager = _demo_user(MANAGER_EMAIL, "Ірина Тренерка", community)
        parent = _demo_user(PARENT_EMAIL, "Наталія Перевірена", community)
        EnrolmentPolicy.objects.get_or_create(community=community, season=SEASON, defaults={"groups_per_child": 2})
        groups: dict[str, ClubGroup] = {}
        for name_uk, name_en, kind, address, group_rows in CLUBS:
            club = Club.objects.create(community=community, name_uk=name_uk, name_en=name_en, kind=kind,
                                       address=address, phone="+380 44 000 00 00")
            club.managers.add(manager)
            for group_name, (age_min, age_max), schedule, capacity, fee in group_rows:
                groups[group_name] = ClubGroup.objects.create(
                    community=community, club=club, name=group_name, season=SEASON, age_min=age_min,
                    age_max=age_max, schedule=schedule, capacity=capacity, fee=fee)

        older = Child.objects.create(community=community, parent=parent, full_name="Остап Перевірений",
                                     birth_date=date(2017, 4, 12))  # 9 on 1 September 2026
        younger = Child.objects.create(community=community, parent=parent, full_name="Марійка Перевірена",
                                       birth_date=date(2020, 6, 20))  # 6

        # The swimming beginners fill up; the demo parent's younger child waits second in line.
        others = [(_demo_user(f"parent{n}@demo.hromada.local", f"Батько {n}", community), n) for n in range(1, 5)]
        kids = [Child.objects.create(community=community, parent=other, full_name=f"Дитина {n}",
                                     birth_date=date(2019, n, 10)) for other, n in others]
        full = groups["Дельфінчики"]
        made = [actions.enrol(group=full, child=kid, parent=other) for kid, (other, _n) in zip(kids, others,
                                                                                              strict=True)]
        actions.confirm(enrolment=made[0], by=manager)
        actions.enrol(group=full, child=younger, parent=parent)  # waiting, second in line

        confirmed = actions.enrol(group=groups["Юніори"], child=older, parent=parent)
        actions.confirm(enrolment=confirmed, by=manager)
        actions.enrol(group=groups["Lego-роботи"], child=older, parent=parent)  # requested, to confirm
        withdrawn = actions.enrol(group=groups["Молодша група"], child=younger, parent=parent)
        actions.withdraw(enrolment=withdrawn, by=parent)
