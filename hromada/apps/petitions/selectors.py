"""Reads: public lists with filters, visibility, signatories, the chart, the trending report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hromada.apps.petitions.models import (
    PUBLIC_STATUSES,
    SIGNING_FIELDS,
    Petition,
    PetitionPolicy,
    PetitionStatus,
    Signature,
    active_signatures,
)
from hromada.core import charts
from hromada.core.calendar import KYIV
from hromada.core.inputs import INT_MAX
from hromada.core.memo import MISSING, TimedMemory

S = PetitionStatus
SORTS = {
    "newest": ("-published_at", "-id"),
    "signatures": ("-signature_count", "-id"),
    "ending": ("collection_ends_at", "id"),
}
PERIODS = {"week": 7, "month": 31, "year": 366}


def public_petitions() -> QuerySet[Petition]:
    return Petition.objects.filter(status__in=PUBLIC_STATUSES)


def filter_petitions(queryset: QuerySet[Petition], *, q: str = "", status: str = "", category: int | None = None,
                     period: str = "", sort: str = "newest") -> QuerySet[Petition]:
    """The public list with search (title and text), filters and one of the sort orders."""
    if q:
        for word in q.casefold().split()[:8]:
            queryset = queryset.filter(search_text__contains=word)
    if status == "open":
        queryset = queryset.filter(status__in=[S.COLLECTING, S.THRESHOLD_REACHED],
                                   collection_ends_at__gte=timezone.now())
    elif status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category_id=category)
    if period in PERIODS:
        queryset = queryset.filter(published_at__gte=timezone.now() - timedelta(days=PERIODS[period]))
    if sort == "ending":
        queryset = queryset.filter(status__in=[S.COLLECTING, S.THRESHOLD_REACHED],
                                   collection_ends_at__gte=timezone.now())
    return queryset.select_related("author", "category").order_by(*SORTS.get(sort, SORTS["newest"]))


_SIGNING_SQL = (f"SELECT {', '.join(SIGNING_FIELDS)} FROM {Petition._meta.db_table} "  # noqa: S608
                f"WHERE id = %s AND community_id = %s")


# Each process keeps the signing columns of petitions that are open for signing for a second, so
# a surge of signatures does not read the same row for every one. Only signable petitions are
# kept: a petition that opens is seen at once. One that closes within the second is still refused
# exactly, because the signing transaction re-checks status and period in its UPDATE of the count.
SIGNING_SNAPSHOT_SECONDS = 1.0
_SIGNABLE = TimedMemory("petitions.signable", limit=1_000)


def forget_signing_snapshots() -> None:
    _SIGNABLE.clear()


def petition_for_signing(pk: int, community) -> Petition | None:
    """The few columns signing needs (the hot path of a surge), or None; a private copy each call."""
    if not 0 < pk <= INT_MAX:  # the raw query binds pk as is; SQLite refuses integers beyond 64 bits
        return None
    remembered = _SIGNABLE.get(community.pk, pk)
    if remembered is not MISSING:
        petition = _clone(remembered)
    else:
        found = list(Petition.objects.raw(_SIGNING_SQL, [pk, community.pk]))
        if not found:
            return None
        petition = found[0]
        if petition.is_signable():
            _SIGNABLE.put(community.pk, pk, _clone(petition), SIGNING_SNAPSHOT_SECONDS)
        else:
            _SIGNABLE.pop(community.pk, pk)
    petition.community = community
    return petition


def _clone(petition: Petition) -> Petition:
    """A private copy of a remembered row (its columns, a fresh ModelState); `copy.copy` of a model
    goes through pickling's protocol and costs ten times as much."""
    clone = Petition.__new__(Petition)
    clone.__dict__.update(petition.__dict__)
    clone._state = ModelState()
    clone._state.db, clone._state.adding = petition._state.db, False
    return clone


def visible_petition(pk: int, user) -> Petition:
    """The petition if `user` may see it (public, or its author, or staff who handle it); 404 otherwise."""
    petition = Petition.objects.select_related("author", "category", "community").filter(pk=pk).first()
    if petition is None or not user.has_perm("petitions.view_petition", petition):
        raise Http404
    return petition


def active_signature_of(petition: Petition, user) -> Signature | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Signature.objects.filter(petition=petition, person=user, withdrawn_at__isnull=True).first()


