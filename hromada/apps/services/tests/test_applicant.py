"""What the applicant does with a case: resubmit after a return, withdraw, rate once after issue; who may
see a case and its documents; the cabinet list; the operator's paper application."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hromada.apps.services.actions import applicant, intake
from hromada.apps.services.models import CaseAttachment, CaseStatus, Service, ServiceCase, ServiceCaseEvent
from hromada.apps.services.tests.fixtures_apply import pdf_upload
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord
from hromada.testing import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def case(community, resident, birth_service, answers):
    with tenancy.scope(community):
        return intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})


def move(case, status, **fields):
    """Put the case where the office's steps would have (those steps are tested with the office's pages)."""
    with tenancy.scope(case.community):
        ServiceCase.objects.filter(pk=case.pk).update(status=status, **fields)
        case.refresh_from_db()


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def page(case):
    return f"/c/kyiv/services/cases/{case.number}/"


def test_the_case_page_shows_version_timeline_answers_and_documents(case, resident):
    response = client_of(resident).get(page(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "version 1 of" in html and "Submit the application" in html and "Марко" in html
    assert "certificate.pdf" in html and "Withdraw" in html


def test_the_applicant_and_staff_get_the_document_others_do_not(case, resident, community, staff):
    with tenancy.scope(community):
        attachment = case.attachments.get()
    url = f"{page(case)}files/{attachment.pk}/"
    mine = client_of(resident).get(url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content)[:5] == b"%PDF-"
    assert mine["Cache-Control"] == "private, no-store"
    assert client_of(staff("operator")).get(url).status_code == 200
    stranger = factories.make_user(community=community)
    assert client_of(stranger).get(url).status_code == 403
    assert client_of(stranger).get(page(case)).status_code == 403


def test_my_cases_lists_mine_and_has_an_empty_state(case, resident, community):
    assert case.number in client_of(resident).get("/c/kyiv/services/mine/").content.decode()
    other = factories.make_user(community=community)
    empty = client_of(other).get("/c/kyiv/services/mine/").content.decode()
    assert "You have no applications yet." in empty


def test_withdraw_by_the_applicant(case, resident, community):
    response = client_of(resident).post(f"{page(case)}withdraw/", {"reason": "Передумала"})
    assert response.status_code == 302
    with tenancy.scope(community):
        case.refresh_from_db()
        assert case.status == CaseStatus.WITHDRAWN
        assert case.events.filter(kind="withdraw", note="Передумала").exists()


def test_withdraw_is_refused_once_in_work(case, resident, community):
    move(case, CaseStatus.IN_WORK)
    response = client_of(resident).post(f"{page(case)}withdraw/")
    assert response.status_code == 409
    assert "This cannot be done while the case is “In work at the provider”." in response.content.decode()
    with tenancy.scope(community):
        assert not case.events.filter(kind="withdraw").exists()


def test_resubmit_with_the_missing_documents(case, resident, community):
    move(case, CaseStatus.RETURNED, missing_documents=["Паспорт"])
    refused = client_of(resident).post(f"{page(case)}resubmit/", {"note": "ось"})
    assert refused.status_code == 400 and "Attach the missing documents: Паспорт." in refused.content.decode()
    response = client_of(resident).post(f"{page(case)}resubmit/", {"documents": pdf_upload("passport.pdf"),
                                                                  "note": "Додала паспорт"})
    assert response.status_code == 302
    with tenancy.scope(community):
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED and case.missing_documents == []
        event = case.events.get(kind="resubmit")
        assert event.data == {"missing": ["Паспорт"], "files": ["passport.pdf"]}
        assert case.attachments.filter(original_name="passport.pdf", field="").exists()


def test_resubmit_with_a_wrong_file_writes_nothing(case, resident, community, settings):
    move(case, CaseStatus.RETURNED, missing_documents=["Паспорт"])
    with tenancy.scope(community):
        before = (CaseAttachment.objects.count(), ServiceCaseEvent.objects.count())
    exe = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00" * 50)
    response = client_of(resident).post(f"{page(case)}resubmit/", {"documents": exe})
    assert response.status_code == 400 and "must be a file of type PDF, JPG, PNG" in response.content.decode()
    with tenancy.scope(community):
        case.refresh_from_db()
        assert case.status == CaseStatus.RETURNED
        assert (CaseAttachment.objects.count(), ServiceCaseEvent.objects.count()) == before


def test_rating_after_issue_once_and_the_average_is_updated(case, resident, community, birth_service):
    move(case, CaseStatus.ISSUED)
    response = client_of(resident).post(f"{page(case)}rate/", {"rating": "4", "comment": "Швидко"})
    assert response.status_code == 302
    again = client_of(resident).post(f"{page(case)}rate/", {"rating": "1"})
    assert again.status_code == 409
    assert "You have already rated the service for this application." in again.content.decode()
    with tenancy.scope(community):
        service = Service.objects.get(pk=birth_service.pk)
        assert (service.rating_count, service.rating_sum, str(service.average_rating)) == (1, 4, "4.0")
        case.refresh_from_db()
        assert (case.rating, case.rating_comment) == (4, "Швидко")


@pytest.mark.parametrize(("status", "rating", "code"), [(CaseStatus.IN_WORK, 5, 409), (CaseStatus.ISSUED, 6, 400),
                                                         (CaseStatus.ISSUED, "abc", 400)])
def test_rating_refused_before_issue_or_out_of_range(case, resident, community, status, rating, code):
    move(case, status)
    with tenancy.scope(community), pytest.raises(DomainError) as caught:
        applicant.case_rate(case=case, by=resident, rating=rating)
    assert caught.value.status_code == code
    with tenancy.scope(community):
        assert Service.objects.get(pk=case.service_id).rating_count == 0


def test_only_the_applicant_rates(case, community, staff):
    move(case, CaseStatus.ISSUED)
    with tenancy.scope(community), pytest.raises(DomainError) as caught:
        applicant.case_rate(case=case, by=staff("operator"), rating=5)
    assert caught.value.status_code == 403


# The operator's paper application.

def test_operator_registers_a_paper_application_audited(community, staff, birth_service, apply_office, answers):
    operator = staff("operator")
    client = client_of(operator)
    assert "Birth registration" in client.get("/c/kyiv/services/office/paper/").content.decode()
    form = client.get("/c/kyiv/services/office/paper/", {"service": "birth"}).content.decode()
    assert "Applicant&#x27;s full name" in form and "Medical certificate" in form
    response = client.post("/c/kyiv/services/office/paper/", {
        "service": "birth", "applicant-office": apply_office.pk, "applicant-applicant_name": "Галина Мельник",
        "applicant-applicant_phone": "+380671234567", **answers, "certificate": pdf_upload()})
    assert response.status_code == 302
    with tenancy.scope(community):
        case = ServiceCase.objects.get()
        assert (case.channel, case.applicant, case.office, case.registered_by) == (
            "desk", None, apply_office, operator)
        assert case.applicant_name == "Галина Мельник" and case.events.get().actor == operator
    record = AuditRecord.objects.get(action="services.register_paper")
    assert record.actor == operator and record.data["number"] == case.number


def test_operator_of_another_community_cannot_register(community, other_community, birth_service, answers,
                                                       apply_office):
    stranger = factories.make_staff(other_community, "operator")
    before = AuditRecord.objects.count()
    response = client_of(stranger).post("/c/kyiv/services/office/paper/", {
        "service": "birth", "applicant-office": apply_office.pk, "applicant-applicant_name": "Хтось",
        "applicant-applicant_phone": "+380671234567", **answers, "certificate": pdf_upload()})
    assert response.status_code == 403
    with tenancy.scope(community), pytest.raises(DomainError) as caught:
        intake.register_paper_application(service=birth_service, operator=stranger,
                                          applicant=intake.PaperApplicant(name="Хтось", phone="+380671234567"),
                                          data=answers, files={"certificate": pdf_upload()}, office=apply_office)
    assert caught.value.status_code == 403
    assert "Only the ЦНАП administrators of this community register paper applications." in str(caught.value.detail)
    with tenancy.scope(community):
        assert ServiceCase.objects.count() == 0
    assert AuditRecord.objects.count() == before


def test_paper_application_needs_a_contact(community, staff, birth_service, apply_office, answers):
    response = client_of(staff("operator")).post("/c/kyiv/services/office/paper/", {
        "service": "birth", "applicant-office": apply_office.pk, "applicant-applicant_name": "Галина",
        **answers, "certificate": pdf_upload()})
    assert response.status_code == 400
    assert "Give the applicant&#x27;s e-mail or phone" in response.content.decode()
    with tenancy.scope(community):
        assert ServiceCase.objects.count() == 0
