"""Appeals, de-identified: no names, contacts, home addresses, texts or exact places of residents; only
appeals of public categories in publishable statuses (as on the problem map)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.utils import timezone

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.producers._guard import has_fields
from hromada.apps.opendata.registry import Column, register_dataset

READY = apps.is_installed("hromada.apps.appeals") and has_fields(
    "appeals", "Appeal", "number", "type", "channel", "status", "category", "district", "department",
    "registered_at", "due_date", "answered_at", "closed_at", "duplicate_of",
)


def produce_appeals(community: Any) -> Iterator[tuple]:
    from hromada.apps.appeals.selectors import published_appeals

    today = timezone.localdate()
    # The appeals every public surface shows (public categories, publishable statuses), and only these
    # columns: the resident's name, contacts, address, text and the exact place never leave the database
    # through open data.
    rows = (published_appeals().order_by("registered_at", "pk")
            .values_list("number", "type", "channel", "category__name_uk", "district__name_uk",
                         "department__name_uk", "status", "registered_at__date", "due_date", "answered_at__date"))
    for number, kind, channel, category, district, department, status, registered, due, answered in \
            rows.iterator(chunk_size=5000):
        if answered is not None:
            term_met: bool | None = answered <= due
        else:
            term_met = None if due >= today else False
        yield (number, kind, channel, category, district, department, status, registered, due, answered, term_met)


def appeals_csv_stream(community: Any) -> Iterator[bytes]:
    """The CSV straight from the database (COPY on PostgreSQL); see ``opendata/export.py``."""
    from hromada.apps.opendata.export import appeals_csv

    return appeals_csv(community)


COLUMNS = [
    Column("number", "Реєстраційний номер", "Registration number"),
    Column("type", "Вид звернення", "Type"),
    Column("channel", "Канал надходження", "Channel"),
    Column("category", "Категорія", "Category"),
    Column("district", "Район", "District"),
    Column("department", "Виконавець (підрозділ)", "Department"),
    Column("status", "Стан", "Status"),
    Column("registered_on", "Дата реєстрації", "Registered", "date"),
    Column("due_on", "Строк розгляду", "Term", "date"),
    Column("answered_on", "Дата відповіді", "Answered", "date"),
    Column("term_met", "Строк дотримано", "Term met", "boolean"),
]

if READY:
    register_dataset(
        "appeals", identifier="5.1",
        title_uk="Звернення громадян (знеособлені)", title_en="Citizens' appeals (de-identified)",
        description_uk="Звернення до ради громади в публічних категоріях, без персональних даних: категорія, "
                       "район, дати, стан, виконавець і чи дотримано строк.",
        description_en="Appeals to the council in public categories, without personal data: category, district, "
                       "dates, status, department and whether the term was met.",
        frequency=Frequency.DAILY, producer=produce_appeals, formats=(Format.CSV, Format.JSON, Format.XLSX),
        keywords=("звернення", "звернення громадян"), themes=("GOVE", "SOCI"),
        legal_basis="Закон України «Про звернення громадян»; постанова КМУ № 835", columns=COLUMNS,
        csv_stream=appeals_csv_stream,
    )
