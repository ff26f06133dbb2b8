"""The controller's view: undecided cases overdue or near the term, by service and by provider, with exports."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest
import time_machine

from hromada.apps.services import queues
from hromada.apps.services.models import CaseStatus
from hromada.apps.services.tests import factories_casework as cw
from hromada.core import tenancy
from hromada.core.calendar import KYIV, end_of_day

pytestmark = pytest.mark.django_db
URL = "/c/kyiv/services/office/control/"
# Wednesday 2 December 2026, 10:00 in Kyiv: two working days ahead is Friday 4 December.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=KYIV)


def _due(service, day, **fields):
    return cw.make_case(service, due_date=day, due_at=end_of_day(day), **fields)


@pytest.fixture
def controlled(casework):
    from datetime import date

    w = casework
    with time_machine.travel(NOW, tick=False):
        w.overdue_land = _due(w.service, date(2026, 11, 30), status=CaseStatus.IN_WORK, department=w.land)
        w.overdue_land2 = _due(w.service, date(2026, 12, 1), status=CaseStatus.SUBMITTED)
        w.today_aid = _due(w.aid, date(2026, 12, 2), status=CaseStatus.IN_WORK, department=w.social)
        w.friday_aid = _due(w.aid, date(2026, 12, 4), status=CaseStatus.ACCEPTED)
        w.monday = _due(w.service, date(2026, 12, 7), status=CaseStatus.IN_WORK, department=w.land)  # not near
        w.decided_late = _due(w.service, date(2026, 11, 20), status=CaseStatus.GRANTED, department=w.land)
    return w


def test_groups_count_overdue_and_near_by_service_and_provider(controlled):
    w = controlled
    with tenancy.scope(w.community), time_machine.travel(NOW, tick=False):
        by_service = {g.key: (g.overdue, g.near) for g in queues.control_groups("service")}
        by_department = {g.key: (g.overdue, g.near) for g in queues.control_groups("department")}
    assert by_service == {"land-plot": (2, 0), "aid": (0, 2)}
    assert by_department == {str(w.land.pk): (1, 0), str(w.social.pk): (0, 1), "": (1, 1)}


def test_control_page_lists_and_drills_down(client, controlled):
    w = controlled
    client.force_login(w.controller)
    with time_machine.travel(NOW, tick=False):
        page = client.get(URL).content.decode()
        for case in (w.overdue_land, w.overdue_land2, w.today_aid, w.friday_aid):
            assert case.number in page
        assert w.monday.number not in page and w.decided_late.number not in page
        assert "Витяг про земельну ділянку" in page and "Земельний відділ" in page
        page = client.get(URL + "?kind=overdue").content.decode()
        assert w.overdue_land.number in page and w.friday_aid.number not in page
        page = client.get(URL + f"?department={w.social.pk}").content.decode()
        assert w.today_aid.number in page and w.friday_aid.number not in page
        page = client.get(URL + "?service=aid&kind=near").content.decode()
        assert w.today_aid.number in page and w.friday_aid.number in page and w.overdue_land.number not in page


def test_control_exports_csv_and_xlsx(client, controlled):
    w = controlled
    client.force_login(w.controller)
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL + "?kind=overdue&format=csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert rows[0][0] == "number" and {r[0] for r in rows[1:]} == {w.overdue_land.number,
                                                                       w.overdue_land2.number}
        assert all(r[-1] == "yes" for r in rows[1:])
        response = client.get(URL + "?format=xlsx")
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        numbers = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
        assert sorted(numbers) == sorted(c.number for c in (w.overdue_land, w.overdue_land2, w.today_aid,
                                                            w.friday_aid))


def test_exports_are_the_controllers_only(client, controlled):
    w = controlled
    client.force_login(w.operator)
    assert client.get(URL + "?format=csv").status_code == 403
    client.force_login(w.executor)
    assert client.get(URL + "?format=xlsx").status_code == 403
