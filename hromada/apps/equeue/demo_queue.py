"""The hall's demo: today's walk-in tickets in every state at the demo offices, and the demo operator at two
windows. Made through the actions; safe to run again (a second run adds nothing once today has tickets)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hromada.apps.accounts.models import User
from hromada.apps.communities.models import Community
from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.models import Ticket, WindowAssignment
from hromada.apps.services.models import Office, Service, Window
from hromada.core.calendar import kyiv_date

OPERATOR = "operator@demo.hromada.local"
OFFICES = [("cnap-center", "ЦНАП «Центр»", "Central ЦНАП", "вул. Центральна, 1")]
WINDOWS = ("1", "2", "3")


def _office(community: Community) -> Office:
    office = Office.objects.filter(is_active=True).order_by("pk").first()
    if office is not None:
        return office
    code, name_uk, name_en, address = OFFICES[0]
    office, _created = Office.objects.get_or_create(code=code, defaults={
        "community": community, "name_uk": name_uk, "name_en": name_en, "address": address})
    return office


def load_demo_queue(community: Community) -> dict[str, Any]:
    """Call inside the community's scope."""
    office = _office(community)
    windows = []
    for number in WINDOWS:
        window, _created = Window.objects.get_or_create(office=office, number=number,
                                                        defaults={"community": community})
        windows.append(window)
    services = list(Service.objects.filter(status="published").order_by("pk")[:2]) or list(
        Service.objects.order_by("pk")[:2])
    if services and not windows[0].services.exists():
        windows[0].services.set(services)
    operator = User.objects.filter(email=OPERATOR).first()
    if operator is not None:
        for window in windows[:2]:
            WindowAssignment.objects.get_or_create(window=window, user=operator, defaults={"community": community})
    now = timezone.now()
    if operator is None or Ticket.objects.filter(office=office, day=kyiv_date(now)).exists():
        return {"office": office, "windows": windows}
    service = services[0] if services else None
    start = now - timedelta(minutes=50)
    issued = [tickets.issue_ticket(office=office, service=service, now=start + timedelta(minutes=4 * n))
              for n in range(8)]
    one, two = windows[0], windows[1]
    # Served, did not come up, sent to another window, and one at each window now; the rest wait.
    first = tickets.call_next(window=one, by=operator, now=start + timedelta(minutes=5))
    if first:
        tickets.served(ticket=first, window=one, by=operator, now=start + timedelta(minutes=12))
    second = tickets.call_next(window=one, by=operator, now=start + timedelta(minutes=13))
    if second:
        tickets.absent(ticket=second, window=one, by=operator, now=start + timedelta(minutes=15))
    third = tickets.call_next(window=two, by=operator, now=start + timedelta(minutes=16))
    if third:
        tickets.redirect(ticket=third, window=two, to_window=windows[2], by=operator)
    tickets.call_next(window=one, by=operator, now=now - timedelta(minutes=3))
    tickets.call_next(window=two, by=operator, now=now - timedelta(minutes=1))
    return {"office": office, "windows": windows, "tickets": issued}
