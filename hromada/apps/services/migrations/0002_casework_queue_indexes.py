"""Partial indexes of the back-office queues: the open cases of each queue, in the order the queue shows them.

The ЦНАП's queue of an office and the provider's queue of a department read the first 50 cases nearest term
first straight from the index, with no sort of the queue's thousands of rows; the controller's view counts
undecided cases by term from an index that also carries the service and the department (PostgreSQL's INCLUDE:
an index-only scan). They are created here, not declared on the model, because the model's Meta cannot say
INCLUDE on one database and not on the other (SQLite gets the same indexes without it).
"""

from django.db import migrations

CNAP = "('submitted', 'accepted', 'result_ready', 'returned')"
PROVIDER = "('in_work', 'granted', 'refused')"
UNDECIDED = "('submitted', 'returned', 'accepted', 'in_work')"

INDEXES = [
    ("services_cnap_open_idx", "(community_id, office_id, due_at, submitted_at, id)", "", CNAP),
    ("services_provider_open_idx", "(community_id, department_id, due_at, submitted_at, id)", "", PROVIDER),
    ("services_undecided_due_idx", "(community_id, due_at)", "(service_id, department_id)", UNDECIDED),
]


def create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, columns, include, statuses in INDEXES:
        extra = f" INCLUDE {include}" if include and postgresql else ""
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON services_servicecase {columns}{extra} "
                              f"WHERE status IN {statuses}")


def drop(apps, schema_editor):
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
