"""Create (or bring up to date) the demo community `demo`. Safe to run again.

Not one transaction: each module makes its demo content through its actions, and an action is its own
(outermost) transaction. A run that stops half-way is completed by the next one."""

import zlib
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from hromada.apps.accounts.models import IdentityLevel, Role, StaffRole, User, VerificationMethod, tax_number_hash
from hromada.apps.communities.models import Community, Department, District
from hromada.core import tenancy

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo logins, printed by make run


def _square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


DISTRICTS = [
    ("Центральний", "Central", "CEN", _square(30.10, 49.78, 0.04)),
    ("Північний", "Northern", "NOR", _square(30.10, 49.82, 0.04)),
    ("Заводський", "Industrial", "IND", _square(30.14, 49.78, 0.04)),
    ("Старостинський округ Глушки", "Hlushky starosta district", "HLU", _square(30.14, 49.82, 0.05)),
]
DEPARTMENTS = [
    ("Департамент житлово-комунального господарства", "Housing and Utilities Department", "HOUSING"),
    ("Управління транспорту та дорожнього господарства", "Transport and Roads Department", "ROADS"),
    ("Управління освіти", "Education Department", "EDU"),
    ("Відділ благоустрою та екології", "Landscaping and Ecology Division", "ECO"),
    ("Центр надання адміністративних послуг (ЦНАП)", "Administrative Services Centre (CNAP)", "CNAP"),
]
STAFF = [
    ("admin@demo.hromada.local", "Оксана Адміненко", Role.ADMIN, None),
    ("operator@demo.hromada.local", "Марія Операторенко", Role.OPERATOR, None),
    ("executor@demo.hromada.local", "Петро Виконавчук", Role.EXECUTOR, "HOUSING"),
    ("roads@demo.hromada.local", "Андрій Дорошенко", Role.EXECUTOR, "ROADS"),
    ("controller@demo.hromada.local", "Ірина Контролюк", Role.CONTROLLER, None),
    ("moderator@demo.hromada.local", "Богдан Модераторенко", Role.MODERATOR, None),
]
RESIDENTS = [
    ("resident.new@demo.hromada.local", "Тарас Новенький", IdentityLevel.UNVERIFIED, ""),
    ("resident.email@demo.hromada.local", "Олена Поштова", IdentityLevel.EMAIL, ""),
    ("resident.phone@demo.hromada.local", "Василь Телефонний", IdentityLevel.PHONE, ""),
    ("resident@demo.hromada.local", "Наталія Перевірена", IdentityLevel.VERIFIED, VerificationMethod.PROVIDER),
    ("resident.cnap@demo.hromada.local", "Григорій Особистий", IdentityLevel.VERIFIED, VerificationMethod.IN_PERSON),
]


class Command(BaseCommand):
    help = "Create or update the demo community (slug 'demo') with districts, departments, staff and residents."

    def handle(self, *args, **options):
        community = self._foundation()
        # Each module adds its demo content through `<app>/demo.py: load_demo(community)`, after the
        # foundation is committed: the content is made through the modules' actions, each of which is
        # the outermost transaction (durable), as when a person acts.
        with tenancy.scope(community):
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").load_demo(community)
                    self.stdout.write(f"  demo content: {app_config.verbose_name}")

        self.stdout.write(self.style.SUCCESS(f"Demo community ready: /c/{community.slug}/"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role, _dep in STAFF:
            self.stdout.write(f"  {role:<11} {email}")
        for email, _name, level, _method in RESIDENTS:
            self.stdout.write(f"  resident    {email} ({IdentityLevel(level).label})")
        self.stdout.write("  platform    platform@hromada.local (Django admin at /admin/)")

    @transaction.atomic
    def _foundation(self) -> Community:
        """The community, its districts, departments, staff and residents."""
        community, _ = Community.objects.update_or_create(
            slug="demo",
            defaults={
                "name_uk": "Демонстраційна міська громада", "name_en": "Demo City Community",
                "kind": Community.Kind.CITY,
                "edrpou": "04054926", "email": "rada@demo.hromada.local", "phone": "+380 44 000 00 00",
                "address": "вул. Соборна, 1, м. Демо, 09100", "petition_threshold": 100, "petition_period_days": 60,
            },
        )
        with tenancy.scope(community):
            for name_uk, name_en, code, boundary in DISTRICTS:
                District.objects.update_or_create(community=community, name_uk=name_uk,
                                                  defaults={"name_en": name_en, "code": code, "boundary": boundary})
            departments = {}
            for name_uk, name_en, code in DEPARTMENTS:
                departments[code], _ = Department.objects.update_or_create(
                    community=community, code=code, defaults={"name_uk": name_uk, "name_en": name_en}
                )
            operator = None
            for email, name, role, department_code in STAFF:
                user = self._user(email, name, community, IdentityLevel.VERIFIED, VerificationMethod.PROVIDER)
                department = departments.get(department_code) if department_code else None
                StaffRole.objects.get_or_create(community=community, user=user, role=role, department=department)
                if role == Role.OPERATOR:
                    operator = user
                if department is not None and department.head_id is None:
                    department.head = user
                    department.save(update_fields=["head"])
            for email, name, level, method in RESIDENTS:
                verified_by = operator if method == VerificationMethod.IN_PERSON else None
                self._user(email, name, community, level, method, verified_by=verified_by)
            if not User.objects.filter(email="platform@hromada.local").exists():
                User.objects.create_superuser("platform@hromada.local", DEMO_PASSWORD, full_name="Platform Admin")
        return community

    def _user(self, email, name, community, level, method, verified_by=None):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD)
        user.full_name = name
        user.home_community = community
        user.identity_level = level
        user.verification_method = method
        user.birth_date = user.birth_date or timezone.localdate().replace(year=1985, month=5, day=17)
        if level >= IdentityLevel.VERIFIED:
            user.verified_at = user.verified_at or timezone.now()
            user.verified_by = verified_by
            user.tax_number_hash = tax_number_hash(str(3000000000 + zlib.crc32(email.encode()) % 999999999))
        user.save()
        return user
