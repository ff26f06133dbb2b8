"""No personal data in open data: seed known names, phones, e-mails and addresses, publish, scan every file."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command

from hromada.apps.opendata.models import ResourceVersion
from hromada.core import tenancy

from .conftest import SECRET_ADDRESS, SECRET_EMAIL, SECRET_PHONE, SIGNER_NAME

pytestmark = pytest.mark.django_db
FORBIDDEN = [SECRET_EMAIL, SECRET_PHONE, SECRET_ADDRESS, "oksana.signer@private-mail.test", "+380501112233",
             "вул. Прихована", "private-mail.test", "10.1.2.3", "Чернетка з секретом", "Марко Заявник", "Яма біля",
             "49.7912345", "30.1123456"]


def _texts_of_published_files(community) -> dict[str, str]:
    out = {}
    with tenancy.scope(community):
        for version in ResourceVersion.objects.select_related("resource"):
            with version.file.open("rb") as handle:
                raw = handle.read()
            if version.resource.format == "XLSX":
                with zipfile.ZipFile(io.BytesIO(raw)) as book:  # the sheet's strings live in its XML parts
                    raw = b"".join(book.read(name) for name in book.namelist())
            out[f"{version.resource.dataset.name}.{version.resource.format}"] = raw.decode("utf-8")
    return out


def test_no_published_file_holds_contacts_but_signatory_names_are_there(community, seeded, client):
    call_command("opendata", "refresh", community.slug)
    texts = _texts_of_published_files(community)
    assert len(texts) >= 8
    for name, text in texts.items():
        for secret in FORBIDDEN:
            assert secret not in text, f"{secret!r} leaked into {name}"
    assert SIGNER_NAME in texts["petition-signatories.CSV"]  # public by law, by name only
    assert "ЗВ-2026-000017" in texts["appeals.CSV"]  # the appeal is there, de-identified
    archive = client.get("/c/kyiv/opendata/opendata.zip")
    assert archive.status_code == 200 and archive.streaming
    data = b"".join(archive.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert len(bundle.namelist()) == len(texts)
        for member in bundle.namelist():
            content = bundle.read(member)
            if member.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(content)) as book:
                    content = b"".join(book.read(n) for n in book.namelist())
            for secret in FORBIDDEN:
                assert secret.encode() not in content, f"{secret!r} leaked into {member} of the bulk zip"


def test_the_catalogue_and_api_show_no_resident_contacts(community, seeded, client):
    call_command("opendata", "refresh", community.slug)
    for path in ("/c/kyiv/opendata/catalog.ttl", "/c/kyiv/api/3/action/package_search?rows=1000",
                 "/c/kyiv/opendata/dataset/petition-signatories/"):
        body = client.get(path).content.decode()
        for secret in FORBIDDEN:
            assert secret not in body, f"{secret!r} leaked into {path}"
