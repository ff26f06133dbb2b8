"""Participatory budget: projects, results (votes per project) and de-identified votes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db.models import Count, Sum

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.producers._guard import has_fields
from hromada.apps.opendata.registry import Column, register_dataset

READY = apps.is_installed("hromada.apps.budgeting") and has_fields(
    "budgeting", "Project", "cycle", "category", "number", "title", "status", "estimated_cost", "approved_cost",
    "district", "latitude", "longitude", "published_at",
)
VOTES_READY = READY and has_fields("budgeting", "Ballot", "cycle", "public_id", "channel", "created_at") \
    and has_fields("budgeting", "BallotChoice", "ballot", "project", "category", "points")

LEGAL = "Положення про громадський бюджет громади; постанова КМУ № 835"


def _public_projects():
    from hromada.apps.budgeting.models import PUBLIC_STATUSES, Project

    return Project.objects.filter(status__in=PUBLIC_STATUSES)


def produce_projects(community: Any) -> Iterator[tuple]:
    rows = (_public_projects().order_by("cycle__year", "number", "pk")
            .values_list("cycle__year", "cycle__slug", "number", "title", "category__name_uk", "district__name_uk",
                         "status", "estimated_cost", "approved_cost", "published_at", "longitude", "latitude"))
    yield from rows.iterator(chunk_size=2000)


def produce_results(community: Any) -> Iterator[tuple]:
    from hromada.apps.budgeting.models import BallotChoice

    votes = dict(BallotChoice.objects.values("project_id").annotate(points=Sum("points"))
                 .values_list("project_id", "points"))
    voters = dict(BallotChoice.objects.values("project_id").annotate(n=Count("ballot_id", distinct=True))
                  .values_list("project_id", "n"))
    rows = (_public_projects().filter(status__in=["on_ballot", "winner", "not_funded", "implementation",
                                                  "implemented"])
            .order_by("cycle__year", "category__position", "number")
            .values_list("pk", "cycle__year", "number", "title", "category__name_uk", "approved_cost",
                         "estimated_cost", "status"))
    for pk, year, number, title, category, approved, estimated, status in rows.iterator(chunk_size=2000):
        yield (year, number, title, category, approved if approved is not None else estimated,
               votes.get(pk, 0), voters.get(pk, 0), status in ("winner", "implementation", "implemented"))


def produce_votes(community: Any) -> Iterator[tuple]:
    from hromada.apps.budgeting.models import BallotChoice

    # The voter is the ballot's de-identified public id; the day only, no time, district name only.
    rows = (BallotChoice.objects.order_by("ballot_id", "project__number")
            .values_list("ballot__cycle__year", "ballot__public_id", "ballot__channel", "ballot__created_at__date",
                         "project__number", "category__name_uk", "points"))
    yield from rows.iterator(chunk_size=5000)


if READY:
    register_dataset(
        "budget-projects", identifier="7.1",
        title_uk="Проєкти громадського бюджету", title_en="Participatory budget projects",
        description_uk="Оприлюднені проєкти громадського бюджету: категорія, район, статус, вартість, місце.",
        description_en="Published participatory-budget projects: category, district, status, cost, location.",
        frequency=Frequency.DAILY, producer=produce_projects,
        formats=(Format.CSV, Format.JSON, Format.XLSX, Format.GEOJSON), geometry=("longitude", "latitude"),
        keywords=("громадський бюджет", "проєкти"), themes=("GOVE", "ECON"), legal_basis=LEGAL,
        columns=[
            Column("year", "Рік бюджету", "Budget year", "integer"),
            Column("cycle", "Конкурс", "Cycle"),
            Column("number", "Номер проєкту", "Project number", "integer"),
            Column("title", "Назва", "Title"),
            Column("category", "Категорія", "Category"),
            Column("district", "Район", "District"),
            Column("status", "Статус", "Status"),
            Column("estimated_cost", "Орієнтовна вартість, грн", "Estimated cost, UAH", "number"),
            Column("approved_cost", "Вартість за висновком, грн", "Approved cost, UAH", "number"),
            Column("published_at", "Оприлюднено", "Published", "datetime"),
            Column("longitude", "Довгота", "Longitude", "number"),
            Column("latitude", "Широта", "Latitude", "number"),
        ],
    )
if VOTES_READY:
    register_dataset(
        "budget-results", identifier="7.2",
        title_uk="Результати голосування громадського бюджету", title_en="Participatory budget results",
        frequency=Frequency.DAILY, producer=produce_results, formats=(Format.CSV, Format.JSON, Format.XLSX),
        keywords=("громадський бюджет", "результати"), themes=("GOVE", "ECON"), legal_basis=LEGAL,
        columns=[
            Column("year", "Рік бюджету", "Budget year", "integer"),
            Column("number", "Номер проєкту", "Project number", "integer"),
            Column("title", "Назва", "Title"),
            Column("category", "Категорія", "Category"),
            Column("cost", "Вартість, грн", "Cost, UAH", "number"),
            Column("votes", "Голоси (бали)", "Votes (points)", "integer"),
            Column("voters", "Кількість голосувальників", "Voters", "integer"),
            Column("winner", "Переможець", "Winner", "boolean"),
        ],
    )
    register_dataset(
        "budget-votes", identifier="7.3",
        title_uk="Знеособлені голоси громадського бюджету", title_en="De-identified participatory budget votes",
        description_uk="Кожен голос з ідентифікатором голосувальника, що не розкриває особу.",
        description_en="Every vote with a voter id that does not reveal the person.",
        frequency=Frequency.DAILY, producer=produce_votes, formats=(Format.CSV, Format.JSON),
        keywords=("громадський бюджет", "голосування"), themes=("GOVE",), legal_basis=LEGAL,
        columns=[
            Column("year", "Рік бюджету", "Budget year", "integer"),
            Column("voter_id", "Знеособлений ідентифікатор голосувальника", "De-identified voter id"),
            Column("channel", "Спосіб голосування", "Channel"),
            Column("voted_on", "Дата", "Date", "date"),
            Column("project_number", "Номер проєкту", "Project number", "integer"),
            Column("category", "Категорія", "Category"),
            Column("points", "Бали", "Points", "integer"),
        ],
    )
