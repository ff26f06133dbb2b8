"""The sign-in, registration and cabinet pages as a person meets them."""

from __future__ import annotations

import pytest

from hromada.testing.factories import PASSWORD, make_user

LOGIN = "/c/kyiv/accounts/login/"
REGISTER = "/c/kyiv/accounts/register/"
CABINET = "/c/kyiv/accounts/cabinet/"

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_refused_with_a_summary_that_links_to_the_field(client, community):
    make_user(email="olena@example.test", community=community)
    response = client.post(LOGIN, {"username": "olena@example.test", "password": "not-it-123"},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in page and "<title>Error:" in page
    assert not client.session.get("_auth_user_id")


def test_sign_in_and_registration_fields_let_the_browser_fill_them(client, community):
    sign_in = client.get(LOGIN).content.decode()
    assert 'autocomplete="email"' in sign_in and 'autocomplete="current-password"' in sign_in
    register = client.get(REGISTER).content.decode()
    for token in ("name", "email", "new-password"):
        assert f'autocomplete="{token}"' in register, token


def test_registration_errors_are_summed_up_above_the_form(client, community):
    response = client.post(REGISTER, {"full_name": "Ірина", "email": "not-an-address", "password": "x",
                                      "password_again": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in page and 'href="#id_email"' in page


def test_cabinet_shows_the_services_as_cards_linking_to_them(client, community):
    person = make_user(email="olena@example.test", community=community)
    client.force_login(person)
    page = client.get(CABINET, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<article class="card">' in page
    assert '<a href="/c/kyiv/appeals/mine/">My appeals</a>' in page
    assert "Confirm a phone number" in page and PASSWORD not in page
