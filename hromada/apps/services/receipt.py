"""The receipt of an application: its page and a one-page PDF with a QR code linking to the status check
(number and code filled in). Printed by `core.receipts`, as appeals print theirs."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from hromada.apps.services.models import ServiceCase
from hromada.apps.services.notices import case_link
from hromada.core.calendar import KYIV
from hromada.core.receipts import qr_svg, receipt_pdf


def due_text(case: ServiceCase) -> str:
    if case.due_date is None:
        return _("not set by the card")
    return formats.date_format(case.due_date, "DATE_FORMAT")


def context(case: ServiceCase) -> dict[str, Any]:
    """What the receipt page shows: the case, the status link and its QR code."""
    link = case_link(case)
    return {"case": case, "link": link, "qr": qr_svg(link), "service_name": case.card.get("name", ""),
            "due": due_text(case)}


def pdf(case: ServiceCase) -> bytes:
    link = case_link(case)
    submitted = case.submitted_at.astimezone(KYIV)  # the community's clock, not the server's UTC
    lines = [
        case.community.name,
        _("Service: %(service)s") % {"service": case.card.get("name", "")},
        _("Application number: %(number)s") % {"number": case.number},
        _("Status code: %(code)s") % {"code": case.status_code},
        _("Submitted: %(date)s") % {"date": submitted.strftime("%d.%m.%Y %H:%M")},
        _("Term: %(date)s") % {"date": case.due_date.strftime("%d.%m.%Y") if case.due_date
                                else _("not set by the card")},
        _("Applicant: %(name)s") % {"name": case.applicant_name},
        _("Status: %(status)s") % {"status": case.get_status_display()},
        _("Check the status with the number and the code: %(link)s") % {"link": link},
    ]
    return receipt_pdf(title=case.number, heading=_("Receipt of an application for an administrative service"),
                       lines=lines, link=link)
