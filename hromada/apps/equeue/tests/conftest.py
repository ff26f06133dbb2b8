# The bookings' fixtures (bworld, bscoped) live in booking_world.py.
from hromada.apps.equeue.tests.booking_world import bscoped, bworld  # noqa: F401
