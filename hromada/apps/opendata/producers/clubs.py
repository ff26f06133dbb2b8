"""Clubs for children: groups, places and enrolment counts per group and season. De-identified: no child,
parent, name or birth date, only counts per group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.producers._guard import has_fields
from hromada.apps.opendata.registry import Column, register_dataset

READY = has_fields("equeue", "ClubGroup", "club", "name", "season", "age_min", "age_max", "capacity", "enrolled",
                   "fee", "is_open") and has_fields("equeue", "Enrolment", "group", "status") and apps.is_installed(
    "hromada.apps.equeue")


def produce_club_groups(community: Any) -> Iterator[tuple]:
    from django.db.models import Count, Q

    from hromada.apps.equeue.models import ClubGroup

    def counted(status: str) -> Count:
        return Count("enrolments", filter=Q(enrolments__status=status))

    rows = (ClubGroup.objects.filter(club__is_active=True).order_by("season", "club__name_uk", "name", "pk")
            .annotate(requested=counted("requested"), confirmed=counted("confirmed"), waiting=counted("waiting"),
                      declined=counted("declined"), withdrawn=counted("withdrawn"))
            .values_list("season", "club_id", "club__name_uk", "club__kind", "club__address", "pk", "name",
                         "age_min", "age_max", "schedule", "fee", "capacity", "is_open", "requested", "confirmed",
                         "waiting", "declined", "withdrawn"))
    yield from rows.iterator(chunk_size=2000)


if READY:
    register_dataset(
        "club-groups", identifier="8.5",
        title_uk="Гуртки для дітей: групи, місця і записи", title_en="Clubs for children: groups, places, enrolments",
        description_uk="Групи гуртків і секцій громади за сезонами: вік, розклад, плата, кількість місць і "
                       "кількість записів за станом. Без даних про дітей і батьків.",
        description_en="Groups of the community's clubs by season: ages, schedule, fee, places and the number of "
                       "enrolments by status. No data about children or parents.",
        frequency=Frequency.DAILY, producer=produce_club_groups, formats=(Format.CSV, Format.JSON, Format.XLSX),
        keywords=("гуртки", "позашкільна освіта", "діти"), themes=("EDUC", "SOCI"),
        columns=[
            Column("season", "Сезон", "Season"),
            Column("club_id", "Номер гуртка", "Club number", "integer"),
            Column("club", "Гурток", "Club"),
            Column("kind", "Вид", "Kind"),
            Column("address", "Адреса", "Address"),
            Column("group_id", "Номер групи", "Group number", "integer"),
            Column("group", "Група", "Group"),
            Column("age_min", "Вік від", "From age", "integer"),
            Column("age_max", "Вік до", "To age", "integer"),
            Column("schedule", "Розклад", "Schedule"),
            Column("fee", "Плата на місяць, грн", "Fee per month, UAH", "number"),
            Column("capacity", "Місць", "Places", "integer"),
            Column("is_open", "Набір відкрито", "Taking enrolments", "boolean"),
            Column("requested", "Чекають підтвердження", "Awaiting confirmation", "integer"),
            Column("confirmed", "Записано", "Confirmed", "integer"),
            Column("waiting", "У черзі очікування", "On the waiting list", "integer"),
            Column("declined", "Відмовлено", "Declined", "integer"),
            Column("withdrawn", "Відкликано батьками", "Withdrawn by parents", "integer"),
        ],
    )
