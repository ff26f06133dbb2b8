"""The audit log is append-only, keyed and chained per community; `hromada audit_verify` reports tampering."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from hromada.core.audit.models import GENESIS_HASH, PLATFORM_CHAIN, AuditChainHead, AuditRecord
from hromada.core.audit.services import audit_record, verify_chains
from hromada.core.audit.tests import tampering
from hromada.core.audit.tests.tampering import sql, triggers_off


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        _verify(*args)
    return str(excinfo.value)


@pytest.fixture
def chain(community, resident):
    return [
        audit_record(actor=resident, action=f"test.step{i}", community=community, target=community,
                     data={"step": i, "note": "запис"})
        for i in range(5)
    ]


def test_records_link_to_the_previous_hash_in_their_communitys_chain(chain, community, other_community):
    assert chain[0].prev_hash == GENESIS_HASH
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    assert [r.seq for r in chain] == [1, 2, 3, 4, 5]
    stored = list(AuditRecord.objects.order_by("pk"))
    assert [r.hash for r in stored] == [r.hash for r in chain]
    assert AuditChainHead.objects.get(chain=community.pk).last_hash == chain[-1].hash
    # Another community and the platform start chains of their own.
    elsewhere = audit_record(actor=None, action="test.lviv", community=other_community)
    platform = audit_record(actor=None, action="test.platform")
    assert (elsewhere.chain, elsewhere.seq, elsewhere.prev_hash) == (other_community.pk, 1, GENESIS_HASH)
    assert (platform.chain, platform.seq, platform.prev_hash) == (PLATFORM_CHAIN, 1, GENESIS_HASH)
    assert "7 records verified in 3 chains" in _verify()


def test_the_seal_depends_on_the_key(chain):
    record = AuditRecord.objects.get(pk=chain[1].pk)
    assert record.compute_hash() == record.hash
    with override_settings(AUDIT_HMAC_KEY="another key"):
        assert record.compute_hash() != record.hash


def test_record_remembers_who_and_what(chain, resident, community):
    record = AuditRecord.objects.get(pk=chain[2].pk)
    assert record.actor == resident
    assert record.community == community
    assert record.target_type == "communities.community"
    assert record.target_id == str(community.pk)
    assert record.data == {"step": 2, "note": "запис"}


def test_verify_passes_on_an_intact_chain(chain):
    assert "Audit chain intact: 5 records verified in 1 chains." in _verify()


def test_verify_passes_on_an_empty_log(db):
    assert "Audit chain intact: 0 records verified" in _verify()


def test_the_database_refuses_update(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("UPDATE audit_auditrecord SET action = %s WHERE id = %s", ["test.forged", chain[1].pk])
    assert AuditRecord.objects.get(pk=chain[1].pk).action == "test.step1"


def test_the_database_refuses_delete_and_moving_the_head_back(chain, community):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite refuses UPDATE only: Django empties its tables with DELETE between tests")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM audit_auditrecord WHERE id = %s", [chain[-1].pk])
    with pytest.raises(DatabaseError, match="may only move forward"), transaction.atomic():
        sql("UPDATE audit_auditchainhead SET last_seq = last_seq - 1 WHERE chain = %s", [community.pk])
    with pytest.raises(DatabaseError, match="may only move forward"), transaction.atomic():
        sql("DELETE FROM audit_auditchainhead WHERE chain = %s", [community.pk])
    assert AuditRecord.objects.count() == 5
    assert "5 records verified" in _verify()


def test_changed_data_is_reported_with_the_record_id(chain):
    with triggers_off():
        tampering.set_columns(chain[2].pk, data={"step": 2, "note": "підроблено"})
    message = _broken()
    assert f"record #{chain[2].pk} (number 3," in message
    assert "was changed" in message
    assert "2 records before it are intact" in message


def test_an_edit_with_the_chain_recomputed_without_the_key_is_reported_at_the_edit(chain, community):
    # The old, unkeyed chain let this pass: change a record, re-hash it and every record after it, move the head.
    with triggers_off():
        tampering.set_columns(chain[1].pk, action="test.forged")
        tampering.rehash_unkeyed(community.pk, from_seq=2)
    message = _broken()
    assert f"record #{chain[1].pk} (number 2, test.forged" in message
    assert "keyed hash" in message
    assert "1 records before it are intact" in message


def test_the_first_of_several_tampered_records_is_reported(chain, community):
    with triggers_off():
        tampering.set_columns(chain[3].pk, target_id="999")
        tampering.set_columns(chain[1].pk, target_id="998")
    [report] = verify_chains()
    assert report.bad.pk == chain[1].pk


def test_a_record_moved_to_another_communitys_chain_is_reported(chain, other_community):
    with triggers_off():
        tampering.set_columns(chain[4].pk, community_id=other_community.pk)
    assert f"record #{chain[4].pk} " in _broken()


def test_deleted_middle_record_is_detected(chain):
    with triggers_off():
        sql("DELETE FROM audit_auditrecord WHERE id = %s", [chain[2].pk])
    message = _broken()
    assert f"record #{chain[3].pk} (number 4," in message
    assert "number 3 in the chain expected" in message


def test_deleted_newest_record_is_detected(chain):
    with triggers_off():
        sql("DELETE FROM audit_auditrecord WHERE id = %s", [chain[-1].pk])
    assert "chain head names record number 5, the chain ends at 4" in _broken()


def test_deleting_the_newest_record_and_moving_the_head_back_is_detected(chain, community):
    # The old head held only the last hash; putting the previous one back made the log look whole.
    with triggers_off():
        tampering.delete_newest_and_move_head_back(community.pk)
    message = _broken()
    assert "chain head" in message
    assert "keyed seal does not match" in message


def test_model_save_update_and_delete_are_refused(chain):
    record = AuditRecord.objects.get(pk=chain[0].pk)
    record.action = "test.rewritten"
    with pytest.raises(PermissionError, match="append-only"):
        record.save()
    with pytest.raises(PermissionError, match="append-only"):
        record.delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditRecord.objects.all().delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditRecord.objects.filter(pk=chain[0].pk).update(action="test.rewritten")
    assert AuditRecord.objects.get(pk=chain[0].pk).action == "test.step0"
    assert "5 records verified" in _verify()


def test_rolled_back_record_leaves_no_trace(chain, community):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back", community=community)
        raise RuntimeError("the surrounding operation failed")
    assert not AuditRecord.objects.filter(action="test.rolled_back").exists()
    assert AuditChainHead.objects.get(chain=community.pk).last_hash == chain[-1].hash
    after = audit_record(actor=None, action="test.after", community=community)
    assert (after.prev_hash, after.seq) == (chain[-1].hash, 6)
    assert "6 records verified" in _verify()


def test_rollback_of_the_very_first_record(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.first")
        raise RuntimeError
    record = audit_record(actor=None, action="test.second")
    assert (record.prev_hash, record.seq) == (GENESIS_HASH, 1)
    assert "1 records verified" in _verify()


def test_tampering_in_one_community_names_that_community(chain, other_community):
    audit_record(actor=None, action="test.lviv", community=other_community)
    with triggers_off():
        tampering.set_columns(chain[0].pk, action="test.forged")
    message = _broken()
    assert "Audit chain of kyiv BROKEN" in message
    assert "lviv" not in message

