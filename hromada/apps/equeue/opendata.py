"""The hall's open data: the queue per day, office and service (counts and averages, nothing about a person)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.registry import Column, register_dataset


def produce_queue_days(community: Any) -> Iterator[tuple]:
    from hromada.apps.equeue.hall_statistics import open_rows

    yield from open_rows()


register_dataset(
    "equeue-queue", identifier="equeue-queue",
    title_uk="Електронна черга ЦНАП: очікування та обслуговування",
    title_en="ЦНАП queue: waiting and service times",
    description_uk="За кожен день, ЦНАП і послугу: кількість талонів, обслуговані, неявки, середній час "
                   "очікування та обслуговування, хв. Лише знеособлені підсумки.",
    description_en="Per day, office and service: tickets, served, did not come up, average waiting and service "
                   "time in minutes. De-identified totals only.",
    frequency=Frequency.DAILY, producer=produce_queue_days, formats=(Format.CSV, Format.JSON, Format.XLSX),
    keywords=("ЦНАП", "електронна черга"), themes=("GOVE",),
    columns=[
        Column("day", "День", "Day", "date"),
        Column("office", "Код ЦНАП", "Office code"),
        Column("service", "Код послуги", "Service code"),
        Column("tickets", "Талонів", "Tickets", "integer"),
        Column("served", "Обслуговано", "Served", "integer"),
        Column("no_shows", "Не підійшли", "Did not come up", "integer"),
        Column("average_wait_minutes", "Середнє очікування, хв", "Average wait, minutes", "number"),
        Column("average_service_minutes", "Середнє обслуговування, хв", "Average service, minutes", "number"),
    ],
)
