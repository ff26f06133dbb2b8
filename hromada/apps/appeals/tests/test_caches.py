"""What intake caches (routing table, public categories, api keys) never makes wrong: a change made through
the actions applies to the very next registration or Open311 request."""

import pytest

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, AppealStatus, RoutingRule
from hromada.core import tenancy

BASE = "/c/kyiv/open311/v2"
pytestmark = pytest.mark.django_db(transaction=False)


def test_routing_change_applies_to_the_next_registration(scoped):
    w = scoped
    first = actions.appeal_register(community=w.community, text="Протікає дах", category=w.other,
                                    author=actions.Author(user=w.resident))
    assert first.status == AppealStatus.REGISTERED and first.department_id is None  # triage; table now cached
    actions.routing_rule_save(community=w.community, category=w.other, district=None, department=w.housing,
                              by=w.admin)
    second = actions.appeal_register(community=w.community, text="Протікає дах", category=w.other,
                                     author=actions.Author(user=w.resident))
    assert second.status == AppealStatus.ROUTED and second.department_id == w.housing.pk
    actions.routing_rule_delete(rule=RoutingRule.objects.get(category=w.other), by=w.admin)
    third = actions.appeal_register(community=w.community, text="Протікає дах", category=w.other,
                                    author=actions.Author(user=w.resident))
    assert third.department_id is None


def test_category_made_private_leaves_open311_at_once(client, world):
    with tenancy.scope(world.community):
        key = actions.open311_key_issue(community=world.community, name="Client", by=None)[1]
    assert "pothole" in [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    with tenancy.scope(world.community):
        actions.category_save(community=world.community, category=world.pothole, values={"is_public": False},
                              by=world.admin)
    assert "pothole" not in [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    refused = client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "pothole", "lat": "49.79",
                                                     "long": "30.12", "email": "a@example.test"})
    assert refused.status_code == 404
    with tenancy.scope(world.community):
        assert not Appeal.objects.exists()
