import re

import pytest
import time_machine
from django.utils import timezone

from hromada.apps.accounts.models import IdentityLevel, PhoneConfirmation, User
from hromada.core.notifications.models import Message


def _sent_code() -> str:
    message = Message.objects.filter(kind="accounts.confirm_phone").latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_phone_is_confirmed_with_the_code_from_the_sms(client, resident):
    client.force_login(resident)
    response = client.post("/c/kyiv/accounts/phone/", {"phone": "067 123 45 67", "send": "1"})
    assert response.status_code == 302
    message = Message.objects.get(kind="accounts.confirm_phone")
    assert (message.channel, message.address) == ("sms", "+380671234567")
    response = client.post("/c/kyiv/accounts/phone/", {"code": _sent_code(), "confirm": "1"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.phone == "+380671234567"
    assert resident.identity_level == IdentityLevel.PHONE


def test_verified_person_keeps_the_higher_level(client, verified_resident):
    client.force_login(verified_resident)
    client.post("/c/kyiv/accounts/phone/", {"phone": "+380501112233", "send": "1"})
    client.post("/c/kyiv/accounts/phone/", {"code": _sent_code(), "confirm": "1"})
    verified_resident.refresh_from_db()
    assert verified_resident.identity_level == IdentityLevel.VERIFIED
    assert verified_resident.phone == "+380501112233"


@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0101", "не номер", "+38067123456789"])
def test_bad_numbers_are_refused_and_nothing_is_sent(client, resident, phone):
    client.force_login(resident)
    response = client.post("/c/kyiv/accounts/phone/", {"phone": phone, "send": "1"})
    assert response.status_code == 400
    assert "Ukrainian mobile number" in response.content.decode()
    assert not Message.objects.filter(kind="accounts.confirm_phone").exists()


def test_wrong_code_counts_tries_and_locks_after_five(client, resident):
    client.force_login(resident)
    client.post("/c/kyiv/accounts/phone/", {"phone": "0671234567", "send": "1"})
    good = _sent_code()
    bad = "000000" if good != "000000" else "111111"
    for _ in range(PhoneConfirmation.MAX_ATTEMPTS):
        response = client.post("/c/kyiv/accounts/phone/", {"code": bad, "confirm": "1"})
        assert response.status_code == 400 and "The code is wrong." in response.content.decode()
    response = client.post("/c/kyiv/accounts/phone/", {"code": good, "confirm": "1"})
    assert "expired" in response.content.decode()
    assert User.objects.get(pk=resident.pk).identity_level == IdentityLevel.EMAIL


def test_code_expires_after_ten_minutes(client, resident):
    client.force_login(resident)
    client.post("/c/kyiv/accounts/phone/", {"phone": "0671234567", "send": "1"})
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        response = client.post("/c/kyiv/accounts/phone/", {"code": _sent_code(), "confirm": "1"})
    assert response.status_code == 400
    assert User.objects.get(pk=resident.pk).phone == ""


def test_second_code_within_a_minute_is_refused(client, resident):
    client.force_login(resident)
    client.post("/c/kyiv/accounts/phone/", {"phone": "0671234567", "send": "1"})
    response = client.post("/c/kyiv/accounts/phone/", {"phone": "0671234567", "send": "1"})
    assert response.status_code == 400
    assert Message.objects.filter(kind="accounts.confirm_phone").count() == 1


def test_phone_page_needs_sign_in(client, community):
    response = client.get("/c/kyiv/accounts/phone/")
    assert response.status_code == 302 and response["Location"].startswith("/c/kyiv/accounts/login/")


def test_codes_by_sms_are_limited_per_person_per_hour(client, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_account": "2/h"}
    client.force_login(resident)
    for _ in range(2):
        assert client.post("/c/kyiv/accounts/phone/", {"phone": "067 123 45 67", "send": "1"}).status_code == 302
        # past the one-code-a-minute rule, well inside the hour
        PhoneConfirmation.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=2))

    refused = client.post("/c/kyiv/accounts/phone/", {"phone": "067 123 45 67", "send": "1"})

    assert refused.status_code == 429 and "Too many codes" in refused.content.decode()
    assert Message.objects.filter(kind="accounts.confirm_phone").count() == 2
