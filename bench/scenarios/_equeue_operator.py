"""The operators of the call-display benchmark, run as its own process against the benchmark database.

`setup`: an office with windows, one operator assigned to them all, and walk-in tickets; prints JSON with the
community's slug and the office's code. `call`: calls tickets window after window through the actions (each
call commits, then is published), printing JSON {event id: epoch seconds just after the commit}.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hromada.config.settings")
    django.setup()
    from django.db import transaction

    from hromada.apps.accounts.models import Role
    from hromada.apps.communities.models import Community
    from hromada.apps.equeue.actions import tickets
    from hromada.apps.equeue.hall_models import CallEvent
    from hromada.apps.equeue.models import WindowAssignment
    from hromada.apps.services.models import Office, Window
    from hromada.core import tenancy
    from hromada.testing import factories

    mode, windows, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    community = Community.objects.order_by("pk").first() or factories.make_community("bench-hall")
    with tenancy.scope(community):
        if mode == "setup":
            office, _created = Office.objects.get_or_create(code="bench-hall", defaults={
                "community": community, "name_uk": "ЦНАП (бенчмарк)", "address": "—"})
            operator = factories.make_staff(community, Role.OPERATOR, email=f"hall-{time.time_ns()}@bench.test")
            for number in range(1, windows + 1):
                window, _created = Window.objects.get_or_create(office=office, number=str(number),
                                                                defaults={"community": community})
                WindowAssignment.objects.get_or_create(window=window, user=operator, defaults={"community": community})
            for _ in range(calls):
                tickets.issue_ticket(office=office)
            print(json.dumps({"slug": community.slug, "office": office.code, "operator": operator.pk}))
            return
        interval = float(sys.argv[4])
        operator_id = int(sys.argv[5])
        office = Office.objects.get(code="bench-hall")
        from hromada.apps.accounts.models import User

        operator = User.objects.get(pk=operator_id)
        stations = list(Window.objects.filter(office=office).order_by("number"))
        committed: dict[int, float] = {}
        for index in range(calls):
            window = stations[index % len(stations)]
            current = tickets.current_ticket(window)
            if current is not None:
                tickets.served(ticket=current, window=window, by=operator)
            ticket = tickets.call_next(window=window, by=operator)
            done = time.time()  # the call's transaction has committed (and the publish has run after it)
            if ticket is None:
                break
            event_id = CallEvent.objects.filter(ticket=ticket).order_by("-id").values_list("id", flat=True).first()
            committed[int(event_id or 0)] = done
            time.sleep(interval)
        assert transaction.get_autocommit()
        print(json.dumps(committed))


if __name__ == "__main__":
    main()
