import pytest

from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.budgeting.tests import factories as bf
from hromada.core import tenancy


@pytest.fixture
def in_community(community):
    """Activate the community for code run outside a request (actions, selectors)."""
    with tenancy.scope(community):
        yield community


@pytest.fixture
def cycle(community, in_community):
    return bf.make_cycle(community)


@pytest.fixture
def at(time_machine):
    """at("voting") moves the clock inside that phase; at(datetime) to that moment."""

    def move(when):
        moment = bf.INSIDE[PhaseKind(when)] if isinstance(when, str) else when
        time_machine.move_to(moment, tick=False)
        return moment

    return move


@pytest.fixture
def voter(community):
    return bf.make_voter(community)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Test accounts need no slow password hashing (the foundation's factories set a password).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_ballot_cache(settings):
    # Tests change cycles between requests within milliseconds; the per-process cache would hide it.
    settings.BUDGETING_BALLOT_CACHE_SECONDS = 0
