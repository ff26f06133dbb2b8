"""The floor view: what the `floor` scenario measures, and that a deployment never serves it."""

import json

import pytest
from django.test import Client

from bench.scenarios import discover
from bench.scenarios.floor import floor_multiple, selected_paths
from hromada.apps.accounts.models import IdentityLevel
from hromada.core import memo
from hromada.core.tenancy.middleware import forget_resolved_communities
from hromada.testing import factories

CSRF_SECRET = "a" * 32
URL = "/c/floorbench/bench/floor/"


@pytest.fixture
def community(db):
    memo.clear_local()
    forget_resolved_communities()  # ids are reused after each test's rollback
    yield factories.make_community("floorbench")
    memo.clear_local()
    forget_resolved_communities()


@pytest.fixture
def bench_site(settings):
    settings.COMMUNITY_URLCONF = "bench.floor.urls"  # what bench.floor.settings changes


def post(client: Client, *, csrf: bool = True):
    if csrf:
        client.cookies["csrftoken"] = CSRF_SECRET
        return client.post(URL, HTTP_X_CSRFTOKEN=CSRF_SECRET, HTTP_ACCEPT="application/json")
    return client.post(URL, HTTP_ACCEPT="application/json")


def test_signed_in_post_passes_the_whole_stack_and_answers_ok(community, bench_site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user(community=community, level=IdentityLevel.VERIFIED))
    response = post(client)
    assert response.status_code == 200
    assert json.loads(response.content) == {"ok": True}


def test_anonymous_gets_the_json_error(community, bench_site):
    response = post(Client(enforce_csrf_checks=True))
    assert response.status_code == 401
    assert json.loads(response.content)["errors"][0]["code"] == "not_authenticated"


def test_csrf_and_method_are_checked_as_everywhere(community, bench_site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user(community=community))
    assert post(client, csrf=False).status_code == 403
    assert client.get(URL).status_code == 405


def test_a_deployment_does_not_serve_it(community):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user(community=community))
    assert post(client).status_code == 404


def test_scenario_is_listed_and_always_measures_the_floor(monkeypatch):
    assert "floor" in discover()
    monkeypatch.setenv("BENCH_FLOOR_PATHS", "sign")
    assert selected_paths() == ["floor", "sign"]
    monkeypatch.setenv("BENCH_FLOOR_PATHS", "sign,nonsense")
    with pytest.raises(ValueError, match="nonsense"):
        selected_paths()
    assert floor_multiple(1500.0, 1000.0) == 1.5
    assert floor_multiple(1500.0, 0.0) == 0.0
