"""CKAN API tokens: stored only as hashes, shown once, rotated through an audited action."""

from __future__ import annotations

import hashlib
import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.authtoken.models import Token

from hromada.apps.opendata import actions
from hromada.apps.opendata.models import ApiToken
from hromada.core.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
API = "/c/kyiv/api/3/action/"
OFFICE_TOKEN = "/c/kyiv/opendata/office/token/"


def create_package(client, key, name):
    passport = {"name": name, "title": name.title(), "notes": "Опис", "identifier": "5.1", "maintainer": "Петро",
                "maintainer_email": "p@rada.test", "legal_basis": "835", "update_frequency": "yearly"}
    response = client.post(API + "package_create", json.dumps(passport),
                           content_type="application/json", HTTP_AUTHORIZATION=key)
    return response.status_code, response.json()


def issue_in_office(client, user) -> tuple[str, ApiToken]:
    client.force_login(user)
    response = client.post(OFFICE_TOKEN, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    key = response.context["key"]
    assert key and key in response.content.decode()
    return key, token


def _every_text_value_in_the_database() -> str:
    """All text columns of every table the platform keeps, to look for a key stored in clear."""
    dump = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            fields = [f.column for f in model._meta.concrete_fields
                      if f.get_internal_type() in ("CharField", "TextField")]
            if not fields:
                continue
            columns = ", ".join(connection.ops.quote_name(c) for c in fields)
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            dump.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(dump)


def test_the_office_shows_the_key_once_and_the_database_holds_only_its_hash(client, community, staff):
    admin = staff("admin")
    key, token = issue_in_office(client, admin)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in _every_text_value_in_the_database()
    again = client.get(OFFICE_TOKEN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert key not in again
    assert f"You have a token beginning with {key[:8]}" in again
    status, body = create_package(client, key, "trees")
    assert status == 200, body


def test_rotation_stops_the_old_key_and_is_audited(client, community, staff):
    admin = staff("admin")
    old_key, _token = issue_in_office(client, admin)
    new_key, _token = issue_in_office(client, admin)
    assert new_key != old_key
    status, body = create_package(client, old_key, "with-old-key")
    assert status == 403, body
    assert body["error"]["__type"] == "Authorization Error"
    status, body = create_package(client, new_key, "with-new-key")
    assert status == 200, body
    records = list(AuditRecord.objects.filter(action__startswith="opendata.api_token").order_by("pk"))
    assert [(r.action, r.actor_id, r.community_id) for r in records] == [
        ("opendata.api_token_issue", admin.pk, community.pk),
        ("opendata.api_token_rotate", admin.pk, community.pk),
    ]
    assert records[1].data == {"key_prefix": new_key[:8], "replaced": old_key[:8]}
    assert old_key not in json.dumps([r.data for r in records]) and new_key not in json.dumps([r.data for r in records])


def test_a_resident_gets_no_token(client, community, resident):
    client.force_login(resident)
    assert client.post(OFFICE_TOKEN).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.api_token_rotate(community=community, by=resident)
    assert not ApiToken.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="opendata.api_token").exists()


def test_the_migration_hashes_the_staff_tokens_kept_in_clear(client, community, staff, resident):
    admin = staff("admin")
    clear_admin = Token.objects.create(user=admin).key
    clear_resident = Token.objects.create(user=resident).key
    migration = importlib.import_module("hromada.apps.opendata.migrations.0004_api_token_hashed")
    state = MigrationExecutor(connection).loader.project_state(("opendata", "0004_api_token_hashed"))
    migration.hash_staff_tokens(state.apps, None)
    assert not Token.objects.filter(key=clear_admin).exists()
    assert ApiToken.objects.get(user=admin).key_hash == hashlib.sha256(clear_admin.encode()).hexdigest()
    # A resident's REST API token never served the CKAN write actions and stays as it was.
    assert Token.objects.filter(key=clear_resident).exists() and not ApiToken.objects.filter(user=resident).exists()
    status, body = create_package(client, clear_admin, "after-migration")
    assert status == 200, body