class KnownCountPaginator(Paginator):
    """A paginator that trusts the petition's exact signature count instead of COUNT(*) over the rows."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def signatories_page(petition: Petition, page: Any, per_page: int = 50):
    """One page of the public list of signatories: names and dates only, in signing order."""
    return KnownCountPaginator(signatories_queryset(petition), per_page, count=petition.signature_count).get_page(page)


def signatories_queryset(petition: Petition) -> QuerySet[Signature]:
    return (Signature.objects.filter(active_signatures(), petition=petition).order_by("signed_at", "id")
            .values("signed_at", name=F("person__full_name")))  # type: ignore[return-value]


def signatories_rows(petition: Petition, chunk_size: int = 2000):
    """All active signatories (name, signed_at), streamed in signing order."""
    return (Signature.objects.filter(active_signatures(), petition=petition).order_by("signed_at", "id")
            .values_list("person__full_name", "signed_at").iterator(chunk_size=chunk_size))


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int
    total: int


def signatures_by_day(petition: Petition, max_days: int = 92) -> list[DayCount]:
    """Active signatures per Kyiv day and the running total, cached for a minute."""
    key = f"petitions:chart:{petition.pk}:{petition.signature_count}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = (Signature.objects.filter(active_signatures(), petition=petition)
            .annotate(day=TruncDate("signed_at", tzinfo=KYIV)).values("day").annotate(n=Count("id"))
            .order_by("day"))
    result, total = [], 0
    for row in rows:
        total += row["n"]
        result.append(DayCount(row["day"], row["n"], total))
    result = result[-max_days:]
    cache.set(key, result, 60)
    return result


# The count endpoint's memory: each process reads a petition's count at most once a second. It is kept
# under the community whose address was asked: a petition id asked through another community's
# address is that community's miss (404), and never touches the owner's entry.
COUNT_TTL_SECONDS = 1.0
_COUNTS = TimedMemory("petitions.counts")


def forget_counts() -> None:
    _COUNTS.clear()


def remembered_count(community_id: int, petition_id: int) -> Any:
    """`count_payload` from this process's memory, or MISSING when it must be read."""
    return _COUNTS.get(community_id, petition_id)


def count_payload(community_id: int, petition_id: int) -> dict[str, Any] | None:
    """The public count of a petition of the community, at most one second old (no cache round trip:
    process memory). Call inside that community's scope."""
    payload = _COUNTS.get(community_id, petition_id)
    if payload is MISSING:
        payload = _read_count(community_id, petition_id)
        _COUNTS.put(community_id, petition_id, payload, COUNT_TTL_SECONDS)
    return payload


def _read_count(community_id: int, petition_id: int) -> dict[str, Any] | None:
    row = (Petition.objects.filter(pk=petition_id, community_id=community_id, status__in=PUBLIC_STATUSES)
           .values("signature_count", "threshold", "status", "collection_ends_at").first())
    if row is None:
        return None
    ends = row["collection_ends_at"]
    return {"id": petition_id, "count": row["signature_count"], "threshold": row["threshold"],
            "status": row["status"], "collection_ends_at": ends.isoformat() if ends else None,
            "open": row["status"] in (S.COLLECTING, S.THRESHOLD_REACHED) and ends is not None
            and timezone.now() <= ends,
            "as_of": timezone.now().isoformat(timespec="milliseconds")}


def office_queues(now: datetime | None = None) -> dict[str, QuerySet[Petition]]:
    """The back-office work lists, each ordered by its deadline."""
    base = Petition.objects.select_related("author")
    return {
        "moderation": base.filter(status=S.MODERATION).order_by("moderation_due_at", "id"),
        "consideration": base.filter(status__in=[S.THRESHOLD_REACHED, S.CONSIDERATION])
        .order_by("consideration_due_at", "id"),
        "collecting": base.filter(status=S.COLLECTING).order_by("collection_ends_at", "id"),
    }


@dataclass(frozen=True)
class TrendRow:
    petition_id: int
    title: str
    hour: datetime
    key: str  # the IP address or the e-mail domain
    count: int


