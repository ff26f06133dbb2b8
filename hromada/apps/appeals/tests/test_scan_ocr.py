"""Paper letters are recognised by a background job: the upload answers at once, the operator sees the
progress page by page, and scans beyond the limits (pages, page size, time) are refused or stopped with
a reason."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from PIL import Image, ImageDraw, ImageFont

from hromada.apps.appeals import media
from hromada.apps.appeals.models import OcrStatus, PaperScan
from hromada.core import tenancy
from hromada.core.tasks.worker import run_due_tasks as run_jobs

SCANS = "/c/kyiv/appeals/office/scans/"
needs_tesseract = pytest.mark.skipif(not media.ocr_available(),
                                     reason="tesseract with ukr not installed (make system-deps)")


def _page_image(text: str) -> Image.Image:
    image = Image.new("RGB", (1400, 200), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 48)
    ImageDraw.Draw(image).text((30, 60), text, fill="black", font=font)
    return image


def _pdf(texts: list[str] | None = None, *, blank_pages: int = 0, size: tuple[float, float] = (595, 842)) -> bytes:
    """A PDF with a page of each text (as an image) and `blank_pages` empty pages of `size` points."""
    if texts:
        out = io.BytesIO()
        images = [_page_image(text) for text in texts]
        images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=72)
        return out.getvalue()
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(blank_pages):
        document.new_page(*size)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, world, data: bytes, name: str = "letter.pdf"):
    client.force_login(world.operator)
    return client.post(SCANS, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def _scan(world) -> PaperScan:
    with tenancy.scope(world.community):
        return PaperScan.objects.get()


def test_the_upload_answers_without_running_tesseract(client, world, monkeypatch):
    calls = []
    monkeypatch.setattr(media, "_tesseract", lambda *args, **kwargs: calls.append(1) or "")

    response = _upload(client, world, _pdf(["Прошу", "відремонтувати", "дорогу"]))

    assert response.status_code == 302 and calls == []
    scan = _scan(world)
    assert (scan.ocr_status, scan.pages, scan.ocr_text) == (OcrStatus.QUEUED, 3, "")
    assert DBTaskResult.objects.filter(task_path="hromada.apps.appeals.tasks.scan_ocr",
                                       args_kwargs__kwargs__scan_id=scan.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for recognition: 3 pages." in page
    assert '<meta http-equiv="refresh" content="3">' in page


def test_the_operator_sees_the_page_being_recognised(client, world, monkeypatch):
    _upload(client, world, _pdf(["Один", "Два", "Три"]))
    scan = _scan(world)
    seen = []

    def tesseract(image, *, timeout):
        # What the operator's page says while this page is being read.
        seen.append(client.get(f"{SCANS}{scan.pk}/").content.decode())
        return f"сторінка {len(seen)}"

    monkeypatch.setattr(media, "_tesseract", tesseract)
    run_jobs()

    assert "Recognising the text: page 1 of 3." in seen[0]
    assert "Recognising the text: page 2 of 3." in seen[1]
    done = client.get(f"{SCANS}{scan.pk}/").content.decode()
    assert "http-equiv=\"refresh\"" not in done and "сторінка 1\n\nсторінка 2\n\nсторінка 3" in done


@needs_tesseract
def test_the_job_recognises_the_text_of_every_page(client, world):
    _upload(client, world, _pdf(["Прошу відремонтувати", "дорогу на вулиці"]))

    assert run_jobs() == 1

    scan = _scan(world)
    assert scan.ocr_status == OcrStatus.DONE and scan.ocr_pages_done == 2
    assert "відремонтувати" in scan.ocr_text.lower() and "вулиці" in scan.ocr_text.lower()


def test_too_many_pages_are_refused_with_a_reason(client, world):
    response = _upload(client, world, _pdf(blank_pages=media.MAX_SCAN_PAGES + 1))

    assert response.status_code == 400
    assert f"The PDF has 11 pages; a letter scan may have at most {media.MAX_SCAN_PAGES}." in response.content.decode()
    with tenancy.scope(world.community):
        assert not PaperScan.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_page_too_large_in_pixels_is_refused_with_a_reason(client, world):
    # 28 x 28 inches: at 200 dpi 31 million pixels, the PDF bomb's trick.
    response = _upload(client, world, _pdf(blank_pages=2, size=(2016, 2016)))

    assert response.status_code == 400
    assert "Page 1 of the PDF is too large to be a letter (at most 71 cm a side)." in response.content.decode()
    with tenancy.scope(world.community):
        assert not PaperScan.objects.exists()


def test_pages_are_rendered_within_the_pixel_limit(world, monkeypatch):
    sizes = []
    monkeypatch.setattr(media, "_tesseract", lambda image, *, timeout: sizes.append(image.size) or "")
    data = _pdf(blank_pages=2, size=(1900, 1900))  # allowed, but 200 dpi would be 27.8 million pixels

    media.recognise_scan(data, deadline=time.monotonic() + 60, on_page=lambda number, text: None)

    assert len(sizes) == 2
    assert all(width * height <= media.MAX_OCR_PIXELS for width, height in sizes)


def test_the_time_of_a_scan_is_shared_by_its_pages(monkeypatch):
    timeouts = []

    def slow(image, *, timeout):
        timeouts.append(timeout)
        time.sleep(0.3)
        return "сторінка"

    monkeypatch.setattr(media, "_tesseract", slow)
    pages = []

    with pytest.raises(media.OcrTimeout):
        media.recognise_scan(_pdf(blank_pages=3), deadline=time.monotonic() + 0.5,
                             on_page=lambda number, text: pages.append(number))

    assert pages == [1, 2]  # the third page found no time left
    assert timeouts[0] <= 0.5 and timeouts[1] <= 0.2


def test_a_scan_over_its_time_is_marked_failed_with_a_reason(client, world, monkeypatch):
    _upload(client, world, _pdf(["Один", "Два"]))
    scan = _scan(world)

    def too_slow(image, *, timeout):
        raise media.OcrTimeout

    monkeypatch.setattr(media, "_tesseract", too_slow)
    run_jobs()

    assert _scan(world).ocr_status == OcrStatus.FAILED
    page = client.get(f"{SCANS}{scan.pk}/").content.decode()
    assert "The recognition took too long. Read the scan and type its text." in page
    assert 'name="text"' in page  # the form to type it


@needs_tesseract
def test_tesseract_is_stopped_at_its_time_limit():
    with pytest.raises(media.OcrTimeout):
        media._tesseract(_page_image("Прошу відремонтувати дорогу " * 3).resize((5600, 800)), timeout=0.01)


def test_an_image_scan_too_large_in_pixels_is_refused_before_it_is_decoded(client, world):
    out = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(out, "PNG")  # 48 million pixels in a few kilobytes

    response = _upload(client, world, out.getvalue(), name="letter.png")

    assert response.status_code == 400 and "The scan is too large in pixels." in response.content.decode()
    with tenancy.scope(world.community):
        assert not PaperScan.objects.exists()


def test_a_file_that_is_no_scan_is_refused(client, world):
    response = _upload(client, world, b"just some text, not a scan", name="letter.txt")

    assert response.status_code == 400
    assert "The file is not a scan (PDF, JPEG, PNG or WebP)." in response.content.decode()
