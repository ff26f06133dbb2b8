"""Audited writes of different communities do not wait for each other; those of one community never fork
its chain. Runs on PostgreSQL; SQLite serialises every write, so there is nothing to race."""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction

from hromada.core.audit.models import AuditRecord
from hromada.core.audit.services import audit_record, verify_chains
from hromada.testing import factories
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE


def test_a_community_holding_its_chain_does_not_stop_another_communitys_append():
    kyiv, lviv = factories.make_community("kyiv"), factories.make_community("lviv")
    audit_record(actor=None, action="test.warm", community=kyiv)
    audit_record(actor=None, action="test.warm", community=lviv)
    kyiv_holds_its_head, lviv_done = threading.Event(), threading.Event()

    def long_kyiv_transaction() -> bool:
        with transaction.atomic():
            audit_record(actor=None, action="test.kyiv", community=kyiv)
            kyiv_holds_its_head.set()
            # Kyiv's head stays locked until this transaction ends; Lviv must finish meanwhile.
            return lviv_done.wait(timeout=10)

    def lviv_append() -> float:
        assert kyiv_holds_its_head.wait(timeout=10)
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            audit_record(actor=None, action="test.lviv", community=lviv)
        lviv_done.set()
        return time.monotonic() - started

    kyiv_outcome, lviv_outcome = run_together([long_kyiv_transaction, lviv_append])

    assert not isinstance(lviv_outcome, Exception), lviv_outcome
    assert lviv_outcome < 2
    assert kyiv_outcome is True  # Lviv's append completed while Kyiv still held its head
    assert AuditRecord.objects.filter(action__in=["test.kyiv", "test.lviv"]).count() == 2
    assert all(not report.reason for report in verify_chains())


def test_parallel_appends_of_one_community_make_one_unbroken_chain():
    kyiv = factories.make_community("kyiv")
    outcomes = run_together([lambda n=n: audit_record(actor=None, action=f"test.{n}", community=kyiv)
                             for n in range(12)])
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert sorted(record.seq for record in outcomes) == list(range(1, 13))
    [report] = verify_chains()
    assert (report.checked, report.reason) == (12, "")
