"""Two admins appointing the same person to the same role at the same moment make one role, not two
(removing it once would otherwise leave the person holding it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from hromada.apps.accounts.models import StaffRole
from hromada.apps.communities import actions
from hromada.core import tenancy
from hromada.testing.concurrency import POSTGRES_RACE, run_together
from hromada.testing.factories import make_staff, make_user

pytestmark = POSTGRES_RACE


def test_parallel_appointments_of_one_role_make_one_row(community):
    admins = [make_staff(community, "admin") for _ in range(6)]
    person = make_user(email="operator-to-be@example.test")

    def appoint(admin):
        with tenancy.scope(community):
            return actions.staff_appoint(community=community, by=admin, email=person.email, role="operator")

    outcomes = run_together([lambda a=a: appoint(a) for a in admins])

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == len(admins) - 1, outcomes
    assert all("already holds this role" in str(o) for o in refused)
    with tenancy.scope(community):
        assert StaffRole.objects.filter(user=person, role="operator").count() == 1
