"""The demo's cases: every status, reached through the actions, with real timelines and notices."""

import pytest

from hromada.apps.services.demo_cases import PATHS, make_demo_cases
from hromada.apps.services.models import CaseStatus, ServiceCase, ServiceCaseEvent
from hromada.core import tenancy
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_status_with_their_timelines(casework):
    w = casework
    cases = make_demo_cases(w.community, [w.service, w.aid], [w.centre, w.north], operator=w.operator,
                            executors=[w.executor, w.other_executor], applicants=[w.applicant, w.resident])
    with tenancy.scope(w.community):
        statuses = set(ServiceCase.objects.values_list("status", flat=True))
        assert statuses == set(CaseStatus.values)
        for case in cases:
            kinds = list(ServiceCaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("kind",
                                                                                                       flat=True))
            assert kinds == ["submit", *PATHS[case.status]], case.status
        refused = ServiceCase.objects.get(status=CaseStatus.REFUSED)
        assert refused.refusal_ground in refused.card["refusal_grounds"]
        issued = ServiceCase.objects.filter(status=CaseStatus.ISSUED).first()
        assert issued.submitted_at < issued.accepted_at < issued.decided_at < issued.issued_at
        assert any(c.is_overdue for c in ServiceCase.objects.all())
    assert Message.objects.filter(kind="services.issued").exists()
    assert Message.objects.filter(kind="services.withdrawn").exists()
    # A second run adds nothing.
    assert make_demo_cases(w.community, [w.service], [w.centre], operator=w.operator,
                           executors=[w.executor], applicants=[w.applicant]) == []
