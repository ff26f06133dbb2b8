"""One rating per case, proven with parallel requests on PostgreSQL: the service's tally moves once."""

from __future__ import annotations

from django.test import Client

from hromada.apps.services.actions import intake
from hromada.apps.services.models import CaseStatus, Service, ServiceCase
from hromada.apps.services.tests.fixtures_apply import pdf_upload
from hromada.core import tenancy
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE
REQUESTS = 10


def test_parallel_ratings_of_one_case_count_once(community, resident, birth_service, answers):
    with tenancy.scope(community):
        case = intake.submit_application(service=birth_service, user=resident, data=answers,
                                         files={"certificate": pdf_upload()})
        ServiceCase.objects.filter(pk=case.pk).update(status=CaseStatus.ISSUED)
    client = Client()
    client.force_login(resident)
    cookies = client.cookies

    def rate(stars: int) -> int:
        device = Client()
        device.cookies = cookies
        return device.post(f"/c/kyiv/services/cases/{case.number}/rate/", {"rating": str(stars)}).status_code

    statuses = run_together([lambda s=1 + i % 5: rate(s) for i in range(REQUESTS)])

    assert sorted(statuses) == [302] + [409] * (REQUESTS - 1)
    with tenancy.scope(community):
        case.refresh_from_db()
        service = Service.objects.get(pk=birth_service.pk)
        assert service.rating_count == 1 and service.rating_sum == case.rating
        assert case.events.filter(kind="rate").count() == 1


def test_parallel_applications_get_distinct_numbers(community, resident, birth_service, answers):
    def submit() -> str:
        with tenancy.scope(community):
            return intake.submit_application(service=birth_service, user=resident, data=answers,
                                             files={"certificate": pdf_upload()}).number

    numbers = run_together([submit for _ in range(REQUESTS)])

    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == REQUESTS
