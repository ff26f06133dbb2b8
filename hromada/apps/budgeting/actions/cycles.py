"""A budget cycle's configuration: the cycle with its dated phases, and its categories with funds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hromada.apps.budgeting import phases
from hromada.apps.budgeting.actions.common import raise_validation, require
from hromada.apps.budgeting.models import Category, Cycle, Phase
from hromada.apps.communities.models import Community, District
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.text import strip_controls

RESERVED_SLUGS = frozenset({"my", "projects", "office", "api", "taxpayers"})


def _validate_phases(dated: Mapping[str, tuple[datetime, datetime]]) -> None:
    problems = phases.validate_sequence((kind, start, end) for kind, (start, end) in dated.items())
    if problems:
        raise DomainError(problems[0], code="bad_phases", field="phases")


def cycle_create(*, community: Community, by: Any, slug: str, name_uk: str, year: int, name_en: str = "",
                 phase_dates: Mapping[str, tuple[datetime, datetime]], **settings_: Any) -> Cycle:
    """Create a cycle with its phases. Categories are added with ``category_create``."""
    require(by, "budgeting.manage_cycle", community)
    _validate_phases(phase_dates)
    cycle = Cycle(community=community, slug=slug.strip().lower(), year=year, **settings_,
                  name_uk=strip_controls(name_uk, single_line=True), name_en=strip_controls(name_en, single_line=True))
    try:
        cycle.full_clean(exclude=["community"])
    except ValidationError as exc:
        raise_validation(exc)
    if cycle.slug in RESERVED_SLUGS:
        raise DomainError(_("This short name is reserved; choose another."), code="slug_reserved", field="slug")
    with transaction.atomic(durable=True):
        if Cycle.objects.filter(slug=cycle.slug).exists():
            raise DomainError(_("A cycle with this short name already exists."), code="slug_taken", field="slug")
        cycle.save()
        Phase.objects.bulk_create([Phase(community=community, cycle=cycle, kind=kind, starts_at=start, ends_at=end)
                                   for kind, (start, end) in dated_in_order(phase_dates)])
        audit_record(actor=by, action="budgeting.create_cycle", community=community, target=cycle,
                     data={"slug": cycle.slug, "phases": {k: [s.isoformat(), e.isoformat()]
                                                          for k, (s, e) in phase_dates.items()}})
    return cycle


def dated_in_order(dated: Mapping[str, tuple[datetime, datetime]]) -> list[tuple[str, tuple[datetime, datetime]]]:
    return sorted(dated.items(), key=lambda item: phases.ORDER.index(item[0]))


def cycle_set_phases(*, cycle: Cycle, by: Any, phase_dates: Mapping[str, tuple[datetime, datetime]]) -> Cycle:
    """Replace the dates of the cycle's phases (kinds not given keep their dates)."""
    require(by, "budgeting.manage_cycle", cycle)
    merged = {p.kind: (p.starts_at, p.ends_at) for p in phases.phases_of(cycle)}
    merged.update(phase_dates)
    _validate_phases(merged)
    with transaction.atomic(durable=True):
        for kind, (start, end) in phase_dates.items():
            Phase.objects.update_or_create(cycle=cycle, kind=kind, defaults={"starts_at": start, "ends_at": end,
                                                                             "community": cycle.community})
        audit_record(actor=by, action="budgeting.set_phases", community=cycle.community, target=cycle,
                     data={k: [s.isoformat(), e.isoformat()] for k, (s, e) in phase_dates.items()})
    phases.forget_phases(cycle)
    return cycle


def category_create(*, cycle: Cycle, by: Any, name_uk: str, fund: Decimal, max_cost: Decimal,
                    min_cost: Decimal = Decimal("0"), max_votes: int = 3, district: District | None = None,
                    name_en: str = "", position: int = 0) -> Category:
    require(by, "budgeting.manage_cycle", cycle)
    category = Category(community_id=cycle.community_id, cycle=cycle, fund=fund, min_cost=min_cost, max_cost=max_cost,
                        name_uk=strip_controls(name_uk, single_line=True),
                        name_en=strip_controls(name_en, single_line=True),
                        max_votes=max_votes, district=district, position=position)
    if not Decimal(min_cost) <= Decimal(max_cost) <= Decimal(fund):
        raise DomainError(_("The costs must satisfy: minimum ≤ maximum ≤ the fund."), code="bad_limits",
                          field="max_cost")
    try:
        category.full_clean(exclude=["community", "cycle"])
    except ValidationError as exc:
        raise_validation(exc)
    with transaction.atomic(durable=True):
        if Category.objects.filter(cycle=cycle, name_uk=category.name_uk).exists():
            raise DomainError(_("The cycle already has a category with this name."), code="name_taken",
                              field="name_uk")
        category.save()
        audit_record(actor=by, action="budgeting.create_category", community=cycle.community, target=category,
                     data={"name": category.name_uk, "fund": str(fund)})
    return category
