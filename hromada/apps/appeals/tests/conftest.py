import pytest

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Category, RoutingRule
from hromada.core import tenancy
from hromada.testing import factories


def square(lon, lat, size):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class World:
    pass


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every `world` makes seven accounts; the production hasher (PBKDF2, ~0.5 s each on this machine)
    # was most of the suite's time. The tests sign in with force_login, never with the password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(community, staff):
    w = World()
    w.community = community
    w.centre = factories.make_district(community, square(30.10, 49.78, 0.04), name_uk="Центр")
    w.north = factories.make_district(community, square(30.10, 49.82, 0.04), name_uk="Північ")
    w.roads = factories.make_department(community, name_uk="Дороги", code="ROADS")
    w.housing = factories.make_department(community, name_uk="ЖКГ", code="HOUSING")
    with tenancy.scope(community):
        w.pothole = Category.objects.create(community=community, code="pothole", name_uk="Вибоїни",
                                            name_en="Potholes", icon="🚧", is_public=True, needs_study=False)
        w.housing_cat = Category.objects.create(community=community, code="housing", name_uk="Житло",
                                                name_en="Housing", is_public=False, needs_study=True)
        w.other = Category.objects.create(community=community, code="other", name_uk="Інше", name_en="Other")
        RoutingRule.objects.create(community=community, category=w.pothole, district=None, department=w.roads)
        RoutingRule.objects.create(community=community, category=w.pothole, district=w.north, department=w.housing)
        RoutingRule.objects.create(community=community, category=w.housing_cat, department=w.housing)
    w.resident = factories.make_user(community=community, level=IdentityLevel.EMAIL, address="вул. Соборна, 5",
                                     phone="+380501112233")
    w.operator = staff("operator")
    w.executor = staff("executor", department=w.roads)
    w.housing_executor = staff("executor", department=w.housing)
    w.controller = staff("controller")
    w.moderator = staff("moderator")
    w.admin = staff("admin")
    return w


@pytest.fixture
def scoped(world):
    with tenancy.scope(world.community):
        yield world


@pytest.fixture
def key(world):
    """An Open311 api_key of the community's client "FixMyStreet"."""
    with tenancy.scope(world.community):
        return actions.open311_key_issue(community=world.community, name="FixMyStreet", by=None)[1]
