"""Two ЦНАП administrators press "Accept" on the same case at the same moment: the case's row lock lets one
through; the other finds the case accepted (409). One event, one notice per channel. PostgreSQL only."""

from django.test import Client

from hromada.apps.services.models import CaseStatus, ServiceCase, ServiceCaseEvent
from hromada.apps.services.tests import factories_casework as cw
from hromada.core import tenancy
from hromada.core.notifications.models import Message
from hromada.testing import factories
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE


def test_two_administrators_accept_the_same_case_at_once(casework):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant, office=w.centre)
    second = factories.make_staff(w.community, "operator")
    url = f"/c/kyiv/services/office/cases/{case.number}/accept/"

    def accept(user) -> int:
        client = Client()
        client.force_login(user)
        return client.post(url, {}).status_code

    outcomes = run_together([lambda: accept(w.operator), lambda: accept(second)])

    assert sorted(outcomes) == [302, 409]
    with tenancy.scope(w.community):
        assert ServiceCase.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
        assert ServiceCaseEvent.objects.filter(case=case, kind="accept").count() == 1
    sent = Message.objects.filter(kind="services.accepted")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]


def test_many_parallel_steps_on_one_case_move_it_once(casework):
    w = casework
    case = cw.make_case(w.service, applicant=w.applicant, status=CaseStatus.IN_WORK)
    url = f"/c/kyiv/services/office/cases/{case.number}/grant/"

    def grant() -> int:
        client = Client()
        client.force_login(w.executor)
        return client.post(url, {}).status_code

    outcomes = run_together([grant for _n in range(6)])

    assert sorted(outcomes) == [302] + [409] * 5
    with tenancy.scope(w.community):
        assert ServiceCaseEvent.objects.filter(case=case, kind="grant").count() == 1
    assert Message.objects.filter(kind="services.granted", channel="email").count() == 1
