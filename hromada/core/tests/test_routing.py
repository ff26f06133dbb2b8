"""Which community a request is served for: host name, own domain, or the `/c/<slug>/` prefix."""

from __future__ import annotations

import pytest

from hromada.testing import factories


@pytest.fixture
def kyiv_with_domain(community):
    community.domain = "rada.kyiv.test"
    community.save(update_fields=["domain"])
    return community


@pytest.mark.parametrize(("host", "path"), [
    ("kyiv.example.org", "/"),
    ("KYIV.example.org:8443", "/"),
    ("rada.kyiv.test", "/"),
    ("testserver", "/c/kyiv/"),
    ("testserver", "/c/kyiv"),
])
def test_community_home_is_served_on_each_address(client, kyiv_with_domain, other_community, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kyiv City Community" in page
    assert "Lviv City Community" not in page


@pytest.mark.parametrize("host", ["nowhere.example.org", "unknown.test"])
def test_unknown_host_is_a_clear_404(client, community, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Unknown community" in page
    assert "No community is served at this address" in page


def test_unknown_host_api_gets_json_404(client, community):
    response = client.get("/api/v1/community/", HTTP_HOST="nowhere.example.org")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "http_404"


def test_unknown_prefix_is_a_clear_404(client, community):
    response = client.get("/c/unknown/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Unknown community" in page
    assert "There is no community “unknown” on this platform." in page


def test_inactive_community_is_not_served(client, community):
    community.is_active = False
    community.save(update_fields=["is_active"])
    assert client.get("/c/kyiv/").status_code == 404
    assert client.get("/", HTTP_HOST="kyiv.example.org").status_code == 404


def test_platform_host_lists_communities(client, community, other_community):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Communities on this platform" in page
    assert 'href="/c/kyiv/"' in page and 'href="/c/lviv/"' in page


def test_platform_home_hides_inactive_communities(client, community, other_community):
    other_community.is_active = False
    other_community.save(update_fields=["is_active"])
    page = client.get("/").content.decode()
    assert 'href="/c/kyiv/"' in page
    assert 'href="/c/lviv/"' not in page


def test_links_on_a_prefixed_page_keep_the_prefix(client, community):
    page = client.get("/c/kyiv/").content.decode()
    assert 'href="/c/kyiv/accounts/login/"' in page
    assert 'href="/c/kyiv/accounts/register/"' in page
    assert 'action="/c/kyiv/i18n/setlang/"' in page


def test_links_on_a_host_page_have_no_prefix(client, community):
    page = client.get("/", HTTP_HOST="kyiv.example.org").content.decode()
    assert 'href="/accounts/login/"' in page
    assert "/c/kyiv/" not in page


def test_prefix_does_not_leak_into_the_next_request(client, community):
    client.get("/c/kyiv/")
    page = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in page
    assert 'href="/c/kyiv/accounts/login/"' not in page


def test_prefixed_login_page_is_served(client, community):
    response = client.get("/c/kyiv/accounts/login/")
    assert response.status_code == 200
    assert "Kyiv City Community" in response.content.decode()


def test_api_on_host_and_prefix_describe_the_same_community(client, community, other_community):
    by_prefix = client.get("/c/kyiv/api/v1/community/").json()
    by_host = client.get("/api/v1/community/", HTTP_HOST="kyiv.example.org").json()
    assert by_prefix == by_host
    assert by_prefix["slug"] == "kyiv"
    assert client.get("/c/lviv/api/v1/community/").json()["slug"] == "lviv"


def test_platform_host_is_not_a_community(client, community):
    # The community API does not exist on the platform's own host without a prefix.
    assert client.get("/api/v1/community/").status_code == 404


def test_community_created_later_is_served_immediately(client, db):
    factories.make_community("odesa", name_en="Odesa City Community")
    assert "Odesa City Community" in client.get("/c/odesa/").content.decode()


@pytest.mark.parametrize(("host", "path"), [("nowhere.example.org", "/"), ("testserver", "/c/unknown/")])
@pytest.mark.parametrize(("accept", "lang"), [("en", "en"), ("uk", "uk"), ("", "uk")])
def test_unknown_community_page_speaks_the_visitors_language(client, community, settings, host, path, accept, lang):
    settings.LANGUAGE_CODE = "uk"
    response = client.get(path, HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.content.decode()


def test_resolved_community_is_remembered_but_a_change_is_seen_at_once(client, community, django_assert_num_queries):
    client.get("/c/kyiv/healthz")
    with django_assert_num_queries(1):  # the health check's own SELECT 1 only
        assert client.get("/c/kyiv/healthz").status_code == 200
    community.is_active = False
    community.save()
    assert client.get("/c/kyiv/healthz").status_code == 404


def test_queryset_update_is_also_seen_once_the_ttl_passes(client, community, monkeypatch):
    from hromada.apps.communities.models import Community
    from hromada.core import memo
    from hromada.core.tenancy import middleware

    client.get("/c/kyiv/healthz")
    Community.objects.filter(pk=community.pk).update(is_active=False)  # no signal
    assert client.get("/c/kyiv/healthz").status_code == 200  # remembered for a few seconds
    later = memo.time.monotonic() + middleware.RESOLVE_TTL_SECONDS + 1
    monkeypatch.setattr(memo.time, "monotonic", lambda: later)
    assert client.get("/c/kyiv/healthz").status_code == 404
