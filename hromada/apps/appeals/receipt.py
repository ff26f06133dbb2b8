"""The registration receipt as a one-page PDF (reportlab) with a QR code (segno) linking to the status."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from hromada.apps.appeals.models import Appeal
from hromada.core.calendar import KYIV

QR_SIZE = 140

# DejaVu Sans has Cyrillic; Debian's fonts-dejavu-core puts it here (make system-deps installs it).
FONT_PATHS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]


def _font() -> str:
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans"
    for path in FONT_PATHS:
        if path.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(path)))
            return "DejaVuSans"
    return "Helvetica"  # Latin only: Cyrillic shows as boxes, but the number, dates and QR still work


def qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=4, title=link)


def receipt_pdf(appeal: Appeal, link: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    font = _font()
    width, height = A4
    y = height - 72
    pdf.setTitle(appeal.number)
    pdf.setFont(font, 16)
    pdf.drawString(56, y, _("Receipt of appeal registration"))
    pdf.setFont(font, 11)
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
    text_width = width - 2 * 56
    for line in lines:
        # A long line (the link) wraps within the margins instead of running off the page.
        for part in simpleSplit(str(line), font, 11, text_width):
            y -= 22
            pdf.drawString(56, y, part)
    qr = io.BytesIO()
    segno.make(link, error="m").save(qr, kind="png", scale=5, border=2)
    qr.seek(0)
    # Below the text, so that it never covers the link a person may need to type.
    pdf.drawImage(ImageReader(qr), 56, y - 22 - QR_SIZE, QR_SIZE, QR_SIZE)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