def trending(community, *, hours: int = 24) -> dict[str, list[TrendRow]]:
    """Active signatures per petition, per hour, per IP address and per e-mail domain over the
    last `hours`, where a group exceeds the community's thresholds."""
    policy = PetitionPolicy.for_community(community)
    since = timezone.now() - timedelta(hours=hours)
    base = (Signature.objects.filter(active_signatures(), signed_at__gte=since)
            .annotate(hour=TruncHour("signed_at", tzinfo=KYIV)))
    groups: dict[str, list[dict[str, Any]]] = {}
    for field, limit in (("ip", policy.trend_ip_per_hour), ("email_domain", policy.trend_domain_per_hour)):
        present = base.exclude(ip__isnull=True) if field == "ip" else base.exclude(email_domain="")
        groups[field] = list(
            present
            .values("petition_id", "hour", field).annotate(n=Count("id")).filter(n__gt=limit)
            .order_by("-n", "petition_id")[:200])
    ids = {row["petition_id"] for rows in groups.values() for row in rows}
    titles = dict(Petition.objects.filter(pk__in=ids).values_list("pk", "title"))
    return {field: [TrendRow(r["petition_id"], titles.get(r["petition_id"], ""), r["hour"], str(r[field]), r["n"])
                    for r in rows] for field, rows in groups.items()}


def feed_items(limit: int = 50) -> QuerySet[Petition]:
    """New and answered petitions, the most recent event first."""
    return (Petition.objects.filter(status__in=PUBLIC_STATUSES).select_related("author")
            .annotate(latest=Coalesce("answered_at", "published_at")).order_by("-latest", "-id")[:limit])


def signatures_chart(days: list[DayCount]) -> charts.Chart:
    """Signatures per day as bars and the running total as a line; the component adds the table."""
    total = days[-1].total if days else 0
    peak = max((d.count for d in days), default=0)
    description = _("From %(first)s to %(last)s: %(total)s signatures in total, at most %(peak)s on one day.") % {
        "first": date_format(days[0].day, "j E Y"), "last": date_format(days[-1].day, "j E Y"),
        "total": charts.label_number(total), "peak": charts.label_number(peak)} if days else ""
    chart = charts.time_series(
        chart_id="signatures-chart", title=_("Signatures per day"), description=description,
        periods=[d.day for d in days], series=[charts.Series(_("Signatures"), [d.count for d in days])],
        period_label=_("Day"), value_label=_("Signatures"), cumulative=_("Total"),
        totals=[d.total for d in days], empty_text=_("No signatures yet."))
    return chart


HOME_COUNTS_SECONDS = 60
_HOME_COUNTS = TimedMemory("petitions.home_counts", limit=1_000)


def home_counts(community_id: int) -> dict[str, int]:
    """The community home page's figures, in one aggregate: petitions open for signing now and petitions the
    council has answered; each process keeps them for HOME_COUNTS_SECONDS."""

    def load() -> dict[str, int]:
        now = timezone.now()
        row = Petition.objects.filter(status__in=[S.COLLECTING, S.THRESHOLD_REACHED, S.ANSWERED]).aggregate(
            collecting=Count("pk", filter=Q(status__in=[S.COLLECTING, S.THRESHOLD_REACHED],
                                            collection_ends_at__gte=now)),
            answered=Count("pk", filter=Q(status=S.ANSWERED)))
        return {key: int(value or 0) for key, value in row.items()}

    return _HOME_COUNTS.remember(community_id, "counts", load, HOME_COUNTS_SECONDS)


# The author's petitions that are still on their way (the rest are decided or archived).
UNDER_WAY = (S.DRAFT, S.MODERATION, S.COLLECTING, S.THRESHOLD_REACHED, S.CONSIDERATION)


def petitions_under_way_of(user: Any, limit: int = 5) -> list[Petition]:
    """The petitions the person wrote that are not decided yet, newest first (their home page)."""
    return list(Petition.objects.filter(author=user, status__in=UNDER_WAY)
                .only("pk", "title", "status", "signature_count", "threshold", "created_at")
                .order_by("-created_at", "-id")[:limit])


def search_public(q: str) -> QuerySet[Petition]:
    """Public petitions whose title or text holds every word of `q` (the public list's own search)."""
    return filter_petitions(public_petitions(), q=q).select_related(None).only(
        "pk", "title", "status", "signature_count", "threshold", "published_at")
