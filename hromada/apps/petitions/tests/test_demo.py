from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from hromada.apps.communities.models import Community
from hromada.apps.petitions.demo import load_demo
from hromada.apps.petitions.models import Petition
from hromada.core import tenancy

pytestmark = pytest.mark.django_db


def test_demo_shows_petitions_in_every_state_and_runs_again(client):
    call_command("demo", stdout=io.StringIO())  # calls load_demo for every community module
    community = Community.objects.get(slug="demo")
    assert load_demo(community) == []  # idempotent
    call_command("demo", stdout=io.StringIO())
    with tenancy.scope(community):
        states = dict(Petition.objects.values_list("status", "signature_count"))
        assert Petition.objects.count() == 7
    assert set(states) == {"draft", "moderation", "collecting", "threshold_reached", "answered", "forwarded",
                           "rejected"}
    assert states["collecting"] == 38 and states["threshold_reached"] == 111
    html = client.get("/c/demo/petitions/").content.decode()
    assert "Велодоріжка вулицею Соборною" in html and "Чернетка" not in html
