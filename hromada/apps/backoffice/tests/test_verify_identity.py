"""The CNAP desk: an operator verifies a resident's identity in person."""

import pytest

from hromada.apps.accounts.models import IdentityLevel, User, VerificationMethod, tax_number_hash
from hromada.core.audit.models import AuditRecord
from hromada.testing.factories import make_staff, make_user

VERIFY = "/c/kyiv/office/verify/"


def _form(person, **overrides):
    data = {"email": person.email.upper(), "full_name": "Коваль Ірина Степанівна", "tax_number": "2987654321",
            "birth_date": "1979-03-15", "document": "id_card"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "expected"),
    [("operator", 200), ("admin", 200), ("executor", 403), ("controller", 403), ("moderator", 403),
     ("resident", 403), ("anonymous", 302)],
)
def test_only_operators_and_admins_verify(client, community, staff, role, expected):
    if role == "resident":
        client.force_login(make_user(community=community, level=IdentityLevel.VERIFIED))
    elif role != "anonymous":
        client.force_login(staff(role))

    response = client.get(VERIFY)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/c/kyiv/accounts/login/")


def test_operator_of_another_community_is_refused(client, community, other_community):
    client.force_login(make_staff(other_community, "operator"))
    assert client.get(VERIFY).status_code == 403


def test_verification_is_recorded_with_the_operator(client, community, staff, resident):
    operator = staff("operator")
    client.force_login(operator)

    response = client.post(VERIFY, _form(resident))

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.identity_level == IdentityLevel.VERIFIED
    assert resident.verification_method == VerificationMethod.IN_PERSON
    assert resident.verified_by == operator
    assert resident.full_name == "Коваль Ірина Степанівна"
    assert resident.tax_number_hash == tax_number_hash("2987654321")
    record = AuditRecord.objects.get(action="accounts.verify_in_person")
    assert (record.actor, record.on_behalf_of, record.community) == (operator, resident, community)
    # the kind of document is kept, never its number or the tax number
    assert record.data["document"] == "id_card"
    assert "2987654321" not in str(record.data)
    assert "verified" in client.get(response["Location"]).content.decode()


def test_second_account_with_the_same_tax_number_is_refused(client, community, staff, resident):
    make_user(community=community, level=IdentityLevel.VERIFIED, email="first@example.test")
    User.objects.filter(email="first@example.test").update(tax_number_hash=tax_number_hash("2987654321"))
    client.force_login(staff("operator"))

    response = client.post(VERIFY, _form(resident))

    assert response.status_code == 400
    assert "Another account is already verified with this tax number." in response.content.decode()
    resident.refresh_from_db()
    assert resident.identity_level == IdentityLevel.EMAIL and resident.tax_number_hash is None
    assert not AuditRecord.objects.filter(action="accounts.verify_in_person").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"email": "nobody@example.test"}, "There is no account with this e-mail."),
     ({"tax_number": "12345abcde"}, "The tax number (RNOKPP) has exactly 10 digits.")],
)
def test_bad_input_changes_nothing(client, community, staff, resident, overrides, message):
    client.force_login(staff("operator"))

    response = client.post(VERIFY, _form(resident, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    resident.refresh_from_db()
    assert resident.identity_level == IdentityLevel.EMAIL


def test_operator_cannot_verify_themselves(client, community, staff):
    operator = staff("operator")
    User.objects.filter(pk=operator.pk).update(identity_level=IdentityLevel.EMAIL)
    client.force_login(operator)

    response = client.post(VERIFY, _form(operator))

    assert response.status_code == 400
    assert "You cannot verify your own account" in response.content.decode()
    operator.refresh_from_db()
    assert operator.identity_level == IdentityLevel.EMAIL


def test_back_office_lists_the_desk_for_operators_only(client, community, staff):
    client.force_login(staff("operator"))
    assert "/c/kyiv/office/verify/" in client.get("/c/kyiv/office/").content.decode()
    client.force_login(staff("executor"))
    assert "/c/kyiv/office/verify/" not in client.get("/c/kyiv/office/").content.decode()
