"""Clubs, groups, parents and children for the enrolment tests."""

from __future__ import annotations

import itertools
from datetime import date

from hromada.apps.accounts.models import IdentityLevel, User
from hromada.apps.communities.models import Community
from hromada.apps.equeue.models import Child, Club, ClubGroup
from hromada.core import tenancy
from hromada.testing import factories

_seq = itertools.count(1)
SEASON = "2026/2027"


def make_club(community: Community, *, managers: tuple[User, ...] = (), **fields) -> Club:
    n = next(_seq)
    fields.setdefault("name_uk", f"Гурток {n}")
    fields.setdefault("kind", "sport")
    fields.setdefault("address", "вул. Хрещатик, 1")
    with tenancy.scope(community):
        club = Club.objects.create(community=community, **fields)
        club.managers.set(managers)
    return club


def make_group(club: Club, **fields) -> ClubGroup:
    n = next(_seq)
    fields.setdefault("name", f"Група {n}")
    fields.setdefault("season", SEASON)
    fields.setdefault("age_min", 6)
    fields.setdefault("age_max", 10)
    fields.setdefault("schedule", "Вт, Чт 16:00–17:30")
    fields.setdefault("capacity", 5)
    with tenancy.scope(club.community):
        return ClubGroup.objects.create(community=club.community, club=club, **fields)


def make_parent(community: Community, **fields) -> User:
    return factories.make_user(community=community, level=IdentityLevel.EMAIL, **fields)


def make_child(parent: User, community: Community, *, birth_date: date = date(2018, 3, 1), **fields) -> Child:
    n = next(_seq)
    fields.setdefault("full_name", f"Дитина {n}")
    with tenancy.scope(community):
        return Child.objects.create(community=community, parent=parent, birth_date=birth_date, **fields)
