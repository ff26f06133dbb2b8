"""`hromada createcommunity` and `hromada demo` as a platform operator runs them."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hromada.apps.accounts.models import StaffRole, User
from hromada.apps.communities.models import Community, Department, District
from hromada.core import tenancy
from hromada.core.audit.models import AuditRecord


def _counts() -> dict[str, int]:
    with tenancy.scope(all_communities=True):
        return {
            "communities": Community.objects.count(),
            "districts": District.objects.count(),
            "departments": Department.objects.count(),
            "staff_roles": StaffRole.objects.count(),
            "users": User.objects.count(),
        }


def test_demo_is_idempotent(db, capsys):
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    assert first["communities"] == 1
    assert first["districts"] == 4
    assert first["departments"] == 5
    out = capsys.readouterr().out
    assert "Demo community ready: /c/demo/" in out
    assert User.objects.get(email="platform@hromada.local").is_superuser


def test_demo_site_serves_its_districts(client, db):
    call_command("demo")
    body = client.get("/c/demo/api/v1/community/districts/").json()
    assert body["count"] == 4
    assert "Центральний" in [d["name_uk"] for d in body["results"]]


def test_created_community_is_isolated_from_demo(client, db, capsys):
    call_command("demo")
    call_command("createcommunity", "lviv", "Львів", "--name-en", "Lviv")
    assert "Created community lviv" in capsys.readouterr().out
    lviv = Community.objects.get(slug="lviv")
    assert lviv.name_uk == "Львів"
    for resource in ("districts", "departments"):
        body = client.get(f"/c/lviv/api/v1/community/{resource}/").json()
        assert body == {"count": 0, "next": None, "previous": None, "results": []}
        assert client.get(f"/c/demo/api/v1/community/{resource}/").json()["count"] > 0
    with tenancy.scope(lviv):
        assert District.objects.count() == 0
        assert Department.objects.count() == 0
        assert StaffRole.objects.count() == 0
    assert client.get("/c/lviv/").status_code == 200


def test_createcommunity_is_audited(db):
    call_command("createcommunity", "lviv", "Львів")
    record = AuditRecord.objects.get(action="communities.create")
    assert record.target_id == str(Community.objects.get(slug="lviv").pk)
    assert record.data == {"slug": "lviv"}


def test_createcommunity_with_own_domain(client, db):
    call_command("createcommunity", "lviv", "Львів", "--domain", "rada.lviv.test")
    assert client.get("/", HTTP_HOST="rada.lviv.test").status_code == 200


@pytest.mark.parametrize(("args", "message"), [
    (["demo", "Ще одна демо"], "already exists"),
    (["DEMO", "Ще одна демо"], "already exists"),
    (["bad slug", "Погана"], "slug"),
    (["lead-", "Погана"], "slug"),
    (["under_score", "Погана"], "slug"),
    (["львів", "Кирилиця"], "slug"),
    (["x" * 64, "Задовга"], "slug"),
    (["ok-slug", ""], "name_uk"),
])
def test_createcommunity_refuses_bad_input_and_creates_nothing(db, args, message):
    call_command("demo")
    before = _counts()
    records = AuditRecord.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("createcommunity", *args)
    assert _counts() == before
    assert AuditRecord.objects.count() == records


def test_createcommunity_refuses_a_taken_domain(db):
    call_command("createcommunity", "lviv", "Львів", "--domain", "rada.test")
    with pytest.raises(CommandError, match="domain"):
        call_command("createcommunity", "kyiv", "Київ", "--domain", "rada.test")
    assert not Community.objects.filter(slug="kyiv").exists()
