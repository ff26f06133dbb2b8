"""The registration receipt of an appeal: a one-page PDF with a QR code linking to the status (`core.receipts`)."""

from __future__ import annotations

from pathlib import Path  # noqa: F401 - tests read the app's files through this module's Path

from django.utils.translation import gettext as _

from hromada.apps.appeals.models import Appeal
from hromada.core.calendar import KYIV
from hromada.core.receipts import qr_svg
from hromada.core.receipts import receipt_pdf as core_receipt_pdf

__all__ = ["qr_svg", "receipt_pdf"]


def receipt_pdf(appeal: Appeal, link: str) -> bytes:
    registered = appeal.registered_at.astimezone(KYIV)  # the community's clock, not the server's UTC
    lines = [
        appeal.community.name,
        _("Registration number: %(number)s") % {"number": appeal.number},
        _("Registered: %(date)s") % {"date": registered.strftime("%d.%m.%Y %H:%M")},
        _("Term of the answer: %(date)s") % {"date": appeal.due_date.strftime("%d.%m.%Y")},
        _("Type: %(type)s") % {"type": appeal.get_type_display()},
        _("Status: %(status)s") % {"status": appeal.get_status_display()},
        _("Follow the status: %(link)s") % {"link": link},
    ]
    return core_receipt_pdf(title=appeal.number, heading=_("Receipt of appeal registration"), lines=lines, link=link)
