"""Petitions: the public petitions with their counts, and their signatories by name only (Art. 23-1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.producers._guard import has_fields
from hromada.apps.opendata.registry import Column, register_dataset

READY = apps.is_installed("hromada.apps.petitions") and has_fields(
    "petitions", "Petition", "title", "status", "signature_count", "threshold", "published_at",
    "collection_ends_at", "answered_at", "category",
) and has_fields("petitions", "Signature", "petition", "person", "signed_at", "withdrawn_at", "invalidated_at")


def produce_petitions(community: Any) -> Iterator[tuple]:
    from hromada.apps.petitions.models import PUBLIC_STATUSES, Petition

    rows = (Petition.objects.filter(status__in=PUBLIC_STATUSES).order_by("published_at", "pk")
            .values_list("pk", "title", "category__name_uk", "status", "published_at", "collection_ends_at",
                         "signature_count", "threshold", "threshold_reached_at", "answered_at"))
    yield from rows.iterator(chunk_size=2000)


def produce_signatories(community: Any) -> Iterator[tuple]:
    from hromada.apps.petitions.models import PUBLIC_STATUSES, Signature

    # Names only: never e-mail, phone, address, IP or e-mail domain.
    rows = (Signature.objects.filter(petition__status__in=PUBLIC_STATUSES, withdrawn_at__isnull=True,
                                     invalidated_at__isnull=True)
            .order_by("petition_id", "signed_at", "pk")
            .values_list("petition_id", "petition__title", "person__full_name", "signed_at"))
    yield from rows.iterator(chunk_size=5000)


if READY:
    register_dataset(
        "petitions", identifier="6.1",
        title_uk="Електронні петиції", title_en="Electronic petitions",
        description_uk="Електронні петиції до ради громади: статус, кількість підписів, поріг, дати розгляду.",
        description_en="Electronic petitions to the council: status, signature counts, threshold, dates.",
        frequency=Frequency.DAILY, producer=produce_petitions, formats=(Format.CSV, Format.JSON, Format.XLSX),
        keywords=("петиції", "електронна демократія"), themes=("GOVE", "SOCI"),
        legal_basis="Закон України «Про звернення громадян», ст. 23-1; постанова КМУ № 835",
        columns=[
            Column("petition_id", "Номер петиції", "Petition number", "integer"),
            Column("title", "Назва", "Title"),
            Column("category", "Категорія", "Category"),
            Column("status", "Статус", "Status"),
            Column("published_at", "Оприлюднено", "Published", "datetime"),
            Column("collection_ends_at", "Кінець збору підписів", "Signature collection ends", "datetime"),
            Column("signature_count", "Кількість підписів", "Signatures", "integer"),
            Column("threshold", "Необхідна кількість підписів", "Signatures needed", "integer"),
            Column("threshold_reached_at", "Поріг досягнуто", "Threshold reached", "datetime"),
            Column("answered_at", "Відповідь надано", "Answered", "datetime"),
        ],
    )
    register_dataset(
        "petition-signatories", identifier="6.2",
        title_uk="Підписанти електронних петицій", title_en="Signatories of electronic petitions",
        description_uk="Прізвища та імена осіб, що підписали електронні петиції (лише імена, як вимагає закон).",
        description_en="Names of the people who signed electronic petitions (names only, as the law requires).",
        frequency=Frequency.DAILY, producer=produce_signatories, formats=(Format.CSV, Format.JSON),
        keywords=("петиції", "підписанти"), themes=("GOVE", "SOCI"),
        legal_basis="Закон України «Про звернення громадян», ст. 23-1; постанова КМУ № 835",
        columns=[
            Column("petition_id", "Номер петиції", "Petition number", "integer"),
            Column("petition_title", "Назва петиції", "Petition title"),
            Column("signatory_name", "Підписант", "Signatory"),
            Column("signed_at", "Дата підпису", "Signed", "datetime"),
        ],
    )
