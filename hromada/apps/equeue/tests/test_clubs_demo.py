"""The demo clubs: groups of the season, a full group with a waiting list, the demo parent's enrolments."""

from __future__ import annotations

import pytest

from hromada.apps.equeue.demo_clubs import MANAGER_EMAIL, PARENT_EMAIL, SEASON, load_demo_clubs
from hromada.apps.equeue.models import Club, ClubGroup, Enrolment, EnrolmentStatus
from hromada.core import tenancy

pytestmark = pytest.mark.django_db(transaction=True)
E = EnrolmentStatus


def test_demo_clubs_load_twice_and_show_every_state(community):
    load_demo_clubs(community)
    load_demo_clubs(community)
    with tenancy.scope(community):
        assert 5 <= Club.objects.count() <= 8
        assert set(Club.objects.values_list("kind", flat=True)) == {"sport", "music", "art", "science", "dance"}
        assert set(ClubGroup.objects.values_list("season", flat=True)) == {SEASON}
        full = ClubGroup.objects.get(name="Дельфінчики")
        assert full.enrolled == full.capacity
        assert Enrolment.objects.filter(group=full, status=E.WAITING).count() == 2
        mine = set(Enrolment.objects.filter(child__parent__email=PARENT_EMAIL).values_list("status", flat=True))
        assert mine == {E.WAITING, E.CONFIRMED, E.REQUESTED, E.WITHDRAWN}
        assert Club.objects.filter(managers__email=MANAGER_EMAIL).count() == Club.objects.count()
        for group in ClubGroup.objects.all():
            assert group.enrolled == Enrolment.objects.filter(
                group=group, status__in=[E.REQUESTED, E.CONFIRMED]).count()
