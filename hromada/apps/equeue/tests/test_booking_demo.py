from hromada.apps.equeue.demo import load_demo
from hromada.apps.equeue.models import Booking, Resource, Slot
from hromada.core import tenancy
from hromada.testing import factories


def test_the_demo_makes_windows_doctors_slots_and_bookings_once(community, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.make_user(community=community, email="resident@demo.hromada.local")
    load_demo(community)
    load_demo(community)
    with tenancy.scope(community):
        assert Resource.objects.filter(kind="window").count() == 4
        assert Resource.objects.filter(kind="doctor").count() == 2
        assert Slot.objects.exists()
        assert Booking.objects.count() == 2
