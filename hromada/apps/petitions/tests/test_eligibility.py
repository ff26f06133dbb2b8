"""One signing rule (`eligibility.refusal`) answers every way of signing the same.

The web form, the JSON sign button, the REST API, the operator's in-person signature and the
permission `petitions.sign_petition` refuse the same people with the same code, and admit the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hromada.apps.accounts.models import IdentityLevel, tax_number_hash
from hromada.apps.petitions import actions, eligibility
from hromada.apps.petitions.models import Petition, PetitionPolicy, SignersRule
from hromada.apps.petitions.tests.test_api import token_client
from hromada.core import tenancy
from hromada.core.api.errors import DomainError

pytestmark = pytest.mark.django_db
BASE = "/c/kyiv/petitions/"
API = "/c/kyiv/api/v1/petitions/"


def _by_form(petition: Petition, person: Any, staff: Any) -> str:
    browser = Client()
    browser.force_login(person)
    response = browser.post(f"{BASE}{petition.pk}/sign/", {"form": "1", "notify": "1"}, follow=True,
                            HTTP_ACCEPT_LANGUAGE="en")
    messages = [str(message) for message in response.context["messages"]]
    return "signed" if "Thank you: your signature is counted." in messages else " ".join(messages)


def _by_button(petition: Petition, person: Any, staff: Any) -> str:
    browser = Client()
    browser.force_login(person)
    response = browser.post(f"{BASE}{petition.pk}/sign/", HTTP_ACCEPT="application/json")
    body = json.loads(response.content)
    return "signed" if response.status_code == 200 and body["signed"] else body["errors"][0]["code"]


def _by_api(petition: Petition, person: Any, staff: Any) -> str:
    response = token_client(person).post(f"{API}{petition.pk}/sign/", {}, format="json")
    return "signed" if response.status_code == 201 else response.json()["errors"][0]["code"]


def _in_person(petition: Petition, person: Any, staff: Any) -> str:
    person.tax_number_hash = tax_number_hash(f"30{person.pk:08d}")
    person.save(update_fields=["tax_number_hash"])
    try:
        with tenancy.scope(petition.community):
            actions.petition_sign_in_person(petition=petition, operator=staff("operator"),
                                            tax_number=f"30{person.pk:08d}")
    except DomainError as error:
        return error.code
    return "signed"


PATHS = {"form": _by_form, "button": _by_button, "api": _by_api, "in person": _in_person}
# Who signs, and the code every path refuses them with (None: they may sign).
PEOPLE: dict[str, tuple[dict[str, Any], str | None]] = {
    "verified adult resident": ({}, None),
    "phone only": ({"level": IdentityLevel.PHONE}, "identity_not_verified"),
    "birth date unknown": ({"birth_date": None}, "birth_date_unknown"),
    "lives elsewhere": ({"community": "other"}, "not_resident"),
}
FORM_MESSAGES = {"identity_not_verified": "Only people with a verified identity",
                 "birth_date_unknown": "Your date of birth is not known",
                 "not_resident": "Only residents of"}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", PEOPLE)
def test_every_way_of_signing_admits_and_refuses_the_same_people(make_petition, person, staff, other_community,
                                                                  community, path, who):
    fields, code = PEOPLE[who]
    if fields.get("community") == "other":
        fields = {**fields, "community": other_community}
    with tenancy.scope(community):
        PetitionPolicy.for_community(community)
        PetitionPolicy.objects.filter(community=community).update(signers=SignersRule.RESIDENTS)
    petition = make_petition(threshold=10)
    signer = person(**fields)
    with tenancy.scope(community):
        loaded = Petition.objects.select_related("community").get(pk=petition.pk)
        policy = PetitionPolicy.for_community(community)
        found = eligibility.refusal(signer, loaded, policy)
        assert (found.code if found else None) == code
        assert signer.has_perm("petitions.sign_petition", loaded) is (code is None)
    answer = PATHS[path](petition, signer, staff)
    if code is None:
        assert answer == "signed"
    elif path == "form":
        assert FORM_MESSAGES[code] in answer
    else:
        assert answer == code
    with tenancy.scope(community):
        assert Petition.objects.get(pk=petition.pk).signature_count == (2 if code is None else 1)
