"""The public statistics of services, checked against figures computed by hand."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from hromada.apps.services import statistics
from hromada.apps.services.models import CaseStatus, ServiceCase
from hromada.apps.services.tests import factories_casework as cw
from hromada.core import tenancy
from hromada.core.calendar import KYIV

pytestmark = pytest.mark.django_db
URL = "/c/kyiv/services/statistics/"


def k(*args):
    return datetime(*args, tzinfo=KYIV)


@pytest.fixture
def history(casework):
    """land-plot: A1 decided in 3 days in term (rated 5), A2 refused after 10.5 days past its term (rated 2),
    A3 open; aid: B1 decided in 1.5 days in term (rated 4), B2 submitted at 00:30 on 1 November Kyiv time
    (still 31 October in UTC) and open."""
    w = casework
    w.a1 = cw.make_case(w.service, submitted_at=k(2026, 10, 5, 10), status=CaseStatus.ISSUED,
                        decided_at=k(2026, 10, 8, 10), due_date=None, due_at=k(2026, 10, 15, 23, 59), rating=5,
                        rating_comment="Дуже дякую, Олено Петрівно")
    w.a2 = cw.make_case(w.service, submitted_at=k(2026, 10, 20, 10), status=CaseStatus.REFUSED,
                        decided_at=k(2026, 10, 30, 22), due_date=None, due_at=k(2026, 10, 27, 23, 59), rating=2,
                        refusal_ground=cw.GROUNDS[0])
    w.a3 = cw.make_case(w.service, submitted_at=k(2026, 11, 2, 9), status=CaseStatus.IN_WORK)
    w.b1 = cw.make_case(w.aid, submitted_at=k(2026, 11, 10, 12), status=CaseStatus.GRANTED,
                        decided_at=k(2026, 11, 12, 0), due_date=None, due_at=k(2026, 11, 14, 23, 59), rating=4)
    w.b2 = cw.make_case(w.aid, submitted_at=k(2026, 11, 1, 0, 30), status=CaseStatus.SUBMITTED,
                        applicant_name="Марія Секретна", applicant_email="maria.secret@private.test",
                        applicant_phone="+380991234567", data={"passport": "НК123456"})
    return w


def test_monthly_counts_by_kyiv_month(history):
    with tenancy.scope(history.community):
        rows = statistics.monthly_counts(ServiceCase.objects.all())
    got = [(r["month"].isoformat(), r["service"], r["submitted"], r["decided"], r["granted"], r["refused"],
            r["in_term"], r["avg_days"]) for r in rows]
    assert got == [
        ("2026-10-01", "land-plot", 2, 2, 1, 1, 1, Decimal("6.8")),  # (3 + 10.5) / 2 = 6.75
        ("2026-11-01", "aid", 2, 1, 1, 0, 1, Decimal("1.5")),
        ("2026-11-01", "land-plot", 1, 0, 0, 0, 0, None),
    ]


def test_figures_per_service_and_in_total(history):
    with tenancy.scope(history.community):
        cases = ServiceCase.objects.all()
        figures = {f.code: f for f in statistics.per_service(cases)}
        total = statistics.totals(cases)
    land, aid = figures["land-plot"], figures["aid"]
    assert (land.submitted, land.decided, land.in_term_share, land.avg_days) == (3, 2, Decimal("50.0"),
                                                                                 Decimal("6.8"))
    assert (land.ratings, land.rating, land.stars) == (2, Decimal("3.5"), [0, 1, 0, 0, 1])
    assert (aid.submitted, aid.decided, aid.in_term_share, aid.avg_days, aid.rating) == (
        2, 1, Decimal("100.0"), Decimal("1.5"), Decimal("4.0"))
    assert total == {"submitted": 5, "decided": 3, "in_term_share": Decimal("66.7"),
                     "avg_days": Decimal("5.0"),  # (3 + 10.5 + 1.5) / 3
                     "ratings": 3, "rating": Decimal("3.7")}  # (5 + 2 + 4) / 3


def test_the_public_page_with_filters_in_the_url(client, history):
    with time_machine.travel(k(2026, 12, 2, 10), tick=False):
        page = client.get(URL).content.decode()  # anyone, signed in or not; the last 12 months
        assert "Applications per month" in page and "Average processing time, days" in page
        assert "66.7%" in page and "6.8" in page and "3.7" in page
        assert "Марія Секретна" not in page and "Дуже дякую" not in page
        page = client.get(URL + "?service=aid").content.decode()
        assert "100.0%" in page and "Витяг про земельну ділянку</th>" not in page
        page = client.get(URL + "?start=2026-11&end=2026-11").content.decode()
        # November: A3, B1, B2 submitted; B1 decided in term.
        assert "100.0%" in page and ">3<" in page
        assert client.get(URL + "?start=2026-12&end=2026-01").status_code == 400
        assert client.get(URL + "?start=2010-01&end=2026-01").status_code == 400
        assert client.get(URL + "?start=garbage").status_code == 400
        assert client.get(URL + "?service=nope").status_code == 400
