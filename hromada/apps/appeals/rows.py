"""The rows of the appeals' list pages, built in Python from plain column values.

A list page shows 25 rows of five cells. Through the template language each row cost about 0.25 ms
(model instances, a lookup chain per cell, `get_status_display` hashing every lazy label, a translation
lookup per label), about two thirds of a queue page's CPU. Here a page's rows are tuples read with
`values_list`, the labels are translated once per page, and each row is one `format_html` (every value
is escaped as the template would escape it). The table's head, the pager and the rest of the page stay
in the templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hromada.apps.appeals.models import OPEN_STATUSES, STATUS_COLOURS, AppealStatus

# The columns an office list reads (see `office_rows`), in this order.
OFFICE_COLUMNS = ("pk", "number", "status", "due_date", "due_at", "category__name_uk", "category__name_en",
                  "department__name_uk", "department__name_en")
# The columns the public list reads (see `public_rows`): nothing that names the resident.
PUBLIC_COLUMNS = ("number", "status", "registered_at", "latitude", "longitude", "category__icon",
                  "category__name_uk", "category__name_en", "district__name_uk", "district__name_en")

# The status is the `tag` component's markup (templates/cotton/tag.html).
_OFFICE_ROW = ('<tr{}><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td>'
               '<td><strong class="tag tag--{}">{}</strong></td><td>{}{}</td></tr>')
# The number links to the problem's public page (`views.public_appeal`), which shows no more than the row.
_PUBLIC_ROW = ('<tr><td><a href="{}{}/">{}</a></td><td>{} {}</td><td>{}{}</td>'
               '<td><strong class="tag tag--{}">{}</strong></td><td>{}</td></tr>')


def _english() -> bool:
    return (get_language() or "uk").startswith("en")


def _name(uk: str | None, en: str | None, english: bool) -> str:
    """`Localized.name` of a joined row: the English name when asked for and set, else the Ukrainian."""
    return (en if english and en else uk) or ""


def _status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in AppealStatus.choices}


class _Dates:
    """SHORT_DATE_FORMAT in the active language, formatted once per distinct day of a page."""

    def __init__(self) -> None:
        self._seen: dict[date, str] = {}

    def __call__(self, day: date) -> str:
        text = self._seen.get(day)
        if text is None:
            text = self._seen[day] = date_format(day, "SHORT_DATE_FORMAT")
        return text


def office_rows(rows: Iterable[tuple[Any, ...]], appeal_url: str) -> SafeString:
    """The <tr>s of a back-office list (number linked to `<appeal_url><pk>/`, category, department,
    status, term with "overdue" when an open appeal's term has passed)."""
    english, labels, day, now = _english(), _status_labels(), _Dates(), timezone.now()
    overdue_note = format_html(' <strong class="tag tag--red">{}</strong>', _("overdue"))
    out = []
    for pk, number, status, due_date, due_at, category_uk, category_en, department_uk, department_en in rows:
        overdue = status in OPEN_STATUSES and due_at < now
        out.append(format_html(
            _OFFICE_ROW, mark_safe(' class="overdue"') if overdue else "", appeal_url, pk, number,  # noqa: S308
            _name(category_uk, category_en, english) or "—", _name(department_uk, department_en, english) or "—",
            STATUS_COLOURS.get(status, "grey"), labels.get(status, status), day(due_date),
            overdue_note if overdue else ""))
    return mark_safe("".join(out))  # noqa: S308 - each row is format_html output


def _coordinate(value: float) -> str:
    """`floatformat:3` (three decimals, rounded half up, in the active language's decimal separator)."""
    return str(floatformat(value, 3))


def public_rows(rows: Iterable[tuple[Any, ...]], page_url: str) -> SafeString:
    """The <tr>s of the public list: number (linked to `<page_url><number>/`), category, district and rounded
    location, status, registered."""
    english, labels, day = _english(), _status_labels(), _Dates()
    out = []
    for (number, status, registered_at, latitude, longitude, icon, category_uk, category_en, district_uk,
         district_en) in rows:
        where = ""
        if latitude is not None and longitude is not None:
            where = f" ({_coordinate(latitude)}, {_coordinate(longitude)})"
        out.append(format_html(
            _PUBLIC_ROW, page_url, number, number, icon or "", _name(category_uk, category_en, english),
            _name(district_uk, district_en, english), where, STATUS_COLOURS.get(status, "grey"),
            labels.get(status, status),
            day(timezone.localdate(registered_at))))
    return mark_safe("".join(out))  # noqa: S308 - each row is format_html output
