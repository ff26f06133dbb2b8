"""Demo e-queue for `hromada demo`: two ЦНАП offices with windows to book (the services' demo makes the offices
when it runs first; they are made here only if missing, by code), two doctors, weekly hours, the slots of the
next days and a few bookings made through the actions. The clubs' and the live queue's demo parts are in
`demo_clubs.py` / `demo_queue.py` when those parts are present. Safe to run again."""

from __future__ import annotations

from datetime import time, timedelta
from importlib import import_module

from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from hromada.apps.accounts.models import User
from hromada.apps.communities.models import Community
from hromada.apps.equeue import schedules
from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.models import Booking, Resource, ResourceKind, Slot
from hromada.apps.equeue.schedules import Span
from hromada.core import tenancy

OFFICES = [
    ("cnap-centre", "ЦНАП «Центр»", "Central ASC", "вул. Соборна, 1"),
    ("cnap-lisova", "ЦНАП на Лісовій", "Lisova ASC", "вул. Лісова, 14"),
]
SERVICES = [
    ("demo-passport", "Оформлення паспорта громадянина України", "Державна міграційна служба"),
    ("demo-residence", "Реєстрація місця проживання", "Виконавчий комітет"),
    ("demo-subsidy", "Призначення житлової субсидії", "Управління соціального захисту"),
]
DOCTORS = [
    ("Коваленко Ольга Петрівна", "Сімейна лікарка", "Амбулаторія № 1", "вул. Лікарняна, 3"),
    ("Шевчук Андрій Іванович", "Педіатр", "Дитяча поліклініка", "вул. Дитяча, 7"),
]
WEEK = [Span(d, time(9), time(13)) for d in range(5)] + [Span(d, time(14), time(17)) for d in range(5)]


def _offices(community: Community) -> list:
    """The windows of the community's ЦНАП offices (the services demo's, made before this one); two offices of
    our own with a few services when the community has no windows yet."""
    from hromada.apps.services.models import Office, Service, Window

    existing = list(Window.objects.filter(is_active=True).select_related("office").order_by("office__code", "number"))
    if existing:
        return existing
    services = []
    for code, name, provider in SERVICES:
        service = Service.objects.filter(code=code).first() or Service.objects.create(
            community=community, code=code, name_uk=name, provider=provider)
        services.append(service)
    windows = []
    for code, name_uk, name_en, address in OFFICES:
        office, _ = Office.objects.get_or_create(community=community, code=code, defaults={
            "name_uk": name_uk, "name_en": name_en, "address": address})
        for number in ("1", "2"):
            window, made = Window.objects.get_or_create(community=community, office=office, number=number)
            if made or not window.services.exists():
                window.services.set(services[:2] if number == "1" else services[1:])
            windows.append(window)
    return windows


def load_demo(community: Community) -> None:
    with tenancy.scope(community):
        resources = []
        for window in _offices(community):
            resource = Resource.objects.filter(window=window).first() or Resource.objects.create(
                community=community, kind=ResourceKind.WINDOW, office=window.office, window=window,
                name_uk=f"{window.office.name_uk}, вікно {window.number}", address=window.office.address,
                slot_minutes=15, capacity=1, horizon_days=14)
            resources.append(resource)
        for name, speciality, clinic, address in DOCTORS:
            resource = Resource.objects.filter(name_uk=name).first() or Resource.objects.create(
                community=community, kind=ResourceKind.DOCTOR, name_uk=name, speciality=speciality, clinic=clinic,
                address=address, slot_minutes=20, capacity=1, horizon_days=7)
            resources.append(resource)
        for resource in resources:
            if not resource.rules.exists():
                schedules.set_rules(resource, WEEK)
            schedules.make_slots(resource, schedules.horizon_days(resource))
        _bookings(community, resources)
    module = import_module("hromada.apps.equeue")
    for part, function in (("demo_clubs", "load_demo_clubs"), ("demo_queue", "load_demo_queue")):
        if module_has_submodule(module, part):
            getattr(import_module(f"hromada.apps.equeue.{part}"), function)(community)


def _bookings(community: Community, resources: list[Resource]) -> None:
    resident = User.objects.filter(email="resident@demo.hromada.local").first()
    if resident is None or Booking.objects.filter(person=resident).exists():
        return
    now = timezone.now()
    for resource in (resources[0], resources[-1]):
        slot = (Slot.objects.filter(resource=resource, starts_at__gt=now + timedelta(days=1),
                                    opens_at__lte=now, booked=0).order_by("starts_at").first())
        if slot is None:
            continue
        service = resource.window.services.first() if resource.window is not None else None
        actions.book(resource=resource, slot=slot, person=resident, by=resident, service=service,
                     community=community)
