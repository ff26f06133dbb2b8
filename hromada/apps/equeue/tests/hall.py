"""Offices, windows, services, resources and bookings of the hall's tests, made directly with the models."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from hromada.apps.equeue.models import Booking, Resource, ResourceKind, Slot, WindowAssignment
from hromada.apps.services.models import Office, Service, Window
from hromada.core import tenancy
from hromada.core.calendar import kyiv_date

_codes = itertools.count(1)


def make_office(community: Any, code: str = "cnap", **fields: Any) -> Office:
    with tenancy.scope(community):
        return Office.objects.create(community=community, code=code, name_uk=fields.pop("name_uk", "ЦНАП"),
                                     address=fields.pop("address", "вул. Хрещатик, 36"), **fields)


def make_service(community: Any, code: str = "", **fields: Any) -> Service:
    with tenancy.scope(community):
        return Service.objects.create(community=community, code=code or f"svc-{next(_codes)}",
                                      name_uk=fields.pop("name_uk", "Послуга"), provider="ЦНАП", **fields)


def make_window(office: Office, number: str, services: tuple[Service, ...] = (), operator: Any = None) -> Window:
    with tenancy.scope(office.community):
        window = Window.objects.create(community=office.community, office=office, number=number)
        window.services.set(services)
        if operator is not None:
            WindowAssignment.objects.create(community=office.community, window=window, user=operator)
        return window


def make_booking(office: Office, person: Any, starts_at: datetime, *, service: Service | None = None,
                 window: Window | None = None, code: str = "") -> Booking:
    community = office.community
    with tenancy.scope(community):
        if window is None:
            window = Window.objects.filter(office=office).first()
        resource = Resource.objects.filter(window=window).first() if window else None
        if resource is None:
            resource = Resource.objects.create(community=community, kind=ResourceKind.WINDOW, office=office,
                                               window=window, name_uk=f"Вікно {window.number if window else ''}")
        slot = Slot.objects.create(community=community, resource=resource, starts_at=starts_at,
                                   ends_at=starts_at + timedelta(minutes=15), capacity=1, booked=1,
                                   opens_at=starts_at - timedelta(days=14))
        return Booking.objects.create(community=community, code=code or f"B{next(_codes):05d}", slot=slot,
                                      resource=resource, service=service, person=person,
                                      day=kyiv_date(starts_at))


def today_at(hour: int, minute: int = 0) -> datetime:
    """Today (Kyiv) at the given time."""
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)
