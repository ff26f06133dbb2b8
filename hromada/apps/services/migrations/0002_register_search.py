"""Register search: FTS5 on SQLite, a pg_trgm index on PostgreSQL (see services/search.py)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE services_service_fts USING fts5(search_text, content='services_service', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER services_service_fts_ai AFTER INSERT ON services_service BEGIN "
    "INSERT INTO services_service_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER services_service_fts_ad AFTER DELETE ON services_service BEGIN "
    "INSERT INTO services_service_fts(services_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER services_service_fts_au AFTER UPDATE OF search_text ON services_service BEGIN "
    "INSERT INTO services_service_fts(services_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO services_service_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO services_service_fts(services_service_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS services_service_fts_au",
    "DROP TRIGGER IF EXISTS services_service_fts_ad",
    "DROP TRIGGER IF EXISTS services_service_fts_ai",
    "DROP TABLE IF EXISTS services_service_fts",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS services_search_trgm_idx ON services_service "
    "USING gin (UPPER(search_text) gin_trgm_ops)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS services_search_trgm_idx"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE})),
    ]
