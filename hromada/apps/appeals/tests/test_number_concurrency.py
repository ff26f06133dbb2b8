"""Registration numbers on PostgreSQL come from a sequence per community and year, which no registration
waits for: parallel registrations get distinct numbers, consecutive when none rolls back. Runs on
PostgreSQL; SQLite serialises every write (and uses the locked counter row), so there is no race."""


from django.utils import timezone

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, RegistrationCounter
from hromada.core import tenancy
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE
THREADS = 12


def test_parallel_registrations_get_distinct_consecutive_numbers(world):
    def register(index: int) -> str:
        with tenancy.scope(world.community):
            return actions.appeal_register(
                community=world.community, text=f"Яма номер {index}", category=world.pothole,
                author=actions.Author(user=world.resident)).number

    # The first registration of the year also races to create the year's sequence.
    outcomes = run_together([lambda index=index: register(index) for index in range(THREADS)])

    assert [o for o in outcomes if not isinstance(o, str)] == []
    serials = sorted(int(number.rsplit("-", 1)[1]) for number in outcomes)
    assert serials == list(range(1, THREADS + 1))
    with tenancy.scope(world.community):
        assert Appeal.objects.count() == THREADS


def test_sequence_continues_after_the_counter_row(world):
    """A community upgraded mid-year keeps counting from the last number its counter row gave out."""
    with tenancy.scope(world.community):
        year = timezone.localdate().year
        RegistrationCounter.objects.create(community=world.community, year=year, last_number=41)
        numbers = [actions.appeal_register(community=world.community, text=f"Яма {i}", category=world.pothole,
                                           author=actions.Author(user=world.resident)).number for i in range(2)]
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [42, 43]
