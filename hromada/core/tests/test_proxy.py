"""The trusted-proxy rule (hromada.core.proxy) and HTTPS-only mode, through the real WSGI application."""

from __future__ import annotations

import ipaddress
from urllib.parse import parse_qs, urlsplit

import pytest

from hromada.core import proxy
from hromada.testing import wsgi
from hromada.testing.factories import make_community
from hromada.testing.oidc_provider import OIDCTestProvider

BALANCER = "10.0.0.5"
SECRET = wsgi.CSRF_SECRET


@pytest.fixture
def balancer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8:1::/48"]


@pytest.mark.parametrize(("peer", "forwarded_for", "proto", "client", "scheme"), [
    # from the balancer: the right-most entry that is not a trusted proxy
    ("10.0.0.5", "198.51.100.7", "https", "198.51.100.7", "https"),
    ("10.0.0.5", "6.6.6.6, 198.51.100.7", "https", "198.51.100.7", "https"),
    ("10.0.0.5", "198.51.100.7, 10.0.0.9", "http", "198.51.100.7", "http"),  # two balancers in a row
    ("10.0.0.5", "", "https", "10.0.0.5", "https"),
    ("10.0.0.5", "10.0.0.8, 10.0.0.9", "", "10.0.0.8", "http"),  # only proxies: the furthest one
    ("10.0.0.5", "6.6.6.6, not-an-address, 198.51.100.7", "", "198.51.100.7", "http"),
    ("10.0.0.5", "6.6.6.6, 10.0.0.9, not-an-address", "", "10.0.0.5", "http"),  # garbage: keep the last proxy
    ("10.0.0.5", "[2001:db8:2::7]:4711", "https", "2001:db8:2::7", "https"),
    ("2001:db8:1::2", "198.51.100.7:51234", "https", "198.51.100.7", "https"),
    ("::ffff:10.0.0.5", "198.51.100.7", "https", "198.51.100.7", "https"),
    # from anyone else: nothing they say is believed
    ("192.0.2.10", "198.51.100.7", "https", "192.0.2.10", "http"),
    ("10.0.1.5", "198.51.100.7", "https", "10.0.1.5", "http"),
])
def test_forwarded_headers_are_believed_only_from_trusted_proxies(peer, forwarded_for, proto, client, scheme):
    environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http", "HTTP_X_FORWARDED_FOR": forwarded_for,
               "HTTP_X_FORWARDED_PROTO": proto}
    proxy.resolve(environ, proxy.trusted_networks(("10.0.0.0/24", "2001:db8:1::/48")))
    assert ipaddress.ip_address(environ["REMOTE_ADDR"]) == ipaddress.ip_address(client)
    assert environ["wsgi.url_scheme"] == scheme
    if client == peer and scheme == "http" and proto:
        assert "HTTP_X_FORWARDED_FOR" not in environ and "HTTP_X_FORWARDED_PROTO" not in environ


def test_a_community_domain_is_a_trusted_origin_behind_the_balancer(transactional_db, balancer, settings):
    """The browser posts a form on https://kyiv.gov.ua; TLS ended at the balancer."""
    make_community("kyiv", domain="kyiv.gov.ua")
    assert settings.CSRF_TRUSTED_ORIGINS == []

    def post(peer: str, **headers: str) -> int:
        return wsgi.call("POST", "/i18n/setlang/", body=f"csrfmiddlewaretoken={SECRET}&language=en".encode(),
                         cookies={"csrftoken": SECRET}, REMOTE_ADDR=peer, HTTP_HOST="kyiv.gov.ua",
                         HTTP_ORIGIN="https://kyiv.gov.ua", CONTENT_TYPE="application/x-www-form-urlencoded",
                         **headers)[0]

    assert post(BALANCER, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.7") == 302
    # An https Origin over plain HTTP from a peer that is not the balancer stays a cross-origin POST.
    assert post("192.0.2.10", HTTP_X_FORWARDED_PROTO="https") == 403


@pytest.fixture
def provider(settings, transactional_db, community):
    with OIDCTestProvider(client_id="hromada", client_secret="s3cret-value") as running:
        settings.OIDC = running.settings()  # the provider's metadata is forgotten by the suite's memory fixture
        yield running


def test_oidc_redirect_uri_is_https_behind_the_balancer(transactional_db, balancer, provider, settings):
    settings.PLATFORM_HOSTS = ["hromada.example.org"]
    status, headers, _body = wsgi.call("GET", "/c/kyiv/accounts/oidc/login/", REMOTE_ADDR=BALANCER,
                                       HTTP_HOST="hromada.example.org", HTTP_X_FORWARDED_PROTO="https",
                                       HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert status == 302
    query = parse_qs(urlsplit(headers["Location"]).query)
    assert query["redirect_uri"] == ["https://hromada.example.org/c/kyiv/accounts/oidc/callback/"]


@pytest.fixture
def https_only(settings, balancer, monkeypatch):
    wsgi.https_only(settings, monkeypatch)  # what SECURE=true sets (test_deploy checks that it does)


def test_https_only_sends_hsts_and_secure_cookies_and_redirects_plain_http(transactional_db, community, https_only):
    status, headers, _body = wsgi.call("GET", "/c/kyiv/accounts/login/", REMOTE_ADDR=BALANCER,
                                       HTTP_X_FORWARDED_PROTO="https")
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000"  # the host served, nothing beyond
    assert "csrftoken=" in headers["Set-Cookie"] and "; Secure" in headers["Set-Cookie"]
    status, headers, _body = wsgi.call("GET", "/c/kyiv/accounts/login/", REMOTE_ADDR=BALANCER,
                                       HTTP_X_FORWARDED_PROTO="http")
    assert (status, headers["Location"]) == (301, "https://127.0.0.1/c/kyiv/accounts/login/")
    # Claimed by someone who is not the balancer, HTTPS is not believed either.
    assert wsgi.call("GET", "/c/kyiv/accounts/login/", HTTP_X_FORWARDED_PROTO="https")[0] == 301
    # The balancer's health check over plain HTTP is answered.
    assert wsgi.call("GET", "/healthz", REMOTE_ADDR=BALANCER)[0] == 200
    assert wsgi.call("GET", "/c/kyiv/healthz", REMOTE_ADDR=BALANCER)[0] == 200
