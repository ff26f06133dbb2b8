"""Who may do what: every role × every petition action, through the pages and endpoints people use.

A cell is True when the action takes effect (the petition changes, the report opens); every
refused attempt must leave the petition as it was and answer without a server error.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hromada.apps.accounts.models import IdentityLevel, tax_number_hash
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition
from hromada.core import tenancy
from hromada.testing import factories

pytestmark = pytest.mark.django_db
BASE = "/c/kyiv/petitions/"
ADULT = date(1985, 5, 5)

ROLES = ["anonymous", "unverified", "verified", "author", "operator", "executor", "controller", "moderator",
         "admin", "other_community_admin"]
ACTIONS = ["create", "submit", "moderate", "sign", "sign_in_person", "answer", "invalidate", "trending"]
ALLOWED = {
    "create": {"verified", "author", "operator", "executor", "controller", "moderator", "admin"},
    "submit": {"author"},
    "moderate": {"moderator", "admin"},
    # The author signed at publication; staff sign as residents like anyone else.
    "sign": {"verified", "operator", "executor", "controller", "moderator", "admin"},
    "sign_in_person": {"operator", "admin"},
    "answer": {"controller", "admin"},
    "invalidate": {"moderator", "admin"},
    "trending": {"moderator", "admin"},
}


def user_for(role, community, other_community, author):
    if role == "anonymous":
        return None
    if role == "author":
        return author
    if role == "unverified":
        return factories.make_user(community=community, level=IdentityLevel.EMAIL, birth_date=ADULT)
    if role == "verified":
        return factories.make_user(community=community, level=IdentityLevel.VERIFIED, birth_date=ADULT)
    if role == "other_community_admin":
        return factories.make_staff(other_community, "admin", birth_date=ADULT)
    return factories.make_staff(community, role, birth_date=ADULT)


def count_of(community, petition) -> tuple[str, int]:
    with tenancy.scope(community):
        fresh = Petition.objects.get(pk=petition.pk)
    return fresh.status, fresh.signature_count


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, action, community, other_community, author, make_petition, controller, person):
    user = user_for(role, community, other_community, author)
    client = Client()
    if user is not None:
        client.force_login(user)

    if action == "create":
        response = client.post(f"{BASE}new/", {"title": "Matrix petition", "text": "Text."})
        with tenancy.scope(community):
            took_effect = Petition.objects.filter(title="Matrix petition").exists()
    elif action == "trending":
        response = client.get(f"{BASE}office/trending/")
        took_effect = response.status_code == 200
    else:
        state = {"submit": "draft", "moderate": "moderation"}.get(action, "collecting")
        petition = make_petition(state, threshold=1 if action == "answer" else 100)
        if action == "answer":
            with tenancy.scope(community):
                actions.petition_start_consideration(petition=petition, by=controller)
        if action == "invalidate":
            with tenancy.scope(community):
                actions.petition_sign(petition=petition, person=person(), ip="192.0.2.7")
        before = count_of(community, petition)
        if action == "submit":
            response = client.post(f"{BASE}{petition.pk}/submit/")
        elif action == "moderate":
            response = client.post(f"{BASE}office/{petition.pk}/moderate/", {"decision": "publish"})
        elif action == "sign":
            response = client.post(f"{BASE}{petition.pk}/sign/")
        elif action == "sign_in_person":
            resident = person()
            resident.tax_number_hash = tax_number_hash("3111111111")
            resident.save()
            response = client.post(f"{BASE}office/{petition.pk}/sign-in-person/", {"tax_number": "3111111111"})
        elif action == "answer":
            response = client.post(f"{BASE}office/{petition.pk}/answer/", {"decision": "supported", "text": "Так."})
        else:
            response = client.post(f"{BASE}office/{petition.pk}/invalidate/", {"ip": "192.0.2.7", "reason": "Бот"})
        after = count_of(community, petition)
        took_effect = after != before
        if not took_effect:
            assert after == before
    assert response.status_code < 500
    assert took_effect == (role in ALLOWED[action]), (role, action, response.status_code)
    if role == "anonymous" and action != "sign":
        assert response.status_code in (302, 404) and (response.status_code == 404
                                                       or "/accounts/login/" in response["Location"])

