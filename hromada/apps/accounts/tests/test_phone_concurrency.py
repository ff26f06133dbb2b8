"""Asking for an SMS code several times at once sends one code (at most one a minute per person)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from hromada.apps.accounts import actions
from hromada.apps.accounts.models import PhoneConfirmation
from hromada.core.notifications.models import Message
from hromada.testing.concurrency import POSTGRES_RACE, run_together
from hromada.testing.factories import make_user

pytestmark = POSTGRES_RACE


def test_codes_asked_for_at_once_send_one_sms(community):
    person = make_user(email="phone@example.test")

    outcomes = run_together([lambda: actions.phone_confirmation_start(user=person, phone="0671234567")
                             for _ in range(6)])

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 5 and all("less than a minute ago" in str(o) for o in refused), outcomes
    assert PhoneConfirmation.objects.filter(user=person).count() == 1
    assert Message.objects.filter(kind="accounts.confirm_phone").count() == 1
