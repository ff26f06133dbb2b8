"""Data set 1.7, the register of the community's data sets, with DCAT-named columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hromada.apps.opendata.models import Dataset, Format, Frequency
from hromada.apps.opendata.registry import Column, register_dataset


def produce(community: Any) -> Iterator[tuple]:
    base = community.public_url
    datasets = (Dataset.objects.filter(is_published=True).select_related("publisher")
                .prefetch_related("tags", "themes", "resources").order_by("identifier", "name"))
    for d in datasets.iterator(chunk_size=500):
        yield (
            d.identifier, d.title_uk, d.description_uk, d.publisher.title_uk, d.publisher.edrpou,
            ";".join(t.name for t in d.tags.all()), ";".join(t.eu_theme for t in d.themes.all()),
            d.frequency, d.created_at, d.metadata_modified, f"{base}opendata/dataset/{d.name}/",
            d.license_id, d.responsible_person, d.responsible_email,
            ";".join(sorted({r.format for r in d.resources.all()})), d.language,
        )


register_dataset(
    "dataset-register", identifier="1.7",
    title_uk="Реєстр наборів даних", title_en="Register of data sets",
    description_uk="Перелік наборів даних, що перебувають у володінні розпорядника (п. 1.7 Положення, "
                   "затвердженого постановою КМУ № 835), з назвами колонок за словником DCAT.",
    description_en="The data sets the community holds (item 1.7 of CMU resolution 835), columns named after DCAT.",
    frequency=Frequency.ON_CHANGE, producer=produce, formats=(Format.CSV, Format.JSON, Format.XLSX),
    keywords=("реєстр", "набори даних", "DCAT"), themes=("GOVE",),
    columns=[
        Column("identifier", "Ідентифікатор", "Identifier"),
        Column("title", "Назва", "Title"),
        Column("description", "Опис", "Description"),
        Column("publisher", "Розпорядник", "Publisher"),
        Column("publisher_identifier", "Код ЄДРПОУ розпорядника", "Publisher EDRPOU code"),
        Column("keyword", "Ключові слова", "Keywords"),
        Column("theme", "Теми", "Themes"),
        Column("accrualPeriodicity", "Періодичність оновлення", "Update frequency"),
        Column("issued", "Дата першого оприлюднення", "Issued", "datetime"),
        Column("modified", "Дата останньої зміни", "Modified", "datetime"),
        Column("landingPage", "Сторінка набору", "Landing page"),
        Column("license", "Ліцензія", "Licence"),
        Column("contactPoint_fn", "Відповідальна особа", "Responsible person"),
        Column("contactPoint_hasEmail", "Електронна пошта відповідальної особи", "Responsible person's e-mail"),
        Column("distribution_format", "Формати", "Formats"),
        Column("language", "Мова", "Language"),
    ],
)
