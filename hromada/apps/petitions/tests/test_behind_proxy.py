"""Signing behind the TLS-terminating load balancer: every resident keeps an address of their own.

Requests go through the project's WSGI application (`hromada.testing.wsgi`), as from a server
whose peer is the balancer (10.0.0.5, in TRUSTED_PROXIES) or someone else."""

from __future__ import annotations

import json

import pytest

from hromada.apps.petitions.models import Signature
from hromada.core import tenancy
from hromada.testing import wsgi
from hromada.testing.wsgi import session_of

pytestmark = pytest.mark.django_db(transaction=True)

BALANCER = "10.0.0.5"
SECRET = wsgi.CSRF_SECRET


@pytest.fixture(autouse=True)
def _balancer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def sign(petition, user, *, peer: str, forwarded_for: str = "", proto: str = "", form: bool = False) -> int:
    """A browser's signing POST (script: JSON at the edge; form: Django's view); the status."""
    headers = {"REMOTE_ADDR": peer, "HTTP_ORIGIN": f"{proto or 'http'}://127.0.0.1"}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    if proto:
        headers["HTTP_X_FORWARDED_PROTO"] = proto
    if form:
        headers |= {"HTTP_ACCEPT": "text/html", "CONTENT_TYPE": "application/x-www-form-urlencoded"}
        body = f"csrfmiddlewaretoken={SECRET}&form=1".encode()
    else:
        headers |= {"HTTP_ACCEPT": "application/json", "HTTP_X_CSRFTOKEN": SECRET}
        body = b""
    status, _headers, content = wsgi.call("POST", f"/c/kyiv/petitions/{petition.pk}/sign/", body=body,
                                          cookies={"sessionid": session_of(user), "csrftoken": SECRET}, **headers)
    if not form and status == 200:
        assert json.loads(content)["signed"] is True
    return status


def recorded_ip(petition, user) -> str | None:
    with tenancy.scope(petition.community):
        return Signature.objects.get(petition=petition, person=user).ip


def test_signature_records_the_client_the_balancer_saw_not_the_balancer_nor_a_forged_entry(make_petition, person):
    petition = make_petition(threshold=50)
    script, browser, direct = person(), person(), person()
    # The left-most entry is whatever the client wrote; the balancer appended the address it saw.
    assert sign(petition, script, peer=BALANCER, forwarded_for="6.6.6.6, 198.51.100.7", proto="https") == 200
    assert sign(petition, browser, peer=BALANCER, forwarded_for="198.51.100.8", proto="https", form=True) == 303
    assert recorded_ip(petition, script) == "198.51.100.7"
    assert recorded_ip(petition, browser) == "198.51.100.8"
    # Someone who is not the balancer cannot choose an address, nor claim HTTPS.
    assert sign(petition, direct, peer="192.0.2.10", forwarded_for="198.51.100.9", proto="https") == 403
    assert sign(petition, direct, peer="192.0.2.10", forwarded_for="198.51.100.9") == 200
    assert recorded_ip(petition, direct) == "192.0.2.10"


def test_residents_behind_one_balancer_do_not_share_the_per_address_limit(make_petition, person):
    petition = make_petition(threshold=50, sign_rate_per_ip=1)
    first, second, same_home = person(), person(), person()
    assert sign(petition, first, peer=BALANCER, forwarded_for="198.51.100.1", proto="https") == 200
    assert sign(petition, second, peer=BALANCER, forwarded_for="198.51.100.2", proto="https") == 200
    # The limit still holds for one address.
    assert sign(petition, same_home, peer=BALANCER, forwarded_for="198.51.100.1", proto="https") == 429


def test_https_only_edge_answers_with_hsts_and_leaves_plain_http_to_the_redirect(make_petition, settings,
                                                                                 monkeypatch):
    wsgi.https_only(settings, monkeypatch)
    petition = make_petition(threshold=50)
    count = f"/c/kyiv/petitions/{petition.pk}/count.json"
    status, headers, content = wsgi.call("GET", count, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_PROTO="https")
    assert status == 200 and json.loads(content)["count"] == 1
    assert headers["Strict-Transport-Security"] == "max-age=31536000"  # the host served, nothing beyond
    status, headers, _content = wsgi.call("GET", count, REMOTE_ADDR=BALANCER)
    assert (status, headers["Location"]) == (301, f"https://127.0.0.1{count}")
