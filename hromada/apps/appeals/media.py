"""Checks for uploaded photos and scans: real images only, re-encoded without metadata; PDF bomb guards."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
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
OCR_TIMEOUT_S = 60  # one page
OCR_JOB_SECONDS = 180  # one scan, all its pages
OCR_DPI = 200  # enough for OCR
MAX_OCR_PIXELS = 12_000_000  # a page is rendered for OCR at most this large (A3 at 200 dpi is 7.7 million)
MAX_OCR_SIDE = 4000  # an image scan is scaled down to this for OCR
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


class OcrTimeout(Exception):
    """The recognition of a scan ran out of its time."""


def _tesseract(image: Image.Image, *, timeout: float = OCR_TIMEOUT_S) -> str:
    """The text of one page image. Raises OcrTimeout when tesseract takes longer than `timeout` seconds."""
    binary = shutil.which("tesseract")
    if binary is None:
        return ""
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PNG")
    try:
        result = subprocess.run([binary, "stdin", "stdout", "-l", "ukr+eng"], input=buffer.getvalue(),  # noqa: S603
                                capture_output=True, timeout=timeout, check=False)
        if result.returncode != 0:
            result = subprocess.run([binary, "stdin", "stdout"], input=buffer.getvalue(),  # noqa: S603
                                    capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise OcrTimeout from None
    return result.stdout.decode("utf-8", "replace").strip()


def ocr_available() -> bool:
    if shutil.which("tesseract") is None:
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, check=False)  # noqa: S603,S607
    return b"ukr" in out.stdout


def check_scan(upload, *, field: str = "file") -> tuple[bytes, int]:
    """Check a scanned letter (PDF or image) before it is stored: size, pages, pixels. Returns (bytes to
    store, pages): a PDF as it came, an image as a JPEG copy without its metadata (EXIF, GPS) — staff
    need the text, not the camera.

    Nothing is recognised here (that is `recognise_scan()`, in a job): a PDF is only opened to count
    its pages and read their sizes; an image is decoded only after its header passed the pixel limit."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_SCAN_BYTES:
        raise DomainError(_("The scan is larger than %(limit)s MB.") % {"limit": MAX_SCAN_BYTES // 1024 // 1024},
                          code="scan_too_large", field=field)
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise DomainError(_("The scan is larger than %(limit)s MB.") % {"limit": MAX_SCAN_BYTES // 1024 // 1024},
                          code="scan_too_large", field=field)
    if data[:5] == b"%PDF-":
        return data, _check_pdf(data, field)
    _check_image(data, field)
    photo = clean_photo(io.BytesIO(data), field=field)  # same checks as a photo; the copy has no metadata
    return photo.content.read(), 1


def _check_image(data: bytes, field: str) -> None:
    """A real image within MAX_PIXELS, judged from its header and chunks; the pixels are not decoded here."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_("The scan is too large in pixels."), code="scan_too_large", field=field)
            probe.verify()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("The file is not a scan (PDF, JPEG, PNG or WebP)."), code="not_a_scan",
                          field=field) from None


def _render_scale(width: float, height: float) -> float:
    """The scale a page is rendered at: OCR_DPI, or less so the page stays within MAX_OCR_PIXELS."""
    scale = OCR_DPI / 72
    pixels = width * scale * height * scale
    if pixels > MAX_OCR_PIXELS:
        scale *= (MAX_OCR_PIXELS / pixels) ** 0.5 * 0.995  # the renderer rounds each side up
    return scale


def _check_pdf(data: bytes, field: str) -> int:
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
        for index in range(pages):
            width, height = document.get_page_size(index)
            if width > MAX_PAGE_POINTS or height > MAX_PAGE_POINTS or width <= 0 or height <= 0:
                raise DomainError(_("Page %(page)s of the PDF is too large to be a letter (at most %(cm)s cm a "
                                    "side).") % {"page": index + 1, "cm": round(MAX_PAGE_POINTS / 72 * 2.54)},
                                  code="scan_page_too_large", field=field)
        return pages
    finally:
        document.close()


def scan_images(data: bytes) -> Iterator[Image.Image]:
    """The pages of a checked scan as images for OCR, one at a time, none above MAX_OCR_PIXELS."""
    if data[:5] != b"%PDF-":
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_("The scan is too large in pixels."), code="scan_too_large")
            image = ImageOps.exif_transpose(probe)
            image.thumbnail((MAX_OCR_SIDE, MAX_OCR_SIDE))
            yield image
        return
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(document), MAX_SCAN_PAGES)):
            page = document[index]
            width, height = page.get_size()
            yield page.render(scale=_render_scale(width, height), grayscale=True).to_pil()
            page.close()
    finally:
        document.close()


def recognise_scan(data: bytes, *, deadline: float, on_page: Callable[[int, str], None]) -> str:
    """OCR a checked scan page by page; `on_page(number, text)` after each page. Raises OcrTimeout when
    `deadline` (a time.monotonic() value) passes."""
    texts = []
    for number, image in enumerate(scan_images(data), start=1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OcrTimeout
        text = _tesseract(image, timeout=min(OCR_TIMEOUT_S, remaining))
        texts.append(text)
        on_page(number, "\n\n".join(t for t in texts if t))
    return "\n\n".join(t for t in texts if t)
