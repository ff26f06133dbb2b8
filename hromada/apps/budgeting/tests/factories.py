"""Test data for the participatory budget: a cycle on a fixed calendar, categories, projects in any status."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hromada.apps.accounts.models import IdentityLevel, User
from hromada.apps.budgeting.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    Category,
    CostItem,
    Cycle,
    Phase,
    Project,
    ProjectStatus,
)
from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.apps.communities.models import Community, District
from hromada.core import tenancy
from hromada.core.calendar import KYIV
from hromada.testing import factories


def kyiv(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=KYIV)


# One calendar for every test: each phase a month in 2026 (Kyiv time).
PHASES = {
    PhaseKind.SUBMISSION: (kyiv(2026, 2, 1), kyiv(2026, 3, 1)),
    PhaseKind.REVIEW: (kyiv(2026, 3, 1), kyiv(2026, 4, 1)),
    PhaseKind.VOTING: (kyiv(2026, 4, 1), kyiv(2026, 5, 1)),
    PhaseKind.RESULTS: (kyiv(2026, 5, 1), kyiv(2026, 6, 1)),
    PhaseKind.IMPLEMENTATION: (kyiv(2026, 6, 1), kyiv(2027, 6, 1)),
}
BEFORE = kyiv(2026, 1, 15, 12)
INSIDE = {kind: kyiv(start.year, start.month, 15, 12) for kind, (start, _end) in PHASES.items()}
AFTER = kyiv(2027, 7, 1, 12)


def square(lon: float, lat: float, size: float = 0.04) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


CENTRE = square(30.10, 49.78)  # inside: (30.12, 49.80)
NORTH = square(30.10, 49.82)  # inside: (30.12, 49.84)


def make_cycle(community: Community, *, slug: str = "pb2026", with_categories: bool = True,
               **fields: Any) -> Cycle:
    fields.setdefault("name_uk", "Громадський бюджет 2026")
    fields.setdefault("name_en", "Participatory budget 2026")
    fields.setdefault("year", 2026)
    with tenancy.scope(community):
        cycle = Cycle.objects.create(community=community, slug=slug, **fields)
        for kind, (start, end) in PHASES.items():
            Phase.objects.create(community=community, cycle=cycle, kind=kind, starts_at=start, ends_at=end)
        if with_categories:
            centre = District.objects.filter(name_uk="Центр").first() or District.objects.create(
                community=community, name_uk="Центр", name_en="Centre", boundary=CENTRE)
            north = District.objects.filter(name_uk="Північ").first() or District.objects.create(
                community=community, name_uk="Північ", name_en="North", boundary=NORTH)
            Category.objects.create(community=community, cycle=cycle, name_uk="Загальноміські великі",
                                    name_en="City-wide large", fund=Decimal("2000000"), min_cost=Decimal("100000"),
                                    max_cost=Decimal("1000000"), max_votes=2, position=1)
            Category.objects.create(community=community, cycle=cycle, name_uk="Загальноміські малі",
                                    name_en="City-wide small", fund=Decimal("600000"), min_cost=Decimal("1000"),
                                    max_cost=Decimal("300000"), max_votes=3, position=2)
            Category.objects.create(community=community, cycle=cycle, name_uk="Центр", name_en="Centre",
                                    fund=Decimal("500000"), max_cost=Decimal("400000"), max_votes=2,
                                    district=centre, position=3)
            Category.objects.create(community=community, cycle=cycle, name_uk="Північ", name_en="North",
                                    fund=Decimal("500000"), max_cost=Decimal("400000"), max_votes=2,
                                    district=north, position=4)
    return cycle


def category(cycle: Cycle, name_en: str) -> Category:
    with tenancy.scope(cycle.community):
        return Category.objects.get(cycle=cycle, name_en=name_en)


def make_project(cycle: Cycle, *, author: User | None = None, category_name: str = "City-wide small",
                 status: str = ProjectStatus.ON_BALLOT, cost: Decimal | int = 50000, title: str | None = None,
                 department: Any = None, **fields: Any) -> Project:
    """A project put straight into `status` (test set-up; real changes go through actions)."""
    community = cycle.community
    with tenancy.scope(community):
        cat = Category.objects.get(cycle=cycle, name_en=category_name)
        author = author or make_voter(community)
        number = (Project.objects.filter(cycle=cycle).order_by("-number").values_list("number", flat=True)
                  .first() or 0) + 1
        if cat.district_id and "latitude" not in fields:
            lon, lat = cat.district.boundary["coordinates"][0][0]
            fields.update(longitude=Decimal(str(lon + 0.02)), latitude=Decimal(str(lat + 0.02)))
        project = Project.objects.create(
            community=community, cycle=cycle, category=cat, number=number, author=author,
            title=title or f"Проєкт {number}", description="Лавки і дерева у сквері.",
            district=cat.district, estimated_cost=Decimal(cost), status=status, department=department, **fields)
        CostItem.objects.create(community=community, project=project, description="Роботи", quantity=Decimal(1),
                                unit_price=Decimal(cost))
    return project


def make_voter(community: Community, *, level: int = IdentityLevel.VERIFIED, birth_date: date | None = date(1990, 5, 1),
               **fields: Any) -> User:
    return factories.make_user(community=community, level=level, birth_date=birth_date, **fields)


def cast(cycle: Cycle, voter: User, projects: list[Project], *, points: list[int] | None = None,
         channel: str = BallotChannel.ONLINE) -> Ballot:
    """A ballot written straight to the database (set-up for results tests)."""
    with tenancy.scope(cycle.community):
        ballot = Ballot.objects.create(community=cycle.community, cycle=cycle, voter=voter,
                                       public_id=voter_pseudonym(cycle.pk, f"user:{voter.pk}"), channel=channel)
        for i, project in enumerate(projects):
            BallotChoice.objects.create(community=cycle.community, ballot=ballot, project=project,
                                        category=project.category, points=points[i] if points else 1)
    return ballot


def png_bytes(size: tuple[int, int] = (8, 8), image_format: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()
