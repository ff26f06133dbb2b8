"""Demo open data for `hromada demo`: department publishers, one uploaded data set, platform data sets refreshed."""

from __future__ import annotations

from django.utils import timezone

from hromada.apps.communities.models import Community, Department
from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Dataset, Frequency, Publisher

DEMO_CSV = (
    "name,address,longitude,latitude\n"
    "Дитячий майданчик «Сонечко»,вул. Соборна 5,30.112,49.791\n"
    "Сквер Шевченка,вул. Шевченка 1,30.121,49.802\n"
    "Спортивний майданчик школи № 3,вул. Заводська 12,30.151,49.786\n"
)


def load_demo(community: Community) -> None:
    publisher = actions.council_publisher(community)
    eco = Department.objects.filter(code="ECO").first()
    if eco is not None:
        publisher, _created = Publisher.objects.get_or_create(
            community=community, name="eco", defaults={
                "title_uk": eco.name_uk, "title_en": eco.name_en, "edrpou": community.edrpou, "department": eco})
    if not Dataset.objects.filter(name="playgrounds").exists():
        dataset = actions.dataset_save(
            community=community, by=None, publisher=publisher,
            fields={"name": "playgrounds", "identifier": "9.1", "title_uk": "Дитячі та спортивні майданчики",
                    "title_en": "Playgrounds and sports grounds",
                    "description_uk": "Майданчики громади з адресами та координатами.",
                    "description_en": "Playgrounds of the community with addresses and coordinates.",
                    "responsible_person": "Відділ благоустрою та екології",
                    "responsible_email": community.email or "eco@demo.hromada.local",
                    "legal_basis": "Постанова КМУ від 21.10.2015 № 835", "purpose": "Інформування мешканців",
                    "frequency": Frequency.QUARTERLY, "spatial": community.name_uk,
                    "temporal_start": timezone.localdate().replace(month=1, day=1)},
            tags=["благоустрій", "майданчики"], themes=[actions.theme_for(community, "REGI")])
        actions.resource_upload(dataset=dataset, by=None, fmt="CSV", raw=DEMO_CSV.encode("cp1251"),
                                name_uk="Майданчики (CSV)", name_en="Playgrounds (CSV)")
    actions.platform_datasets_refresh(community=community)
