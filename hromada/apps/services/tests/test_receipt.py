"""The receipt: page and PDF with the number, the code and a QR code of the status link."""

from __future__ import annotations

import io

from django.test import Client

from hromada.apps.services.actions import intake
from hromada.apps.services.notices import case_link
from hromada.apps.services.tests.fixtures_apply import pdf_upload
from hromada.core import tenancy
from hromada.testing import factories


def test_receipt_pdf_holds_number_code_and_the_status_link(community, resident, birth_service, answers):
    import pypdfium2 as pdfium

    with tenancy.scope(community):
        case = intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})
        link = case_link(case)
    client = Client()
    client.force_login(resident)
    response = client.get(f"/c/kyiv/services/cases/{case.number}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(io.BytesIO(response.content))
    text = document[0].get_textpage().get_text_range()
    assert case.number in text and case.status_code in text and "Реєстрація народження" in text
    assert f"number={case.number}" in link and f"code={case.status_code}" in link
    assert link.replace("\r", "")[:30] in text.replace("\r", "").replace("\n", "")
    stranger = Client()
    stranger.force_login(factories.make_user(community=community))
    assert stranger.get(f"/c/kyiv/services/cases/{case.number}/receipt.pdf").status_code == 403


def test_the_qr_link_opens_the_status(community, resident, birth_service, answers):
    with tenancy.scope(community):
        case = intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})
        link = case_link(case)
    path = link[link.index("/c/kyiv/"):]
    response = Client().get(path)
    assert response.status_code == 200 and case.number in response.content.decode()
