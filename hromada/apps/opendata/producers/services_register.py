"""The register of administrative services (the cards residents read on the site): one row per service given
or suspended, no personal data. Kept here until the services module publishes through its own opendata.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.producers._guard import has_fields
from hromada.apps.opendata.registry import Column, register_dataset

READY = apps.is_installed("hromada.apps.services") and has_fields(
    "services", "Service", "code", "national_code", "name_uk", "provider", "status", "term_days", "fee_kind")


def produce_register(community: Any) -> Iterator[tuple]:
    from hromada.apps.services.models import Service, ServiceStatus

    services = (Service.objects.exclude(status=ServiceStatus.RETIRED).order_by("code")
                .prefetch_related("life_situations", "offices"))
    for s in services.iterator(chunk_size=500):
        yield (s.code, s.national_code, s.name_uk, s.name_en, s.provider, ";".join(s.audience),
               ";".join(sorted(x.code for x in s.life_situations.all())), s.status,
               "; ".join(d.get("title", "") for d in s.documents), ";".join(s.apply_methods), s.fee_kind,
               s.fee_amount, s.term_days, s.term_kind, s.term_text, s.result,
               ";".join(sorted(o.code for o in s.offices.all())), s.version, s.updated_at.date())


COLUMNS = [
    Column("code", "Код послуги", "Code"),
    Column("national_code", "Код у Реєстрі адміністративних послуг", "Code in the national register"),
    Column("name_uk", "Назва послуги", "Name (Ukrainian)"),
    Column("name_en", "Назва англійською", "Name (English)"),
    Column("provider", "Суб'єкт надання", "Provider"),
    Column("audience", "Отримувачі", "Audience"),
    Column("life_situations", "Життєві ситуації", "Life situations"),
    Column("status", "Стан", "Status"),
    Column("documents", "Перелік документів", "Documents"),
    Column("apply_methods", "Способи звернення", "Ways to apply"),
    Column("fee_kind", "Платність", "Fee"),
    Column("fee_amount", "Розмір плати, грн", "Fee, UAH", "number"),
    Column("term_days", "Строк, днів", "Term, days", "integer"),
    Column("term_kind", "Вид днів строку", "Term counted in"),
    Column("term_text", "Строк (як записано)", "Term as written"),
    Column("result", "Результат", "Result"),
    Column("offices", "ЦНАП (коди)", "Offices (codes)"),
    Column("version", "Версія картки", "Card version", "integer"),
    Column("updated_on", "Дата оновлення", "Updated", "date"),
]

if READY:
    register_dataset(
        "services-register", identifier="8.1",
        title_uk="Перелік адміністративних послуг, які надаються через ЦНАП",
        title_en="Administrative services given through the ЦНАП",
        description_uk="Інформаційні картки адміністративних послуг громади: суб'єкт надання, документи, плата, "
                       "строк, результат, ЦНАП, де послуга надається.",
        description_en="The information cards of the community's administrative services: provider, documents, "
                       "fee, term, result and the offices that give them.",
        frequency=Frequency.ON_CHANGE,
        producer=produce_register, formats=(Format.CSV, Format.JSON, Format.XLSX),
        keywords=("адміністративні послуги", "ЦНАП"), themes=("GOVE",),
        legal_basis="Закон України «Про адміністративні послуги», ст. 8; постанова КМУ № 835", columns=COLUMNS,
    )
