"""The audit log is append-only and any tampering is reported by `hromada audit_verify`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from hromada.core.audit.models import GENESIS_HASH, AuditChainHead, AuditRecord
from hromada.core.audit.services import audit_record, verify_chain


def _verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.fixture
def chain(community, resident):
    return [
        audit_record(actor=resident, action=f"test.step{i}", community=community, target=community,
                     data={"step": i, "note": "запис"})
        for i in range(5)
    ]


def test_records_link_to_the_previous_hash(chain):
    assert chain[0].prev_hash == GENESIS_HASH
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({r.hash for r in chain}) == 5
    stored = list(AuditRecord.objects.order_by("pk"))
    assert [r.hash for r in stored] == [r.hash for r in chain]
    assert AuditChainHead.objects.get(pk=1).last_hash == chain[-1].hash


def test_record_remembers_who_and_what(chain, resident, community):
    record = AuditRecord.objects.get(pk=chain[2].pk)
    assert record.actor == resident
    assert record.community == community
    assert record.target_type == "communities.community"
    assert record.target_id == str(community.pk)
    assert record.data == {"step": 2, "note": "запис"}


def test_verify_passes_on_an_intact_chain(chain):
    assert "Audit chain intact: 5 records verified." in _verify()


def test_verify_passes_on_an_empty_log(db):
    assert "Audit chain intact: 0 records verified." in _verify()


def test_changed_data_is_reported_with_the_record_id(chain):
    # A raw UPDATE bypasses the model's guard, as an attacker with database access would.
    AuditRecord.objects.filter(pk=chain[2].pk).update(data={"step": 2, "note": "підроблено"})
    with pytest.raises(CommandError) as excinfo:
        _verify()
    message = str(excinfo.value)
    assert f"record #{chain[2].pk}" in message
    assert "was changed" in message
    assert "2 records before it are intact" in message


def test_changed_data_via_sql_is_reported(chain):
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.forged", chain[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=rf"record #{chain[1].pk} "):
        _verify()


def test_the_first_of_several_tampered_records_is_reported(chain):
    AuditRecord.objects.filter(pk=chain[3].pk).update(target_id="999")
    AuditRecord.objects.filter(pk=chain[1].pk).update(target_id="998")
    _checked, bad, _reason = verify_chain()
    assert bad.pk == chain[1].pk


def test_rehashed_forgery_breaks_the_next_link(chain):
    # Re-sealing the changed record is not enough: the next record still holds the old hash.
    forged = AuditRecord.objects.get(pk=chain[2].pk)
    forged.data = {"step": 2, "note": "підроблено"}
    AuditRecord.objects.filter(pk=forged.pk).update(data=forged.data, hash=forged.compute_hash())
    with pytest.raises(CommandError, match=rf"record #{chain[3].pk} .*previous-hash link broken"):
        _verify()


def test_deleted_middle_record_is_detected(chain):
    AuditRecord.objects.filter(pk=chain[2].pk)._raw_delete(connection.alias)
    with pytest.raises(CommandError, match=rf"record #{chain[3].pk} .*previous-hash link broken"):
        _verify()


def test_deleted_newest_record_is_detected(chain):
    AuditRecord.objects.filter(pk=chain[-1].pk)._raw_delete(connection.alias)
    with pytest.raises(CommandError, match="chain head"):
        _verify()


def test_model_save_of_an_existing_record_is_refused(chain):
    record = AuditRecord.objects.get(pk=chain[0].pk)
    record.action = "test.rewritten"
    with pytest.raises(PermissionError, match="append-only"):
        record.save()
    assert AuditRecord.objects.get(pk=chain[0].pk).action == "test.step0"


def test_model_delete_is_refused(chain):
    with pytest.raises(PermissionError, match="append-only"):
        AuditRecord.objects.get(pk=chain[0].pk).delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.count() == 5
    assert "5 records verified" in _verify()


def test_rolled_back_record_leaves_no_trace(chain, community):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back", community=community)
        raise RuntimeError("the surrounding operation failed")
    assert not AuditRecord.objects.filter(action="test.rolled_back").exists()
    assert AuditChainHead.objects.get(pk=1).last_hash == chain[-1].hash
    after = audit_record(actor=None, action="test.after", community=community)
    assert after.prev_hash == chain[-1].hash
    assert "6 records verified" in _verify()


def test_rollback_of_the_very_first_record(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.first")
        raise RuntimeError
    record = audit_record(actor=None, action="test.second")
    assert record.prev_hash == GENESIS_HASH
    assert "1 records verified" in _verify()
