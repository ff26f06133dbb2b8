"""One community's public endpoints asked through another community's address (its `/c/<slug>/` prefix
and its own host name) answer 404, never the first community's data, and asking them does not spoil
what the first community's own address answers (the process memories are kept by community).

The requests go through the real WSGI application, so the edge's paths are included."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hromada.apps.appeals import actions as appeal_actions
from hromada.apps.appeals.models import Category
from hromada.apps.petitions.selectors import forget_counts
from hromada.core import tenancy
from hromada.testing import wsgi

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Фонтан на площі Ринок"


def get(path: str, host: str = "127.0.0.1") -> tuple[int, str]:
    status, _headers, body = wsgi.call("GET", path, HTTP_HOST=host, HTTP_ACCEPT="application/json")
    return status, body.decode("utf-8", "replace")


@pytest.fixture
def owned(make_petition, community, other_community, person):
    """A collecting petition (signed by its author and one more) and a public appeal of `community`."""
    petition = make_petition(threshold=10, title=TITLE)
    from hromada.apps.petitions import actions

    with tenancy.scope(community):
        actions.petition_sign(petition=petition, person=person())
        category = Category.objects.create(community=community, code="pothole", name_uk="Вибоїни",
                                           is_public=True, needs_study=False)
        appeal = appeal_actions.appeal_register(
            community=community, text="Яма на дорозі біля фонтану", category=category, description_public=True,
            author=appeal_actions.Author(name="Марко Заявник", email="marko@example.test", address="вул. Ринок, 1"),
            latitude=None, longitude=None, location_text="площа Ринок", photos=[_photo()])
    return petition, appeal


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def endpoints(petition, appeal) -> list[str]:
    pk = petition.pk
    return [f"/petitions/{pk}/", f"/petitions/{pk}/count.json", f"/petitions/{pk}/signatories/",
            f"/api/v1/petitions/{pk}/", f"/api/v1/petitions/{pk}/count/", f"/api/v1/petitions/{pk}/signatories/",
            f"/api/v1/petitions/{pk}/signatories.csv", f"/appeals/status/{appeal.token}/",
            f"/open311/v2/requests/{appeal.number}.json", f"/open311/v2/requests/{appeal.number}.xml",
            f"/appeals/photos/{appeal.photos.get().pk}/"]


def test_another_communitys_address_answers_404_for_every_public_endpoint(owned):
    petition, appeal = owned
    with tenancy.scope(appeal.community):
        paths = endpoints(petition, appeal)
    for path in paths:
        status, body = get(f"/c/kyiv{path}")
        assert status == 200, (path, status)  # the owner's address answers
        for other, host in ((f"/c/lviv{path}", "127.0.0.1"), (path, "lviv.example.org")):
            status, body = get(other, host)
            assert status == 404, (other, host, status)
            assert TITLE not in body and "площа Ринок" not in body and '"count": 2' not in body, (other, host)


def test_polling_another_communitys_address_does_not_spoil_the_owners_count(owned):
    petition, _appeal = owned
    forget_counts()
    for _ in range(3):  # viewers poll the petition's id through the other community first
        assert get(f"/c/lviv/petitions/{petition.pk}/count.json")[0] == 404
        assert get(f"/petitions/{petition.pk}/count.json", "lviv.example.org")[0] == 404
    status, body = get(f"/c/kyiv/petitions/{petition.pk}/count.json")
    assert status == 200 and '"count": 2' in body
    status, body = get(f"/api/v1/petitions/{petition.pk}/count/", "kyiv.example.org")
    assert status == 200 and '"count":2' in body.replace(" ", "")
