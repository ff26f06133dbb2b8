"""A resident applies online: the case with its number, code, term, version, first event, document and notice;
and every refusal leaves nothing written."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hromada.apps.services.actions import intake
from hromada.apps.services.models import CaseAttachment, CaseStatus, ServiceCase, ServiceCaseEvent, ServiceStatus
from hromada.apps.services.tests.fixtures_apply import jpeg_with_gps, make_service, pdf_upload
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.core.notifications.models import Message
from hromada.testing import factories

URL = "/c/kyiv/services/birth/apply/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rows(community) -> tuple[int, int, int]:
    with tenancy.scope(community):
        return (ServiceCase.objects.count(), ServiceCaseEvent.objects.count(), CaseAttachment.objects.count())


def private_files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def signed_in(resident):
    client = Client()
    client.force_login(resident)
    return client


def test_resident_applies_and_gets_number_code_term_and_receipt(signed_in, resident, community, birth_service,
                                                                answers, settings):
    resident.phone = "+380501112233"
    resident.save(update_fields=["phone"])
    response = signed_in.post(URL, {**answers, "certificate": pdf_upload()})

    assert response.status_code == 302
    with tenancy.scope(community):
        case = ServiceCase.objects.get()
        assert re.fullmatch(r"KY-S-\d{4}-000001", case.number)
        assert response["Location"].endswith(f"/services/cases/{case.number}/receipt/")
        assert re.fullmatch(r"\d{8}", case.status_code)
        assert case.status == CaseStatus.SUBMITTED and case.channel == "online"
        assert case.applicant == resident and case.version.number == birth_service.version
        assert case.due_date is not None and case.due_date > date(2000, 1, 1)
        assert case.data == {**answers, "certificate": "certificate.pdf"}
        event = case.events.get()
        assert (event.kind, event.to_status, event.actor_id) == ("submit", CaseStatus.SUBMITTED, resident.pk)
        attachment = case.attachments.get()
        assert attachment.field == "certificate" and attachment.content_type == "application/pdf"
        assert attachment.file.read()[:5] == b"%PDF-"
        sent = Message.objects.filter(kind="services.submitted")
        assert {m.channel for m in sent} == {"email", "sms"}
    page = signed_in.get(response["Location"])
    assert case.number in page.content.decode() and case.status_code in page.content.decode()
    assert "<svg" in page.content.decode()


def test_due_date_counts_working_days_and_is_empty_without_a_term(community, resident, answers):
    working = make_service(community, "w", form=[], apply_methods=["online"])
    none = make_service(community, "n", term_days=None)
    with tenancy.scope(community):
        from django.utils import timezone

        from hromada.core.calendar import community_add_working_days
        assert intake.due_date_of(working, community, timezone.now()) == community_add_working_days(
            community, timezone.now(), 10)
        case = intake.submit_application(service=none, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})
        assert case.due_date is None and case.due_at is None


def test_numbers_are_unique_and_follow_on(community, resident, birth_service, answers):
    with tenancy.scope(community):
        first = intake.submit_application(service=birth_service, user=resident, data=answers,
                                          files={"certificate": pdf_upload()})
        second = intake.submit_application(service=birth_service, user=resident, data=answers,
                                           files={"certificate": pdf_upload()})
    assert first.number.endswith("000001") and second.number.endswith("000002")
    assert first.status_code != second.status_code or first.status_code.isdigit()


def test_an_image_is_stored_without_its_metadata(community, resident, birth_service, answers):
    photo = SimpleUploadedFile("scan.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with tenancy.scope(community):
        case = intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": photo})
        stored = case.attachments.get().file.read()
    assert stored[:3] == b"\xff\xd8\xff"
    assert b"SecretCam" not in stored and b"Exif" not in stored


def test_the_card_version_of_the_case_stays_when_the_card_changes(community, resident, birth_service, answers):
    from django.db import transaction

    from hromada.apps.services import cards
    with tenancy.scope(community):
        case = intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})
        birth_service.name_uk = "Нова назва"
        birth_service.save()
        with transaction.atomic():
            cards.publish_version(birth_service)
        case.refresh_from_db()
        assert case.card["name"] == "Реєстрація народження"
        assert case.version.number == 1 and birth_service.version == 2


# Bad input: a clear error in the user's language, 4xx, nothing written.

def _refused(client, community, settings, data, status, words):
    before, files_before = rows(community), private_files(settings)
    response = client.post(URL, data)
    assert response.status_code == status
    assert words in response.content.decode()
    assert rows(community) == before
    assert private_files(settings) == files_before
    return response


def test_missing_required_field(signed_in, community, birth_service, answers, settings):
    data = {**answers, "certificate": pdf_upload()}
    del data["child_name"]
    _refused(signed_in, community, settings, data, 400, "This field is required.")


def test_missing_required_document(signed_in, community, birth_service, answers, settings):
    _refused(signed_in, community, settings, answers, 400, "Attach “Medical certificate”.")


def test_missing_document_in_ukrainian(signed_in, community, birth_service, answers, settings):
    signed_in.cookies["django_language"] = "uk"
    before = rows(community)
    response = signed_in.post(URL, answers, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    assert "Додайте «Медичне свідоцтво»." in response.content.decode()
    assert rows(community) == before


def test_wrong_file_type(signed_in, community, birth_service, answers, settings):
    png = SimpleUploadedFile("certificate.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="application/pdf")
    _refused(signed_in, community, settings, {**answers, "certificate": png}, 400,
             "must be a file of type PDF, JPG")


def test_a_file_named_pdf_that_is_not_a_pdf(signed_in, community, birth_service, answers, settings):
    fake = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 garbage", content_type="application/pdf")
    _refused(signed_in, community, settings, {**answers, "certificate": fake}, 400, "The PDF file cannot be read.")


def test_file_over_the_limit(signed_in, community, birth_service, answers, settings):
    big = pdf_upload(size=1024 * 1024 + 10)
    _refused(signed_in, community, settings, {**answers, "certificate": big}, 400, "is larger than 1 MB")


def test_suspended_service(signed_in, community, birth_service, answers, settings):
    with tenancy.scope(community):
        birth_service.status = ServiceStatus.SUSPENDED
        birth_service.save(update_fields=["status"])
    _refused(signed_in, community, settings, {**answers, "certificate": pdf_upload()}, 409,
             "the service is suspended")


def test_applicant_below_the_identity_level(signed_in, community, birth_service, answers, settings):
    with tenancy.scope(community):
        birth_service.identity_level = "verified"
        birth_service.save(update_fields=["identity_level"])
    _refused(signed_in, community, settings, {**answers, "certificate": pdf_upload()}, 403,
             "This service needs a verified identity.")


def test_verified_resident_applies_and_the_person_field_is_the_verified_name(community, birth_service, answers):
    person = factories.make_user(community=community, level=30, full_name="Ірина Верифікована")
    with tenancy.scope(community):
        birth_service.identity_level = "verified"
        birth_service.save(update_fields=["identity_level"])
        case = intake.submit_application(service=birth_service, user=person,
                                         data={**answers, "applicant": "Хтось Інший"},
                                         files={"certificate": pdf_upload()})
    assert case.data["applicant"] == "Ірина Верифікована"


def test_anonymous_visitor_is_sent_to_sign_in(community, birth_service):
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_action_refuses_and_names_the_field(community, resident, birth_service, answers):
    with tenancy.scope(community), pytest.raises(DomainError) as caught:
        intake.submit_application(service=birth_service, user=resident, data=answers, files={})
    assert caught.value.status_code == 400 and caught.value.field == "certificate"


def test_a_storage_failure_leaves_no_case_and_no_file(community, resident, birth_service, answers, settings,
                                                      monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(intake, "tell_applicant", broken)
    before, files_before = rows(community), private_files(settings)
    with tenancy.scope(community), pytest.raises(RuntimeError):
        intake.submit_application(service=birth_service, user=resident, data=answers,
                                  files={"certificate": pdf_upload()})
    assert rows(community) == before and private_files(settings) == files_before


def test_the_form_page_shows_fields_documents_and_limits(signed_in, birth_service):
    page = signed_in.get(URL).content.decode()
    assert "Medical certificate" in page and "PDF, JPG" in page and "1 MB" in page
    assert "Only if “How to receive” is “post”." in page
