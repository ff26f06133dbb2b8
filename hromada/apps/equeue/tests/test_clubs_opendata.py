"""The open data set of club groups: places and enrolment counts per group, nothing about a child."""

from __future__ import annotations

import pytest

from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.tests.clubs_helpers import make_child, make_club, make_group, make_parent
from hromada.apps.opendata import registry
from hromada.core import tenancy

pytestmark = pytest.mark.django_db


def test_club_groups_data_set_counts_without_children(community):
    group = make_group(make_club(community, name_uk="Гурток «Кібер»"), name="Lego", capacity=1, fee="500.00")
    with tenancy.scope(community):
        for n in range(3):
            parent = make_parent(community)
            actions.enrol(group=group, child=make_child(parent, community, full_name=f"Секретне Ім’я {n}"),
                          parent=parent)
        spec = registry.get("club-groups")
        assert spec is not None
        rows = list(spec.producer(community))
    columns = [c.name for c in spec.columns]
    assert len(rows) == 1 and len(rows[0]) == len(columns)
    row = dict(zip(columns, rows[0], strict=True))
    assert (row["club"], row["group"], row["capacity"], row["requested"], row["waiting"]) == (
        "Гурток «Кібер»", "Lego", 1, 1, 2)
    assert "Секретне" not in repr(rows)
