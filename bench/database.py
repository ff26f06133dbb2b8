"""The dedicated benchmark database: reset, migrate, demo data, raw INSERT baseline."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_DB_NAME = "hromada_bench"
PROJECT_DIR = Path(__file__).resolve().parent.parent

INSERT_SCRIPT = """\\set v random(1, 1000000)
INSERT INTO bench_insert (v, note) VALUES (:v, 'bench');
"""
TPS_RE = re.compile(r"^tps = ([0-9.]+)", re.MULTILINE)


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def check_local(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the benchmark only uses a local PostgreSQL, not {host!r}")


def reset_database(admin_url: str, name: str) -> str:
    """Drop and create the benchmark database; return its URL."""
    check_local(admin_url)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or "bench" not in name:
        raise ValueError(f"refusing to reset {name!r}: the name must contain 'bench'")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(admin_url, name)


def manage(db_url: str, *args: str, timeout: int = 600) -> str:
    """Run a `hromada` management command against the benchmark database."""
    env = {**os.environ, "DATABASE_URL": db_url, "DEBUG": "False", "LOG_LEVEL": "WARNING"}
    proc = subprocess.run([sys.executable, "-m", "hromada.cli", *args], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"hromada {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def prepare_insert_table(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert ("
            " id bigserial PRIMARY KEY, v integer NOT NULL, note text NOT NULL,"
            " created timestamptz NOT NULL DEFAULT now())"
        )


def parse_pgbench_tps(output: str) -> float:
    match = TPS_RE.search(output)
    if match is None:
        raise ValueError(f"no 'tps =' line in pgbench output:\n{output}")
    return float(match.group(1))


def pg_insert_tps(db_url: str, *, duration: float, clients: int) -> float:
    """Raw PostgreSQL rate of single-row INSERTs, each its own transaction (autocommit),
    from `clients` concurrent pgbench connections for `duration` seconds."""
    check_local(db_url)
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        raise RuntimeError("pgbench is not installed: apt-get install -y postgresql-client")
    prepare_insert_table(db_url)
    parts = urlsplit(db_url)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        script = Path(tmp) / "insert.sql"
        script.write_text(INSERT_SCRIPT)
        cmd = [pgbench, "-n", "-f", str(script), "-c", str(clients), "-j", str(clients),
               "-T", str(max(1, round(duration))), "-h", parts.hostname or "127.0.0.1",
               "-p", str(parts.port or 5432), "-U", parts.username or "postgres", parts.path.lstrip("/")]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + 60,
                              check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"pgbench failed: {proc.stderr.strip()}")
    return parse_pgbench_tps(proc.stdout)
