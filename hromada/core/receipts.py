"""A registration receipt: a one-page PDF (reportlab) with a QR code (segno) linking to the status page, and
the same QR as inline SVG for the receipt's web page. Appeals and administrative services print theirs here."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

QR_SIZE = 140
MARGIN = 56

# DejaVu Sans has Cyrillic; Debian's fonts-dejavu-core puts it here (make system-deps installs it).
FONT_PATHS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]


def font() -> str:
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans"
    for path in FONT_PATHS:
        if path.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(path)))
            return "DejaVuSans"
    return "Helvetica"  # Latin only: Cyrillic shows as boxes, but the number, dates and QR still work


def qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=4, title=link)


def receipt_pdf(*, title: str, heading: str, lines: Sequence[str], link: str) -> bytes:
    """One A4 page: `heading`, then `lines` (each wrapped within the margins), then the QR code of `link`."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    name = font()
    width, height = A4
    y = height - 72
    pdf.setTitle(title)
    pdf.setFont(name, 16)
    pdf.drawString(MARGIN, y, heading)
    pdf.setFont(name, 11)
    text_width = width - 2 * MARGIN
    for line in lines:
        # A long line (the link) wraps within the margins instead of running off the page.
        for part in simpleSplit(str(line), name, 11, text_width):
            y -= 22
            pdf.drawString(MARGIN, y, part)
    qr = io.BytesIO()
    segno.make(link, error="m").save(qr, kind="png", scale=5, border=2)
    qr.seek(0)
    # Below the text, so that it never covers the link a person may need to type.
    pdf.drawImage(ImageReader(qr), MARGIN, y - 22 - QR_SIZE, QR_SIZE, QR_SIZE)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
