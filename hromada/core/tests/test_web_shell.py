"""The shared web shell: accessibility basics, language, cabinet, back office, admin, error pages."""

from __future__ import annotations

import re

import pytest

from hromada.testing import factories


def test_home_has_a_skip_link_to_main(client, community):
    page = client.get("/c/kyiv/").content.decode()
    assert re.search(r'<a class="skip-link" href="#main">', page)
    assert '<main id="main"' in page
    assert page.index('href="#main"') < page.index("<header")


def test_language_is_ukrainian_by_default_and_switches_to_english(client, community, settings):
    settings.LANGUAGE_CODE = "uk"
    assert '<html lang="uk">' in client.get("/c/kyiv/").content.decode()
    response = client.post("/c/kyiv/i18n/setlang/", {"language": "en", "next": "/c/kyiv/"})
    assert response.status_code == 302
    assert response["Location"] == "/c/kyiv/"
    page = client.get("/c/kyiv/").content.decode()
    assert '<html lang="en">' in page
    assert "Kyiv City Community" in page


def test_language_switch_on_the_community_host(client, community, settings):
    settings.LANGUAGE_CODE = "uk"
    host = "kyiv.example.org"
    assert '<html lang="uk">' in client.get("/", HTTP_HOST=host).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST=host)
    assert '<html lang="en">' in client.get("/", HTTP_HOST=host).content.decode()


def test_community_name_follows_the_language(client, community, settings):
    settings.LANGUAGE_CODE = "uk"
    assert "Київська міська громада" in client.get("/c/kyiv/").content.decode()
    assert "Kyiv City Community" in client.get("/c/kyiv/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize(("host", "path", "login"), [
    ("testserver", "/c/kyiv/accounts/cabinet/", "/c/kyiv/accounts/login/?next=/c/kyiv/accounts/cabinet/"),
    ("kyiv.example.org", "/accounts/cabinet/", "/accounts/login/?next=/accounts/cabinet/"),
    ("testserver", "/c/kyiv/office/", "/c/kyiv/accounts/login/?next=/c/kyiv/office/"),
])
def test_cabinet_and_office_require_login(client, community, host, path, login):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 302
    assert response["Location"] == login


def test_cabinet_opens_for_a_signed_in_resident(client, community, resident):
    client.force_login(resident)
    response = client.get("/c/kyiv/accounts/cabinet/")
    assert response.status_code == 200
    assert 'href="/c/kyiv/accounts/cabinet/"' in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [
    (None, 403),
    ("operator", 200),
    ("executor", 200),
    ("controller", 200),
    ("moderator", 200),
    ("admin", 200),
])
def test_back_office_is_for_staff_only(client, community, resident, staff, role, status):
    user = staff(role) if role else resident
    client.force_login(user)
    response = client.get("/c/kyiv/office/")
    assert response.status_code == status
    if status == 403:
        page = response.content.decode()
        assert "Access denied" in page
        assert "<html" in page


def test_staff_of_another_community_is_refused(client, community, other_community):
    lviv_admin = factories.make_staff(other_community, "admin")
    client.force_login(lviv_admin)
    assert client.get("/c/kyiv/office/").status_code == 403
    assert client.get("/c/lviv/office/").status_code == 200


def test_django_admin_refuses_a_community_admin(client, community, staff):
    client.force_login(staff("admin"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_django_admin_admits_a_platform_superuser(client, community):
    factories.make_district(community, {"type": "Polygon", "coordinates": [
        [[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.0]]]}, name_uk="Район для адміна")
    superuser = factories.make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    changelist = client.get("/admin/communities/district/")
    assert changelist.status_code == 200
    assert "Район для адміна" in changelist.content.decode()


def test_django_admin_is_not_served_on_a_community_address(client, community):
    superuser = factories.make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/c/kyiv/admin/").status_code == 404
    assert client.get("/admin/", HTTP_HOST="kyiv.example.org").status_code == 404


@pytest.mark.parametrize(("host", "path"), [
    ("testserver", "/c/kyiv/no-such-page/"),
    ("kyiv.example.org", "/no-such-page/"),
    ("testserver", "/no-such-page/"),
])
def test_404_page_is_html_with_the_message(client, community, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "There is no such page. Check the address." in page


def test_404_page_keeps_the_community_shell(client, community):
    page = client.get("/c/kyiv/no-such-page/").content.decode()
    assert "Kyiv City Community" in page
    assert 'href="/c/kyiv/accounts/login/"' in page


def test_404_in_ukrainian(client, community, settings):
    settings.LANGUAGE_CODE = "uk"
    response = client.get("/c/kyiv/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="uk">' in response.content.decode()


def test_health_check(client, community):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/c/kyiv/healthz").json() == {"status": "ok"}


def test_error_page_links_back_to_the_community_home(client, community):
    page = client.get("/c/kyiv/no-such-page/")
    assert page.status_code == 404
    assert 'href="/c/kyiv/"' in page.content.decode()
    platform_page = client.get("/no-such-page/")
    assert 'href="/"' in platform_page.content.decode()
