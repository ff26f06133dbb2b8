"""Data set passports keep no control or bidi characters, through the CKAN API as through the office."""

from hromada.apps.opendata.models import Dataset
from hromada.apps.opendata.tests.test_ckan import token_for, write
from hromada.core import tenancy


def test_ckan_package_create_stores_clean_text(client, community, staff):
    token = token_for(staff("admin"))
    response, body = write(client, "package_create", token, name="bus-stops", title="Зупинки\x01\u202e",
                           notes="Усі\x1b зупинки\r\nміста\x7f", maintainer="Петро\x1f",
                           identifier="5.1", maintainer_email="p@rada.test", legal_basis="835",
                           update_frequency="yearly",
                           tags=[{"name": "тран\x02спорт"}])
    assert response.status_code == 200, body
    with tenancy.scope(community):
        dataset = Dataset.objects.get(name="bus-stops")
    assert (dataset.title_uk, dataset.description_uk, dataset.responsible_person) == (
        "Зупинки", "Усі зупинки\nміста", "Петро")
    assert body["result"]["tags"][0]["name"] == "транспорт"
