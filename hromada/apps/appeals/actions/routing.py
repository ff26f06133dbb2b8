"""Where an appeal is and which department it goes to: the districts, the categories and the routing rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hromada.apps.appeals.models import Category, RoutingRule
from hromada.apps.communities.models import Community, District
from hromada.core import memo
from hromada.core.api.errors import DomainError


def locate(community: Community, latitude: Any, longitude: Any, *, districts: Sequence[District] | None = None,
           field: str = "location") -> tuple[float | None, float | None, District | None]:
    """Parse a point and find its district. A point in none of the community's districts is refused."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise DomainError(_("Give the location as latitude and longitude in degrees."), code="bad_location",
                          field=field) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("Give the location as latitude and longitude in degrees."), code="bad_location",
                          field=field)
    if districts is None:
        districts = list(District.objects.all())
    for district in districts:
        if district.contains(lon, lat):
            return lat, lon, district
    if districts:
        raise DomainError(_("This place is outside %(community)s. Choose a place within the community.") % {
            "community": community.name}, code="outside_community", field=field)
    return lat, lon, None


ROUTING_CACHE_SECONDS = 60
ROUTING_KEY = "appeals:routing"


def routing_changed(community_id: int) -> None:
    """Forget the cached routing table, now and again once the change commits."""
    memo.delete_many(community_id, [ROUTING_KEY])
    transaction.on_commit(lambda: memo.delete_many(community_id, [ROUTING_KEY]))


def _routing_table(community_id: int) -> tuple[dict[tuple[int, int | None], int], dict[int, int | None]]:
    """The community's rules {(category, district or None): department} and category parents, cached for a
    minute (every registration routes; rules change rarely, and the actions that change them forget it)."""
    table = memo.get(community_id, ROUTING_KEY)
    if table is None:
        rules = {(c, d): dep for c, d, dep in RoutingRule.objects.values_list("category_id", "district_id",
                                                                              "department_id")}
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        table = (rules, parents)
        memo.set(community_id, ROUTING_KEY, table, ROUTING_CACHE_SECONDS)
    return table


def find_department_id(community_id: int, category_id: int | None, district_id: int | None) -> int | None:
    """The department of the rule for category × district, else category × any district, else the same for
    the parent category; None: triage."""
    rules, parents = _routing_table(community_id)
    seen = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        department = rules.get((category_id, district_id)) or rules.get((category_id, None))
        if department is not None:
            return department
        category_id = parents.get(category_id)
    return None


def find_category(community: Community, value: Any, *, field: str = "category") -> Category | None:
    """The active category `value` (an instance, an id or a code) of the community; None for none given."""
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        if value.community_id != community.pk:
            raise DomainError(_("Unknown category."), code="unknown_category", field=field)
        return value
    lookup = {"pk": value} if str(value).isdigit() else {"code": str(value)}
    category = Category.objects.filter(is_active=True, **lookup).first()
    if category is None:
        raise DomainError(_("Unknown category “%(value)s”.") % {"value": value}, code="unknown_category",
                          field=field)
    return category
