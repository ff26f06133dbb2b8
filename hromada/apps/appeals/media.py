"""Checks for uploaded photos and scans: real images only, re-encoded without metadata; PDF bomb guards."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hromada.core.api.errors import DomainError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_SIDE = 2560  # the stored copy is scaled down to this
MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_SCAN_PAGES = 10
MAX_PAGE_POINTS = 2000  # about 70 cm: larger "pages" are not letters
OCR_TIMEOUT_S = 60
GPS_TAG = 0x8825


@dataclass
class CleanPhoto:
    content: ContentFile
    width: int
    height: int
    latitude: float | None
    longitude: float | None


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ZeroDivisionError, ValueError):
        num, den = value
        return float(num) / float(den)


def _gps(image: Image.Image) -> tuple[float | None, float | None]:
    try:
        gps = image.getexif().get_ifd(GPS_TAG)
        if not gps or 2 not in gps or 4 not in gps:
            return None, None
        lat = sum(_ratio(part) / 60**i for i, part in enumerate(gps[2]))
        lon = sum(_ratio(part) / 60**i for i, part in enumerate(gps[4]))
        if str(gps.get(1, "N")).upper().startswith("S"):
            lat = -lat
        if str(gps.get(3, "E")).upper().startswith("W"):
            lon = -lon
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None, None
        return round(lat, 6), round(lon, 6)
    except Exception:  # noqa: BLE001 - broken EXIF is common; the photo is still fine
        return None, None


def clean_photo(upload, *, field: str = "photos") -> CleanPhoto:
    """Read an uploaded photo, check it is a real image of sane size, return a JPEG copy without metadata."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise DomainError(_("The photo “%(name)s” is %(mb).1f MB; the limit is %(limit)s MB.") % {
            "name": getattr(upload, "name", ""), "mb": size / 1024 / 1024, "limit": MAX_PHOTO_BYTES // 1024 // 1024},
            code="photo_too_large", field=field)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise DomainError(_("The photo “%(name)s” is larger than %(limit)s MB.") % {
            "name": getattr(upload, "name", ""), "limit": MAX_PHOTO_BYTES // 1024 // 1024},
            code="photo_too_large", field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_("The photo is too large in pixels."), code="photo_too_large", field=field)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("The file “%(name)s” is not a photo (JPEG, PNG or WebP image).") % {
            "name": getattr(upload, "name", "")}, code="not_an_image", field=field) from None
    latitude, longitude = _gps(image)
    image = ImageOps.exif_transpose(image)  # type: ignore[assignment]
    image = image.convert("RGB")  # type: ignore[assignment]
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)  # no exif= argument: nothing of the original travels
    return CleanPhoto(ContentFile(out.getvalue(), name="photo.jpg"), image.width, image.height, latitude, longitude)


def _tesseract(image: Image.Image) -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        return ""
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PNG")
    try:
        result = subprocess.run([binary, "stdin", "stdout", "-l", "ukr+eng"], input=buffer.getvalue(),  # noqa: S603
                                capture_output=True, timeout=OCR_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return ""
    if result.returncode != 0:
        result = subprocess.run([binary, "stdin", "stdout"], input=buffer.getvalue(),  # noqa: S603
                                capture_output=True, timeout=OCR_TIMEOUT_S, check=False)
    return result.stdout.decode("utf-8", "replace").strip()


def ocr_available() -> bool:
    if shutil.which("tesseract") is None:
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, check=False)  # noqa: S603,S607
    return b"ukr" in out.stdout


def read_scan(upload, *, field: str = "file") -> tuple[bytes, int, str]:
    """Check a scanned letter (PDF or image) and OCR it. Returns (bytes to store, pages, text): a PDF as it
    came, an image as a JPEG copy without its metadata (EXIF, GPS) — staff need the text, not the camera."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_SCAN_BYTES:
        raise DomainError(_("The scan is larger than %(limit)s MB.") % {"limit": MAX_SCAN_BYTES // 1024 // 1024},
                          code="scan_too_large", field=field)
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise DomainError(_("The scan is larger than %(limit)s MB.") % {"limit": MAX_SCAN_BYTES // 1024 // 1024},
                          code="scan_too_large", field=field)
    if data[:5] == b"%PDF-":
        return data, *_read_pdf(data, field)
    photo = clean_photo(io.BytesIO(data), field=field)  # same checks as a photo
    clean = photo.content.read()
    with Image.open(io.BytesIO(clean)) as image:
        return clean, 1, _tesseract(image)


def _read_pdf(data: bytes, field: str) -> tuple[int, str]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise DomainError(_("The PDF file cannot be read."), code="bad_pdf", field=field) from None
    try:
        pages = len(document)
        if pages == 0:
            raise DomainError(_("The PDF file has no pages."), code="bad_pdf", field=field)
        if pages > MAX_SCAN_PAGES:
            raise DomainError(_("The PDF has %(pages)s pages; a letter scan may have at most %(limit)s.") % {
                "pages": pages, "limit": MAX_SCAN_PAGES}, code="scan_too_many_pages", field=field)
        texts = []
        for index in range(pages):
            page = document[index]
            width, height = page.get_size()
            if width > MAX_PAGE_POINTS or height > MAX_PAGE_POINTS or width <= 0 or height <= 0:
                raise DomainError(_("A page of the PDF is too large to be a letter."), code="scan_page_too_large",
                                  field=field)
            image = page.render(scale=200 / 72).to_pil()  # 200 dpi is enough for OCR
            texts.append(_tesseract(image))
        return pages, "\n\n".join(t for t in texts if t)
    finally:
        document.close()
