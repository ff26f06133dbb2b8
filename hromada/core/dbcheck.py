"""`python -m hromada.core.dbcheck URL`: exit 0 when that PostgreSQL server answers, 1 otherwise."""

import sys

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def main(url: str) -> int:
    params = conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    params["dbname"] = "postgres"  # the test database itself is created by the test run
    params["connect_timeout"] = 3
    try:
        with psycopg.connect(make_conninfo("", **params)) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        print(f"PostgreSQL check failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
