"""Reads of the portal: search with facets for the web pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from hromada.apps.accounts.roles import staff_roles
from hromada.apps.opendata.ckan import search
from hromada.apps.opendata.models import ApiToken, Dataset, Frequency, Publisher, Resource
from hromada.core.keys import hash_key

PAGE_SIZE = 20


@dataclass
class Facet:
    key: str
    title: Any
    items: list[tuple[str, str, int, bool]]  # value, label, count, selected


def portal_search(params: Any) -> tuple[QuerySet[Dataset], list[Facet]]:
    qs = search.apply_q(Dataset.objects.filter(is_published=True), params.get("q", ""))
    chosen = {key: params.getlist(key) for key in ("publisher", "theme", "format", "frequency")}
    if chosen["publisher"]:
        qs = qs.filter(publisher__name__in=chosen["publisher"])
    if chosen["theme"]:
        qs = qs.filter(pk__in=Dataset.objects.filter(themes__name__in=chosen["theme"]).values("pk"))
    if chosen["format"]:
        qs = qs.filter(pk__in=Resource.objects.filter(format__in=chosen["format"]).values("dataset_id"))
    if chosen["frequency"]:
        qs = qs.filter(frequency__in=chosen["frequency"])
    summary = search.summarize(qs, ["organization", "groups", "res_format", "update_frequency"])
    counts = summary.facets(50, 1)
    from django.utils.translation import gettext_lazy as _

    publishers, themes = summary.titles.get("organization", {}), summary.titles.get("groups", {})
    frequencies = dict(Frequency.choices)

    def items(key: str, field: str, labels: dict[str, Any]) -> list[tuple[str, str, int, bool]]:
        return [(value, str(labels.get(value, value)), n, value in chosen[key]) for value, n in counts[field].items()]

    facets = [
        Facet("publisher", _("Publisher"), items("publisher", "organization", publishers)),
        Facet("theme", _("Theme"), items("theme", "groups", themes)),
        Facet("format", _("Format"), items("format", "res_format", {})),
        Facet("frequency", _("Update frequency"), items("frequency", "update_frequency", frequencies)),
    ]
    return qs.select_related("publisher").annotate(resource_count=Count("resources")).order_by("title_uk", "id"), facets


def publishers_for(user: Any, community: Any) -> QuerySet[Publisher]:
    """The publishers `user` publishes for: every one for a community admin, their department's for an
    executor."""
    if user.has_perm("opendata.manage_catalogue", community):
        return Publisher.objects.all()
    return Publisher.objects.filter(department_id__in=staff_roles(user, community).departments)


def api_token_user(key: str) -> Any:
    """The active staff member holding the CKAN API token `key`, or None. Tokens are found by their hash."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    return token.user if token is not None and token.user.is_active else None


def published_count() -> int:
    """How many data sets the community publishes (its home page)."""
    return Dataset.objects.filter(is_published=True).count()


def search_public(q: str) -> QuerySet[Dataset]:
    """Published data sets whose name, title, description or keywords hold every word of `q` (the portal's
    own plain-word search)."""
    qs = Dataset.objects.filter(is_published=True)
    for word in q.lower().split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs.select_related("publisher").order_by("title_uk", "id")
