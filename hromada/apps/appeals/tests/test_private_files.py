"""Uploaded files of appeals: stored outside the public media under random names, without metadata, and
served only to those who may see them (through the proxy's internal location when it is configured)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import AppealAttachment, AppealPhoto, PaperScan
from hromada.core import tenancy
from hromada.testing import factories

from .test_pages import jpeg_with_gps

pytestmark = pytest.mark.django_db
RANDOM_NAME = re.compile(r"^appeals/(photos|scans|files)/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|pdf|txt)$")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _file_with_gps(world, *, description_public: bool):
    photo = SimpleUploadedFile("Петренко-вул-Тиха-77.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with tenancy.scope(world.community):
        appeal = actions.appeal_register(
            community=world.community, category=world.pothole, text="Яма біля під'їзду", photos=[photo],
            author=actions.Author(user=world.resident, address="вул. Тиха, 77"), latitude=49.791, longitude=30.121,
            description_public=description_public)
        return appeal, AppealPhoto.objects.get(appeal=appeal)


def test_a_photo_of_an_appeal_that_is_not_public_is_only_for_its_author_and_staff(client, world):
    appeal, photo = _file_with_gps(world, description_public=False)
    assert RANDOM_NAME.match(photo.image.name) and "Петренко" not in photo.image.name
    stored = Path(photo.image.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))  # the proxy's /media/ cannot reach it
    url = f"/c/kyiv/appeals/photos/{photo.pk}/"
    assert Client().get(url).status_code == 404  # anonymous visitor
    stranger = Client()
    stranger.force_login(factories.make_user(community=world.community))
    assert stranger.get(url).status_code == 404  # another resident
    for who in (world.resident, world.executor):  # the author, the staff handling it
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg", who
        assert response["Cache-Control"] == "private, no-store"
        with Image.open(io.BytesIO(_body(response))) as image:
            assert image.size == (64, 48) and not image.getexif().get_ifd(0x8825)
    page = client.get(f"/c/kyiv/appeals/office/{appeal.pk}/").content.decode()
    assert f'src="{url}"' in page


def test_the_public_copy_of_a_published_photo_has_no_metadata(world):
    _appeal, photo = _file_with_gps(world, description_public=True)
    response = Client().get(f"/c/kyiv/appeals/photos/{photo.pk}/")
    assert response.status_code == 200
    content = _body(response)
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif() and "exif" not in image.info
    assert b"Exif" not in content and "Петренко".encode() not in content


def test_with_the_proxy_configured_the_file_is_handed_to_its_internal_location(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected/"
    _appeal, photo = _file_with_gps(world, description_public=False)
    client.force_login(world.resident)
    response = client.get(f"/c/kyiv/appeals/photos/{photo.pk}/")
    assert response.status_code == 200 and response["X-Accel-Redirect"] == f"/protected/{photo.image.name}"
    assert response.content == b""
    assert Client().get(f"/c/kyiv/appeals/photos/{photo.pk}/").status_code == 404
    assert not Client().get(f"/c/kyiv/appeals/photos/{photo.pk}/").has_header("X-Accel-Redirect")


def test_a_scan_is_stored_without_its_name_and_metadata_and_only_for_the_office(client, world):
    client.force_login(world.operator)
    upload = SimpleUploadedFile("Лист Петренко Марії.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/c/kyiv/appeals/office/scans/", {"file": upload})
    assert response.status_code == 302
    with tenancy.scope(world.community):
        scan = PaperScan.objects.get()
    assert RANDOM_NAME.match(scan.file.name) and "Петренко" not in scan.file.name
    assert Path(scan.file.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    with Image.open(scan.file.path) as image:
        assert not image.getexif().get_ifd(0x8825) and not image.getexif()
    url = f"/c/kyiv/appeals/office/scans/{scan.pk}/file/"
    assert f'href="{url}"' in client.get(f"/c/kyiv/appeals/office/scans/{scan.pk}/").content.decode()
    assert client.get(url).status_code == 200
    resident = Client()
    resident.force_login(world.resident)
    assert resident.get(url).status_code in (403, 404)
    assert Client().get(url).status_code in (302, 403, 404)
    registered = client.post(f"/c/kyiv/appeals/office/scans/{scan.pk}/", {
        "type": "application", "category": world.pothole.pk, "text": "Прошу відремонтувати дорогу",
        "address": "вул. Тиха, 77", "full_name": "Марія Петренко"})
    assert registered.status_code == 302
    with tenancy.scope(world.community):
        attachment = AppealAttachment.objects.get()
    assert "Петренко" not in attachment.name and "Петренко" not in attachment.file.name
    file_url = f"/c/kyiv/appeals/office/files/{attachment.pk}/"
    assert client.get(file_url).status_code == 200
    assert resident.get(file_url).status_code == 404


def test_an_old_file_with_a_cyrillic_name_is_handed_to_the_proxy_by_a_path_nginx_can_find(world, settings):
    from types import SimpleNamespace

    from hromada.core import private_files

    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected/"
    old = SimpleNamespace(name="appeals/scans/2026/05/Лист Петренко #2.pdf", storage=None)
    header = private_files.serve(old)["X-Accel-Redirect"]
    assert header.isascii() and "=?utf-8?" not in header and " " not in header and "#" not in header
    assert unquote(header) == "/protected/appeals/scans/2026/05/Лист Петренко #2.pdf"  # what nginx looks up
