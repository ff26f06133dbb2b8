"""Fixtures for open-data tests: a catalogue with publishers, themes, uploaded and platform data sets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Frequency
from hromada.core import tenancy
from hromada.testing import factories

# Personal data seeded into the modules; none of it may appear in any published file.
SECRET_EMAIL = "taras.secret@private-mail.test"
SECRET_PHONE = "+380671234567"
SECRET_ADDRESS = "вул. Таємна, 13, кв. 7"
SIGNER_NAME = "Оксана Підписантенко"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def passport(**overrides):
    fields = {
        "name": "air-quality", "identifier": "3.2", "title_uk": "Якість повітря", "title_en": "Air quality",
        "description_uk": "Вимірювання якості повітря на постах громади.",
        "description_en": "Air quality measurements at the community's posts.",
        "responsible_person": "Ірина Відповідальна", "responsible_email": "eco@rada.test",
        "legal_basis": "Постанова КМУ № 835", "purpose": "Інформування", "frequency": Frequency.MONTHLY,
        "spatial": "Київ",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_dataset(community):
    def make(*, by=None, publisher=None, tags=("екологія",), themes=("REGI",), csv=None, **overrides):
        with tenancy.scope(community):
            publisher = publisher or actions.council_publisher(community)
            dataset = actions.dataset_save(community=community, by=by, fields=passport(**overrides),
                                           publisher=publisher, tags=list(tags),
                                           themes=[actions.theme_for(community, t) for t in themes])
            if csv is not None:
                actions.resource_upload(dataset=dataset, by=by, fmt="CSV", raw=csv.encode(), name_uk="Дані")
        return dataset

    return make


@pytest.fixture
def seeded(community):
    """Petitions with signatories whose contacts are known, so a scan can look for them."""
    from hromada.apps.petitions.models import Petition, PetitionStatus, Signature

    author = factories.make_user(community=community, email=SECRET_EMAIL, phone=SECRET_PHONE,
                                 address=SECRET_ADDRESS, full_name="Тарас Автор")
    signer = factories.make_user(community=community, email="oksana.signer@private-mail.test",
                                 phone="+380501112233", address="вул. Прихована, 2", full_name=SIGNER_NAME)
    now = timezone.now()
    with tenancy.scope(community):
        petition = Petition.objects.create(
            community=community, title="Велодоріжка на Соборній", text=f"Пишіть мені: {SECRET_EMAIL}",
            author=author, status=PetitionStatus.COLLECTING, signature_count=2, threshold=100,
            published_at=now - timedelta(days=1), collection_ends_at=now + timedelta(days=30))
        Petition.objects.create(community=community, title="Чернетка з секретом", text="...", author=author,
                                status=PetitionStatus.DRAFT)
        for person in (author, signer):
            Signature.objects.create(community=community, petition=petition, person=person, ip="10.1.2.3",
                                     email_domain="private-mail.test")
        from hromada.apps.appeals.models import Appeal, Category

        potholes = Category.objects.create(community=community, code="pothole", name_uk="Вибоїни", is_public=True)
        Appeal.objects.create(
            community=community, number="ЗВ-2026-000017", text=f"Яма біля мого дому, {SECRET_ADDRESS}",
            category=potholes,
            author=None, author_name="Марко Заявник", author_address=SECRET_ADDRESS, author_email=SECRET_EMAIL,
            author_phone=SECRET_PHONE, location_text=SECRET_ADDRESS, latitude=49.7912345, longitude=30.1123456,
            due_date=timezone.localdate() + timedelta(days=15), due_at=now + timedelta(days=15))
    return petition
