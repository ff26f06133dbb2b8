"""`hromada demo` loads the appeals demo through the actions, and a second run changes nothing."""

import io

from django.core.management import call_command

from hromada.apps.appeals.models import Appeal, AppealStatus, Category, Open311Client, RoutingRule
from hromada.apps.communities.models import Address, Community
from hromada.core import tenancy


def counts() -> tuple[int, int, int, int, int]:
    return (Appeal.objects.count(), Category.objects.count(), RoutingRule.objects.count(),
            Open311Client.objects.count(), Address.objects.count())


def test_demo_twice_is_idempotent_and_makes_appeals_and_categories(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", stdout=io.StringIO())
    community = Community.objects.get(slug="demo")
    with tenancy.scope(community):
        first = counts()
        numbers = set(Appeal.objects.values_list("number", flat=True))
    call_command("demo", stdout=io.StringIO())
    with tenancy.scope(community):
        assert counts() == first
        assert set(Appeal.objects.values_list("number", flat=True)) == numbers
        assert first[0] == 5 and first[1] == 6 and first[3] == 1
        assert Appeal.objects.filter(status=AppealStatus.ANSWERED).count() == 1
        assert first[4] == 12  # the address register; the lighting appeal was typed as an address only
        lighting = Appeal.objects.select_related("district").get(category__code="lighting")
        assert lighting.location_text == "вул. Соборна, 12" and lighting.district.code == "CEN"
        public = set(Category.objects.filter(is_public=True).values_list("code", flat=True))
        shown = list(Appeal.objects.filter(category__is_public=True).values_list("number", flat=True))
    assert public == {"roads", "lighting", "waste"}
    services = client.get("/c/demo/open311/v2/services.json").json()
    assert sorted(s["service_code"] for s in services) == sorted(public)
    listed = client.get("/c/demo/appeals/").content.decode()
    assert len(shown) == 3 and all(number in listed for number in shown)
