"""Fixtures of the application tests: services with online forms, made with the models and published."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from hromada.apps.services import cards
from hromada.apps.services.models import Office, Service
from hromada.core import tenancy

BIRTH_FORM: list[dict[str, Any]] = [
    {"name": "applicant", "label": "ПІБ заявника", "label_en": "Applicant", "type": "person", "required": True},
    {"name": "child_name", "label": "Ім'я дитини", "label_en": "Child's name", "type": "text", "required": True,
     "max_length": 100},
    {"name": "born_on", "label": "Дата народження", "label_en": "Date of birth", "type": "date", "required": True},
    {"name": "children", "label": "Кількість дітей", "label_en": "Number of children", "type": "number", "min": 1,
     "max": 10},
    {"name": "delivery", "label": "Як отримати", "label_en": "How to receive", "type": "choice", "required": True,
     "choices": [{"value": "cnap", "label": "У ЦНАП", "label_en": "At the ЦНАП"},
                 {"value": "post", "label": "Поштою", "label_en": "By post"}]},
    {"name": "post_address", "label": "Адреса для пошти", "label_en": "Postal address", "type": "address",
     "required": True, "show_if": {"field": "delivery", "equals": "post"}},
    {"name": "certificate", "label": "Медичне свідоцтво", "label_en": "Medical certificate", "type": "file",
     "required": True, "allowed_types": ["pdf", "jpg"], "max_size_mb": 1},
]


def pdf_bytes(size: int = 2000) -> bytes:
    """A real one-page PDF, padded with a comment to about `size` bytes."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    data = buffer.getvalue()
    if size > len(data):
        data = data.replace(b"%PDF-1.7", b"%PDF-1.7\n%" + b"x" * (size - len(data)), 1) if b"%PDF-1.7" in data \
            else data + b"\n%" + b"x" * (size - len(data))
    return data


def pdf_upload(name: str = "certificate.pdf", size: int = 2000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(size), content_type="application/pdf")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def make_service(community: Any, code: str = "birth", *, form: list[dict[str, Any]] | None = None,
                 **fields: Any) -> Service:
    values: dict[str, Any] = {
        "name_uk": "Реєстрація народження", "name_en": "Birth registration", "provider": "Відділ ДРАЦС",
        "audience": ["person"], "apply_methods": ["in_person", "online"], "term_days": 10, "term_kind": "working",
        "documents": [{"title": "Паспорт", "requirements": "оригінал"},
                      {"title": "Медичне свідоцтво", "requirements": "копія"}],
        "refusal_grounds": ["Неповний пакет документів"], "result": "Свідоцтво про народження",
        "form": BIRTH_FORM if form is None else form}
    values.update(fields)
    with tenancy.scope(community), transaction.atomic():
        service = Service(community=community, code=code, **values)
        service.save()
        cards.publish_version(service)
    return service


@pytest.fixture
def apply_office(community):
    with tenancy.scope(community):
        return Office.objects.create(community=community, code="cnap-centre", name_uk="ЦНАП Центр",
                                     address="вул. Соборна, 1")


@pytest.fixture
def birth_service(community, apply_office):
    service = make_service(community)
    with tenancy.scope(community):
        service.offices.add(apply_office)
    return service


@pytest.fixture
def answers():
    """Valid answers for the birth service's form (without the file)."""
    return {"applicant": "Олена Петренко", "child_name": "Марко", "born_on": "2026-11-20", "children": "1",
            "delivery": "cnap"}
