"""The de-identified datasets of service cases: the figures are there, nobody's name, contact, data or comment."""

import io
import zipfile

import pytest

from hromada.apps.opendata import actions, registry
from hromada.apps.opendata.models import ResourceVersion
from hromada.apps.services.models import CaseStatus
from hromada.apps.services.tests import factories_casework as cw
from hromada.apps.services.tests.test_statistics import k
from hromada.core import tenancy

pytestmark = pytest.mark.django_db
SECRETS = ["Марія Секретна", "maria.secret@private.test", "+380991234567", "НК123456", "Дуже дякую",
           "Олено Петрівно", "Бракує довідки"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cases(casework):
    w = casework
    cw.make_case(w.service, submitted_at=k(2026, 10, 5, 10), status=CaseStatus.ISSUED,
                 decided_at=k(2026, 10, 8, 10), due_date=None, due_at=k(2026, 10, 15, 23, 59), rating=5,
                 rating_comment="Дуже дякую, Олено Петрівно", applicant_name="Марія Секретна",
                 applicant_email="maria.secret@private.test", applicant_phone="+380991234567",
                 data={"passport": "НК123456"}, decision_note="Бракує довідки")
    cw.make_case(w.service, submitted_at=k(2026, 10, 20, 10), status=CaseStatus.REFUSED,
                 decided_at=k(2026, 10, 30, 22), due_date=None, due_at=k(2026, 10, 27, 23, 59), rating=2,
                 refusal_ground=cw.GROUNDS[0], applicant_name="Марія Секретна")
    cw.make_case(w.aid, submitted_at=k(2026, 11, 10, 12), status=CaseStatus.SUBMITTED,
                 applicant_name="Марія Секретна")
    return w


def test_the_three_datasets_hold_the_figures(cases):
    with tenancy.scope(cases.community):
        monthly = list(registry.get("services-cases-monthly").producer(cases.community))
        times = list(registry.get("services-processing-times").producer(cases.community))
        ratings = list(registry.get("services-ratings").producer(cases.community))
    assert monthly == [("2026-10", "land-plot", "Витяг про земельну ділянку", 2, 2, 1, 1, 1),
                       ("2026-11", "aid", "Допомога при народженні дитини", 1, 0, 0, 0, 0)]
    assert [(m, c, n, str(a), str(s)) for m, c, _name, n, a, s in times] == [
        ("2026-10", "land-plot", 2, "6.8", "50.0")]
    assert [(c, n, str(a), *stars) for c, _name, n, a, *stars in ratings] == [
        ("land-plot", 2, "3.5", 0, 1, 0, 0, 1)]


def test_published_files_hold_no_personal_data(cases):
    community = cases.community
    for key in ("services-cases-monthly", "services-processing-times", "services-ratings"):
        actions.platform_dataset_refresh(community=community, key=key)
    texts = {}
    with tenancy.scope(community):
        for version in ResourceVersion.objects.select_related("resource__dataset"):
            with version.file.open("rb") as handle:
                raw = handle.read()
            if version.resource.format == "XLSX":
                with zipfile.ZipFile(io.BytesIO(raw)) as book:
                    raw = b"".join(book.read(name) for name in book.namelist())
            texts[f"{version.resource.dataset.name}.{version.resource.format}"] = raw.decode("utf-8")
    assert {"services-cases-monthly.CSV", "services-processing-times.JSON", "services-ratings.XLSX"} <= set(texts)
    assert "land-plot" in texts["services-cases-monthly.CSV"]
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked into {name}"
