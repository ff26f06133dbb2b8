"""Each day's head of every chain is kept, published (a page and an open data set) and checked by audit_verify:
deleting the newest records and moving the head back is caught even by someone who holds the key."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Dataset, Format
from hromada.core import tenancy
from hromada.core.audit.models import AuditDayHead
from hromada.core.audit.services import audit_record
from hromada.core.audit.tests import tampering
from hromada.core.audit.tests.tampering import sql, triggers_off

KYIV = ZoneInfo("Europe/Kyiv")
DAY_ONE = datetime(2026, 3, 2, 22, 30, tzinfo=KYIV)
DAY_TWO = datetime(2026, 3, 3, 9, 0, tzinfo=KYIV)


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", *args, stdout=StringIO())
    return str(excinfo.value)


@pytest.fixture
def yesterday(community, time_machine):
    """Five records late on day one; the next morning the first append publishes day one's head."""
    time_machine.move_to(DAY_ONE, tick=False)
    records = [audit_record(actor=None, action=f"test.step{i}", community=community, data={"step": i})
               for i in range(5)]
    time_machine.move_to(DAY_TWO, tick=False)
    return records


def test_the_first_append_of_a_day_publishes_the_previous_days_head(yesterday, community, client):
    assert not AuditDayHead.objects.exists()
    audit_record(actor=None, action="test.morning", community=community)
    head = AuditDayHead.objects.get()
    assert (head.chain, head.community, head.day, head.seq, head.hash) == (
        community.pk, community, date(2026, 3, 2), 5, yesterday[-1].hash)
    page = client.get("/c/kyiv/audit/heads/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert yesterday[-1].hash in body and "2026-03-02" in body


def test_the_command_publishes_for_chains_with_no_append_since_and_only_once(yesterday, community, client):
    audit_record(actor=None, action="test.platform.day_one")  # the platform's own chain, written today
    call_command("audit_publish_heads", stdout=StringIO())
    call_command("audit_publish_heads", stdout=StringIO())
    assert list(AuditDayHead.objects.values_list("chain", "day", "seq")) == [(community.pk, date(2026, 3, 2), 5)]
    platform_page = client.get("/audit/heads/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing is published yet" in platform_page
    assert yesterday[-1].hash not in platform_page  # each community's heads on its own page


def test_the_open_data_set_publishes_the_day_heads(yesterday, community):
    call_command("audit_publish_heads", stdout=StringIO())
    actions.platform_dataset_refresh(community=community, key="audit-heads")
    with tenancy.scope(community):
        resource = Dataset.objects.get(platform_key="audit-heads").resources.get(format=Format.CSV)
        with resource.current_version.file.open("rb") as handle:
            rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert [(r["day"], r["community"], r["records"], r["last_record_hash"]) for r in rows] == [
        ("2026-03-02", "kyiv", "5", yesterday[-1].hash)]


def test_day_heads_cannot_be_changed_in_the_database(yesterday, community):
    call_command("audit_publish_heads", stdout=StringIO())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("UPDATE audit_auditdayhead SET seq = 4")
    assert AuditDayHead.objects.get().seq == 5


def test_deleting_the_newest_record_with_the_key_is_caught_by_the_published_head(yesterday, community):
    call_command("audit_publish_heads", stdout=StringIO())
    with triggers_off():
        tampering.delete_newest_and_move_head_back(community.pk, with_key=True)
    message = _broken()
    assert "the head published for 2026-03-02" in message
    assert "names record number 5, the chain ends at 4" in message


@pytest.mark.parametrize("fmt", [Format.CSV, Format.JSON])
def test_a_rewrite_hidden_from_the_database_shows_against_a_copy_kept_outside(yesterday, community, tmp_path, fmt):
    call_command("audit_publish_heads", stdout=StringIO())
    actions.platform_dataset_refresh(community=community, key="audit-heads")
    with tenancy.scope(community):
        resource = Dataset.objects.get(platform_key="audit-heads").resources.get(format=fmt)
        with resource.current_version.file.open("rb") as handle:
            copy = tmp_path / f"audit-heads.{fmt.lower()}"
            copy.write_bytes(handle.read())
    # An insider with the key edits a record, re-seals the chain and removes the day head kept in the database.
    with triggers_off():
        tampering.set_columns(yesterday[2].pk, action="test.forged")
        tampering.resealed_with_the_key(community.pk, from_seq=3)
        sql("DELETE FROM audit_auditdayhead")
    call_command("audit_verify", stdout=StringIO())  # the database alone looks whole
    message = _broken("--published", str(copy))
    assert f"record #{yesterday[4].pk} (number 5," in message
    assert "differs from the head published for 2026-03-02 (published copy)" in message


def test_a_file_that_is_not_a_copy_of_the_heads_is_refused(db, tmp_path):
    wrong = tmp_path / "other.csv"
    wrong.write_text("name,title\nx,y\n", encoding="utf-8")
    assert "is not a copy of the published audit heads" in _broken("--published", str(wrong))
