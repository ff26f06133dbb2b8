"""A case's way through the ЦНАП and the provider: each step's state, timestamps, event and notice."""

import pytest

from hromada.apps.services.actions import processing
from hromada.apps.services.models import CaseStatus, ServiceCaseEvent
from hromada.apps.services.tests import factories_casework as cw
from hromada.core.api.errors import DomainError
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db


def _messages(case):
    return list(Message.objects.filter(idempotency_key__startswith=f"services-case-{case.pk}-")
                .order_by("id").values_list("kind", "channel"))


def test_the_full_path_from_submitted_to_issued(scoped_casework):
    w = scoped_casework
    case = cw.make_case(w.service, applicant=w.applicant, office=w.centre)
    processing.case_accept(case=case, by=w.operator)
    assert case.status == CaseStatus.ACCEPTED and case.accepted_at is not None
    processing.case_send(case=case, by=w.operator)
    assert case.status == CaseStatus.IN_WORK and case.department_id == w.land.pk
    processing.case_grant(case=case, by=w.executor, note="Витяг сформовано")
    assert case.status == CaseStatus.GRANTED and case.decided_at is not None
    processing.case_mark_ready(case=case, by=w.executor)
    assert case.status == CaseStatus.RESULT_READY
    processing.case_issue(case=case, by=w.operator)
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED and case.issued_at >= case.decided_at >= case.accepted_at
    assert case.decision_note == "Витяг сформовано"
    kinds = list(ServiceCaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["submit", "accept", "send", "grant", "ready", "issue"]
    actors = list(ServiceCaseEvent.objects.filter(case=case).values_list("actor_id", flat=True))
    assert actors == [w.applicant.pk, w.operator.pk, w.operator.pk, w.executor.pk, w.executor.pk, w.operator.pk]
    # One message per step and channel (the applicant has an e-mail and a phone).
    sent = _messages(case)
    assert [k for k, ch in sent if ch == "email"] == [
        "services.accepted", "services.in_work", "services.granted", "services.result_ready", "services.issued"]
    assert [k for k, ch in sent if ch == "sms"] == [k for k, ch in sent if ch == "email"]


def test_refusal_rests_on_a_ground_of_the_cards_version(scoped_casework):
    w = scoped_casework
    case = cw.make_case(w.service, applicant=w.applicant, status=CaseStatus.IN_WORK)
    with pytest.raises(DomainError) as error:
        processing.case_refuse(case=case, ground="Мені не подобається", by=w.executor)
    assert error.value.status_code == 400 and error.value.field == "ground"
    with pytest.raises(DomainError):
        processing.case_refuse(case=case, ground="", by=w.executor)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_WORK and not _messages(case)
    # The card changes after the case was opened: the case keeps the grounds of its own version.
    w.service.refusal_grounds = ["Новий підстав"]
    w.service.save()
    processing.case_refuse(case=case, ground=cw.GROUNDS[1], by=w.executor, note="Дані не збігаються")
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.refusal_ground == cw.GROUNDS[1]
    assert case.decided_at is not None
    event = ServiceCaseEvent.objects.get(case=case, kind="refuse")
    assert event.data == {"ground": cw.GROUNDS[1]} and event.note == "Дані не збігаються"
    body = Message.objects.get(idempotency_key=f"services-case-{case.pk}-{event.pk}-email").body
    assert cw.GROUNDS[1] in body
    processing.case_mark_ready(case=case, by=w.executor)
    processing.case_issue(case=case, by=w.operator)
    assert case.status == CaseStatus.ISSUED


def test_return_names_the_missing_documents(scoped_casework):
    w = scoped_casework
    case = cw.make_case(w.service, applicant=w.applicant)
    with pytest.raises(DomainError) as error:
        processing.case_return(case=case, missing=["", "  "], by=w.operator)
    assert error.value.field == "missing"
    processing.case_return(case=case, missing=[cw.DOCUMENTS[0]["title"], "Довіреність представника"],
                           by=w.operator)
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED
    assert case.missing_documents == [cw.DOCUMENTS[0]["title"], "Довіреність представника"]
    message = Message.objects.get(kind="services.returned", channel="email")
    assert "Довіреність представника" in message.body and message.address == w.applicant.email
    # The accepted case may be returned too, but not one in work.
    other = cw.make_case(w.service, applicant=w.applicant)
    processing.case_accept(case=other, by=w.operator)
    processing.case_return(case=other, missing=["Паспорт"], by=w.operator)
    assert other.status == CaseStatus.RETURNED
    third = cw.make_case(w.service, status=CaseStatus.IN_WORK)
    with pytest.raises(DomainError) as error:
        processing.case_return(case=third, missing=["Паспорт"], by=w.operator)
    assert error.value.status_code == 409


def test_a_retried_step_is_refused_and_tells_nobody_twice(scoped_casework):
    w = scoped_casework
    case = cw.make_case(w.service, applicant=w.applicant)
    processing.case_accept(case=case, by=w.operator)
    before = Message.objects.count()
    stale = type(case).objects.get(pk=case.pk)
    stale.status = CaseStatus.SUBMITTED  # a second browser tab still showing the submitted case
    with pytest.raises(DomainError) as error:
        processing.case_accept(case=stale, by=w.operator)
    assert error.value.status_code == 409 and "Accepted" in str(error.value.detail)
    assert Message.objects.count() == before
    assert ServiceCaseEvent.objects.filter(case=case, kind="accept").count() == 1


def test_the_service_without_a_department_cannot_be_sent(scoped_casework):
    w = scoped_casework
    lonely = cw.make_service(w.community, department=None)
    case = cw.make_case(lonely, status=CaseStatus.ACCEPTED)
    with pytest.raises(DomainError) as error:
        processing.case_send(case=case, by=w.operator)
    assert error.value.status_code == 409 and error.value.code == "no_department"
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and not ServiceCaseEvent.objects.filter(kind="send").exists()


def test_paper_case_is_told_by_the_contacts_it_gave(scoped_casework):
    w = scoped_casework
    case = cw.make_case(w.service, applicant_email="paper@example.test", applicant_phone="+380671234567")
    processing.case_accept(case=case, by=w.operator)
    assert sorted(ch for _k, ch in _messages(case)) == ["email", "sms"]


# Who may take each step (the permission comes before the state: 403 whatever the status).
STEPS = {
    "accept": (CaseStatus.SUBMITTED, lambda c, u: processing.case_accept(case=c, by=u)),
    "return": (CaseStatus.SUBMITTED, lambda c, u: processing.case_return(case=c, missing=["Паспорт"], by=u)),
    "send": (CaseStatus.ACCEPTED, lambda c, u: processing.case_send(case=c, by=u)),
    "grant": (CaseStatus.IN_WORK, lambda c, u: processing.case_grant(case=c, by=u)),
    "refuse": (CaseStatus.IN_WORK, lambda c, u: processing.case_refuse(case=c, ground=cw.GROUNDS[0], by=u)),
    "ready": (CaseStatus.GRANTED, lambda c, u: processing.case_mark_ready(case=c, by=u)),
    "issue": (CaseStatus.RESULT_READY, lambda c, u: processing.case_issue(case=c, by=u)),
}
ALLOWED = {
    "accept": {"operator", "admin"}, "return": {"operator", "admin"}, "send": {"operator", "admin"},
    "issue": {"operator", "admin"},
    "grant": {"executor"}, "refuse": {"executor"}, "ready": {"executor"},
}
PEOPLE = ("resident", "applicant", "operator", "executor", "other_executor", "controller", "admin",
          "stranger_operator")


@pytest.mark.parametrize("step", list(STEPS))
def test_permission_matrix_of_each_step(scoped_casework, step):
    w = scoped_casework
    status, run = STEPS[step]
    for person in PEOPLE:
        case = cw.make_case(w.service, applicant=w.applicant, status=status)
        user = getattr(w, person)
        if person in ALLOWED[step]:
            run(case, user)
            case.refresh_from_db()
            assert case.status != status, (step, person)
        else:
            with pytest.raises(DomainError) as error:
                run(case, user)
            assert error.value.status_code == 403, (step, person)
            case.refresh_from_db()
            assert case.status == status and not _messages(case), (step, person)
