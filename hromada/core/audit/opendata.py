"""The audit log's day heads as an open data set: anyone who keeps a copy can later prove a rewrite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.registry import Column, register_dataset
from hromada.core.audit.models import AuditDayHead, chain_of

COLUMNS = [
    Column("day", "День", "Day", "date"),
    Column("community", "Громада", "Community"),
    Column("chain", "Номер ланцюжка", "Chain", "integer"),
    Column("records", "Записів у ланцюжку", "Records in the chain", "integer"),
    Column("last_record_hash", "Печатка останнього запису", "Seal of the last record"),
    Column("published_at", "Оприлюднено", "Published", "datetime"),
]


def produce_day_heads(community: Any) -> Iterator[tuple]:
    rows = (AuditDayHead.objects.filter(chain=chain_of(community.pk)).order_by("day")
            .values_list("day", "chain", "seq", "hash", "published_at"))
    for day, chain, seq, seal, published_at in rows.iterator(chunk_size=2000):
        yield day, community.slug, chain, seq, seal, published_at


register_dataset(
    "audit-heads", identifier="1.9",
    title_uk="Щоденні підсумки журналу аудиту", title_en="Daily heads of the audit log",
    description_uk=("Наприкінці кожного дня, коли в журналі аудиту громади з'являлися записи, тут оприлюднюється "
                    "кількість записів і печатка останнього з них. Збережіть копію: команда "
                    "`hromada audit_verify --published ФАЙЛ` виявить будь-яке пізніше переписування журналу."),
    description_en=("For each day the community's audit log received records: the number of records and the seal "
                    "of the last one. Keep a copy: `hromada audit_verify --published FILE` detects any later "
                    "rewrite of the log."),
    frequency=Frequency.DAILY, producer=produce_day_heads, formats=(Format.CSV, Format.JSON),
    keywords=("аудит", "прозорість"), themes=("GOVE",),
    columns=COLUMNS,
)
