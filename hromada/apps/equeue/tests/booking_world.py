"""What the booking tests share: a community with a ЦНАП office, a window serving two services, a doctor,
a resident, staff, and helpers to make slots."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from hromada.apps.equeue.models import Resource, ResourceKind, Slot
from hromada.apps.services.models import Office, Service, Window
from hromada.core import tenancy
from hromada.core.calendar import KYIV, kyiv_date


class World:
    pass


def make_world(community, staff, resident) -> World:
    w = World()
    w.community = community
    w.resident = resident
    w.operator = staff("operator")
    w.admin = staff("admin")
    with tenancy.scope(community):
        w.office = Office.objects.create(community=community, code="cnap-centre", name_uk="ЦНАП Центр",
                                         address="вул. Хрещатик, 36")
        w.passport = Service.objects.create(community=community, code="passport", name_uk="Паспорт",
                                            provider="ДМС")
        w.registration = Service.objects.create(community=community, code="registration",
                                                name_uk="Реєстрація місця проживання", provider="ЦНАП")
        w.other_service = Service.objects.create(community=community, code="land", name_uk="Земля",
                                                 provider="ДЗК")
        w.window = Window.objects.create(community=community, office=w.office, number="1")
        w.window.services.set([w.passport, w.registration])
        w.window_resource = Resource.objects.create(
            community=community, kind=ResourceKind.WINDOW, office=w.office, window=w.window, name_uk="Вікно 1",
            address=w.office.address, slot_minutes=15, capacity=1, horizon_days=14, cutoff_hours=2)
        w.doctor = Resource.objects.create(community=community, kind=ResourceKind.DOCTOR, name_uk="Лікар Коваль",
                                           clinic="Поліклініка №1", speciality="Терапевт", address="вул. Лікарняна, 1",
                                           slot_minutes=20, capacity=1, horizon_days=7)
        w.group = Resource.objects.create(community=community, kind=ResourceKind.GROUP, name_uk="Плавання",
                                          address="Басейн", slot_minutes=60, capacity=3, horizon_days=7)
    return w


def slot_at(resource: Resource, starts_at: datetime, *, capacity: int | None = None, booked: int = 0,
            opens_at: datetime | None = None) -> Slot:
    return Slot.objects.create(community_id=resource.community_id, resource=resource, starts_at=starts_at,
                               ends_at=starts_at + timedelta(minutes=resource.slot_minutes),
                               capacity=capacity or resource.capacity, booked=booked,
                               opens_at=opens_at or timezone.now() - timedelta(days=1))


def tomorrow_at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    return datetime.combine(kyiv_date(timezone.now()) + timedelta(days=days), time(hour, minute), tzinfo=KYIV)


@pytest.fixture
def bworld(community, staff, resident, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_world(community, staff, resident)


@pytest.fixture
def bscoped(bworld):
    with tenancy.scope(bworld.community):
        yield bworld
