"""Signing rules and bad input: clear errors, nothing changes, counts stay exact."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition, PetitionPolicy, PetitionStatus, Signature
from hromada.core.api.errors import DomainError
from hromada.core.calendar import KYIV
from hromada.testing import factories

pytestmark = pytest.mark.django_db
S = PetitionStatus


def exact(petition) -> int:
    """The stored count, after checking it equals the active signature rows."""
    stored = Petition.objects.get(pk=petition.pk).signature_count
    rows = Signature.objects.filter(petition=petition, withdrawn_at__isnull=True, invalidated_at__isnull=True).count()
    assert stored == rows
    return stored


def refused(code: str, **kwargs):
    with pytest.raises(DomainError) as caught:
        actions.petition_sign(**kwargs)
    assert caught.value.code == code, caught.value.detail
    return caught.value


def test_signing_twice_in_a_row_is_refused_and_counted_once(make_petition, scoped, person):
    petition = make_petition(threshold=10)
    signer = person()
    actions.petition_sign(petition=petition, person=signer)
    error = refused("already_signed", petition=petition, person=signer)
    assert error.status_code == 409 and "already signed" in str(error.detail)
    assert exact(petition) == 2  # the author and the signer


def test_author_cannot_sign_twice(make_petition, scoped, author):
    petition = make_petition()
    refused("already_signed", petition=petition, person=author)
    assert exact(petition) == 1


@pytest.mark.parametrize("level", [IdentityLevel.UNVERIFIED, IdentityLevel.EMAIL, IdentityLevel.PHONE])
def test_only_verified_identity_signs(make_petition, scoped, person, level):
    petition = make_petition()
    error = refused("identity_not_verified", petition=petition, person=person(level=level))
    assert error.status_code == 403 and "verified identity" in str(error.detail)
    assert exact(petition) == 1


def test_minimum_age_is_checked_on_the_day(make_petition, scoped, community, person):
    community.petition_min_age = 16
    community.save()
    petition = make_petition(threshold=10)
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=KYIV), tick=False):
        error = refused("too_young", petition=petition, person=person(birth_date=date(2010, 6, 16)))
        assert "from the age of 16" in str(error.detail)
        actions.petition_sign(petition=petition, person=person(birth_date=date(2010, 6, 15)))  # 16 today
    refused("birth_date_unknown", petition=petition, person=person(birth_date=None))
    assert exact(petition) == 2


def test_residents_only_or_anyone_verified(make_petition, scoped, community, other_community, person):
    petition = make_petition(threshold=10)
    outsider = person(community=other_community)
    error = refused("not_resident", petition=petition, person=outsider)
    assert "Only residents of Kyiv City Community" in str(error.detail)
    PetitionPolicy.objects.filter(community=community).update(signers="any_verified")
    actions.petition_sign(petition=petition, person=outsider)
    assert exact(petition) == 2


@pytest.mark.parametrize(("state", "code"), [("draft", "petition_not_published"),
                                             ("moderation", "petition_not_published"),
                                             ("rejected", "petition_not_published")])
def test_unpublished_petitions_cannot_be_signed(make_petition, scoped, person, state, code):
    petition = make_petition(state)
    refused(code, petition=petition, person=person())
    assert Signature.objects.filter(petition=petition).count() == 0


def test_closed_and_answered_petitions_cannot_be_signed(make_petition, scoped, person, controller):
    petition = make_petition(threshold=1)
    actions.petition_start_consideration(petition=petition, by=controller)
    refused("petition_closed", petition=petition, person=person())
    actions.petition_answer(petition=petition, by=controller, decision="not_supported", text="Ні.")
    error = refused("petition_answered", petition=petition, person=person())
    assert "already been answered" in str(error.detail)
    assert exact(petition) == 1


def test_period_boundaries(make_petition, scoped, person):
    petition = make_petition(threshold=10)
    ends = petition.collection_ends_at
    with time_machine.travel(ends, tick=False):
        actions.petition_sign(petition=petition, person=person())  # the last moment still counts
    with time_machine.travel(ends.timestamp() + 1, tick=False):
        error = refused("collection_ended", petition=petition, person=person())
        assert "ended on" in str(error.detail)
    assert exact(petition) == 2


def test_withdraw_then_sign_again_keeps_one_active_signature(make_petition, scoped, person):
    petition = make_petition(threshold=10)
    signer = person()
    actions.petition_sign(petition=petition, person=signer)
    actions.petition_withdraw_signature(petition=petition, person=signer)
    assert exact(petition) == 1
    with pytest.raises(DomainError) as twice:
        actions.petition_withdraw_signature(petition=petition, person=signer)
    assert twice.value.code == "not_signed"
    actions.petition_sign(petition=petition, person=signer)
    refused("already_signed", petition=petition, person=signer)
    assert exact(petition) == 2
    rows = Signature.objects.filter(petition=petition, person=signer).order_by("id")
    assert [row.withdrawn_at is None for row in rows] == [False, True]  # history kept, one active


def test_withdrawal_below_threshold_reopens_collection(make_petition, scoped, person):
    petition = make_petition(threshold=2)
    signer = person()
    actions.petition_sign(petition=petition, person=signer)
    assert Petition.objects.get(pk=petition.pk).status == S.THRESHOLD_REACHED
    actions.petition_withdraw_signature(petition=petition, person=signer)
    petition.refresh_from_db()
    assert petition.status == S.COLLECTING and petition.consideration_due_at is None
    actions.petition_sign(petition=petition, person=signer)
    petition.refresh_from_db()
    assert petition.status == S.THRESHOLD_REACHED and petition.consideration_due_at is not None


def test_withdrawal_after_collection_closed_is_refused(make_petition, scoped, person, controller):
    petition = make_petition(threshold=2)
    signer = person()
    actions.petition_sign(petition=petition, person=signer)
    actions.petition_start_consideration(petition=petition, by=controller)
    with pytest.raises(DomainError) as closed:
        actions.petition_withdraw_signature(petition=petition, person=signer)
    assert closed.value.code == "petition_closed"
    assert exact(petition) == 2


def test_signing_in_person_by_operator_is_audited(make_petition, scoped, community, staff, person):
    from hromada.apps.accounts.models import tax_number_hash
    from hromada.core.audit.models import AuditRecord

    petition = make_petition(threshold=10)
    operator = staff("operator")
    resident = person(full_name="Ганна Паперова")
    resident.tax_number_hash = tax_number_hash("3012345678")
    resident.save()
    signature = actions.petition_sign_in_person(petition=petition, operator=operator, tax_number="30 1234 5678")
    assert signature.person == resident and signature.operator == operator and signature.channel == "in_person"
    record = AuditRecord.objects.get(action="petitions.sign_in_person")
    assert (record.actor, record.on_behalf_of) == (operator, resident)
    with pytest.raises(DomainError) as again:
        actions.petition_sign_in_person(petition=petition, operator=operator, tax_number="3012345678")
    assert again.value.code == "already_signed"
    with pytest.raises(DomainError) as unknown:
        actions.petition_sign_in_person(petition=petition, operator=operator, tax_number="3099999999")
    assert unknown.value.code == "person_not_found" and unknown.value.field == "tax_number"
    with pytest.raises(DomainError) as not_operator:
        actions.petition_sign_in_person(petition=petition, operator=person(), tax_number="3012345678")
    assert not_operator.value.code == "forbidden"
    assert exact(petition) == 2
    assert AuditRecord.objects.filter(action="petitions.sign_in_person").count() == 1


@pytest.mark.parametrize(("title", "text", "code", "field"), [
    ("<script>alert(1)</script>", "Текст", "markup_not_allowed", "title"),
    ("Заголовок", "Дивіться <img src=x onerror=alert(1)>", "markup_not_allowed", "text"),
    ("Заголовок", "x" * (1024 * 1024), "too_long", "text"),
    ("Заголовок", "x" * 10_001, "too_long", "text"),
    ("З" * 201, "Текст", "too_long", "title"),
    ("   ", "Текст", "required", "title"),
    ("Заголовок", "\x00\x01 \n\t", "required", "text"),
])
def test_bad_petition_text_is_refused_and_nothing_is_saved(community, scoped, author, title, text, code, field):
    with pytest.raises(DomainError) as caught:
        actions.petition_create(community=community, author=author, title=title, text=text)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Petition.objects.exists()


def test_one_megabyte_text_gets_a_readable_error(community, scoped, author):
    with pytest.raises(DomainError) as caught:
        actions.petition_create(community=community, author=author, title="Т", text="я" * (1024 * 1024))
    assert str(caught.value.detail) == "The text is too long: 1 048 576 characters, at most 10 000 are allowed."


def test_plain_text_is_normalised_but_comparisons_are_allowed(community, scoped, author):
    petition = actions.petition_create(community=community, author=author, title="  Швидкість   < 30 км/год ",
                                       text="Якщо a < b та c > d,\r\n\r\n\r\n\r\nто\x00 так.\u202e")
    assert petition.title == "Швидкість < 30 км/год"
    assert petition.text == "Якщо a < b та c > d,\n\nто так."


def test_errors_come_in_the_users_language(make_petition, scoped, person):
    from django.utils import translation

    petition = make_petition()
    with translation.override("uk"):
        error = refused("identity_not_verified", petition=petition, person=person(level=IdentityLevel.EMAIL))
        assert "підтвердженою особою" in str(error.detail)


def test_staff_of_another_community_cannot_moderate_here(make_petition, scoped, other_community):
    petition = make_petition("moderation")
    outsider = factories.make_staff(other_community, "moderator")
    with pytest.raises(DomainError) as caught:
        actions.petition_moderate(petition=petition, by=outsider, publish=True)
    assert caught.value.code == "forbidden"
    assert Petition.objects.get(pk=petition.pk).status == S.MODERATION
