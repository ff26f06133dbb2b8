"""The database itself refuses to change or delete audit records and published day heads, and to move a
chain head back. PostgreSQL: a trigger raising an exception. SQLite (the development database): triggers
refusing UPDATE only, because Django empties SQLite tables with DELETE between tests."""

from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE FUNCTION audit_refuse_head_back() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR NEW.chain <> OLD.chain OR NEW.last_seq < OLD.last_seq THEN
            RAISE EXCEPTION 'audit chain head may only move forward: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    """CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_dayhead_append_only BEFORE UPDATE OR DELETE ON audit_auditdayhead
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_head_back()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER audit_head_forward_only ON audit_auditchainhead",
    "DROP TRIGGER audit_dayhead_append_only ON audit_auditdayhead",
    "DROP TRIGGER audit_record_append_only ON audit_auditrecord",
    "DROP FUNCTION audit_refuse_head_back()",
    "DROP FUNCTION audit_refuse_change()",
]
SQLITE = [
    """CREATE TRIGGER audit_record_append_only BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on audit_auditrecord refused'); END""",
    """CREATE TRIGGER audit_dayhead_append_only BEFORE UPDATE ON audit_auditdayhead
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on audit_auditdayhead refused'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NEW.chain <> OLD.chain OR NEW.last_seq < OLD.last_seq
       BEGIN SELECT RAISE(ABORT, 'audit chain head may only move forward'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_head_forward_only",
    "DROP TRIGGER audit_dayhead_append_only",
    "DROP TRIGGER audit_record_append_only",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_reseal_keyed_chains'),
    ]

    operations = [
        migrations.RemoveField(model_name='auditchainhead', name='last_id'),
        migrations.AlterField(
            model_name='auditchainhead',
            name='chain',
            field=models.BigIntegerField(unique=True, verbose_name='chain'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='seq',
            field=models.BigIntegerField(verbose_name='number in the chain'),
        ),
        migrations.AddConstraint(
            model_name='auditrecord',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_record_chain_seq'),
        ),
        migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                             _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})),
    ]
