"""The back office of services: queues, the case's page with its steps, and who may open what."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from hromada.apps.services.models import CaseStatus, ServiceCaseEvent
from hromada.apps.services.tests import factories_casework as cw
from hromada.core import tenancy
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db
BASE = "/c/kyiv/services/office/"


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


# Who may open each page: 200 for these, 403 (signed in) or a sign-in redirect (anonymous) for the rest.
PAGES = {
    "": {"operator", "executor", "other_executor", "controller", "admin"},
    "cnap/": {"operator", "admin"},
    "provider/": {"executor", "other_executor"},
    "control/": {"controller", "admin"},
    "cases/{number}/": {"operator", "executor", "controller", "admin"},
}
PEOPLE = ("anonymous", "resident", "applicant", "operator", "executor", "other_executor", "controller", "admin",
          "stranger_operator")


@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix_of_the_pages(client, casework, page):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant, office=w.centre, status=CaseStatus.IN_WORK)
    url = BASE + page.format(number=case.number)
    for person in PEOPLE:
        user = None if person == "anonymous" else getattr(w, person)
        response = _get(client, user, url)
        if person in PAGES[page]:
            assert response.status_code == 200, (page, person)
        elif person == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"], (page, person)
        else:
            assert response.status_code == 403, (page, person)


def test_unknown_case_is_404(client, casework):
    assert _get(client, casework.operator, BASE + "cases/ЦН-1999-000001/").status_code == 404


def test_cnap_queue_per_office_nearest_term_first_with_filters(client, casework):
    w = casework
    late = cw.make_case(w.service, office=w.centre, applicant_name="Пізній", due_days=-3)
    soon = cw.make_case(w.service, office=w.centre, applicant_name="Ранній", due_days=1)
    aid = cw.make_case(w.aid, office=w.centre, status=CaseStatus.ACCEPTED, due_days=5)
    elsewhere = cw.make_case(w.service, office=w.north, applicant_name="Північний")
    in_work = cw.make_case(w.service, office=w.centre, status=CaseStatus.IN_WORK)
    page = _get(client, w.operator, BASE + "cnap/").content.decode()  # the first office: ЦНАП Північ by name
    assert elsewhere.number in page and late.number not in page
    page = _get(client, w.operator, BASE + "cnap/?office=centre").content.decode()
    assert page.index(late.number) < page.index(soon.number) < page.index(aid.number)
    assert elsewhere.number not in page and in_work.number not in page
    page = client.get(BASE + "cnap/?office=centre&status=accepted").content.decode()
    assert aid.number in page and late.number not in page
    page = client.get(BASE + "cnap/?office=centre&service=land-plot").content.decode()
    assert late.number in page and aid.number not in page
    page = client.get(BASE + "cnap/?office=centre&overdue=on").content.decode()
    assert late.number in page and soon.number not in page and "overdue" in page
    assert client.get(BASE + "cnap/?office=nowhere").status_code == 404
    assert client.get(BASE + "cnap/?office=centre&status=bogus").status_code == 400


def test_cnap_queue_paginates(client, casework):
    w = casework
    for _n in range(55):
        cw.make_case(w.service, office=w.centre)
    page = _get(client, w.operator, BASE + "cnap/?office=centre").content.decode()
    assert page.count("/c/kyiv/services/office/cases/") == 50
    second = client.get(BASE + "cnap/?office=centre&page=2").content.decode()
    assert second.count("/c/kyiv/services/office/cases/") == 5


def test_provider_queue_shows_only_the_executors_department(client, casework):
    w = casework
    mine = cw.make_case(w.service, status=CaseStatus.IN_WORK)
    theirs = cw.make_case(w.aid, status=CaseStatus.IN_WORK)
    waiting = cw.make_case(w.service, status=CaseStatus.SUBMITTED)
    page = _get(client, w.executor, BASE + "provider/").content.decode()
    assert mine.number in page and theirs.number not in page and waiting.number not in page
    page = _get(client, w.other_executor, BASE + "provider/").content.decode()
    assert theirs.number in page and mine.number not in page


def test_case_page_shows_card_version_applicant_and_the_steps_allowed(client, casework):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant, office=w.centre, data={"purpose": "Продаж ділянки"})
    page = _get(client, w.operator, BASE + f"cases/{case.number}/").content.decode()
    assert "card version 1" in page and w.applicant.email in page and "Продаж ділянки" in page
    number = quote(case.number)
    assert f"/cases/{number}/accept/" in page and f"/cases/{number}/return/" in page
    assert cw.DOCUMENTS[0]["title"] in page  # the return form offers the card's documents
    assert f"/cases/{number}/grant/" not in page
    page = _get(client, w.controller, BASE + f"cases/{case.number}/").content.decode()
    assert "/accept/" not in page  # a controller sees, but takes no step


def test_steps_through_the_pages_with_notices(client, casework):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant, office=w.centre)
    url = BASE + f"cases/{case.number}/"
    client.force_login(w.operator)
    response = client.post(url + "accept/", {"accept-note": ""})
    assert response.status_code == 302 and response["Location"].endswith(quote(url))
    assert client.post(url + "send/", {}).status_code == 302
    client.force_login(w.executor)
    page = client.get(url).content.decode()
    assert cw.GROUNDS[0] in page and "/refuse/" in page  # the grounds of the card as the choice
    response = client.post(url + "refuse/", {"refuse-ground": "Вигадана підстава"})
    assert response.status_code == 400
    response = client.post(url + "refuse/", {"refuse-ground": cw.GROUNDS[0], "refuse-note": "Бракує довідки"})
    assert response.status_code == 302
    client.post(url + "ready/", {})
    client.force_login(w.operator)
    client.post(url + "issue/", {})
    with tenancy.scope(w.community):
        case.refresh_from_db()
        assert case.status == CaseStatus.ISSUED and case.refusal_ground == cw.GROUNDS[0]
        assert list(ServiceCaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
            "submit", "accept", "send", "refuse", "ready", "issue"]
    assert Message.objects.filter(channel="email", address=w.applicant.email).count() == 5
    page = client.get(url).content.decode()
    assert "Бракує довідки" in page and "Refuse on a ground from the card" in page


def test_return_from_the_page_needs_a_document(client, casework):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant)
    url = BASE + f"cases/{case.number}/return/"
    client.force_login(w.operator)
    response = client.post(url, {"return-other": "  "})
    assert response.status_code == 400 and "Name at least one missing document." in response.content.decode()
    response = client.post(url, {"return-documents": [cw.DOCUMENTS[1]["title"]],
                                 "return-other": "Довіреність\nКвитанція"})
    assert response.status_code == 302
    with tenancy.scope(w.community):
        case.refresh_from_db()
    assert case.missing_documents == [cw.DOCUMENTS[1]["title"], "Довіреність", "Квитанція"]


def test_refused_steps_show_the_reason_with_403_or_409(client, casework):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant)
    url = BASE + f"cases/{case.number}/"
    client.force_login(w.operator)
    response = client.post(url + "send/", {})  # not accepted yet
    assert response.status_code == 409 and "This cannot be done while the case is" in response.content.decode()
    response = client.post(url + "grant/", {})  # the operator decides nothing
    assert response.status_code == 403 and "permission" in response.content.decode()
    client.post(url + "accept/", {})
    again = client.post(url + "accept/", {})  # a double click
    assert again.status_code == 409
    assert Message.objects.filter(kind="services.accepted", channel="email").count() == 1
    assert client.get(url + "accept/").status_code == 404
    assert client.post(url + "explode/", {}).status_code == 404


def test_office_home_counts_what_awaits(client, casework):
    w = casework
    cw.make_case(w.service, office=w.centre)
    cw.make_case(w.service, office=w.centre)
    cw.make_case(w.service, status=CaseStatus.IN_WORK, due_days=-2)
    page = _get(client, w.operator, BASE).content.decode()
    assert "applications waiting to be accepted" in page and "ЦНАП queue" in page
    page = _get(client, w.executor, BASE).content.decode()
    assert "cases to decide in your department" in page and "ЦНАП queue" not in page
    page = _get(client, w.controller, BASE).content.decode()
    assert "cases past their term" in page


def test_back_office_home_shows_the_sections_figures(client, casework):
    w = casework
    cw.make_case(w.service, office=w.centre, submitted_at=timezone.now() - timedelta(hours=1))
    response = _get(client, w.operator, "/c/kyiv/office/")
    if response.status_code == 404:
        pytest.skip("no back-office home in this build")
    assert "applications waiting to be accepted" in response.content.decode()
