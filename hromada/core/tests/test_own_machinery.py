"""The platform runs on Django's public machinery and keeps one core: checked over the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HROMADA = Path(__file__).resolve().parents[2]
PRIVATE_OK = {"_meta", "_state", "_base_manager", "_default_manager", "_db", "_prefetched_objects_cache"}


def _modules():
    for path in sorted(HROMADA.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_private_name_of_django_or_its_libraries_is_imported():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                    "django", "rest_framework", "redis", "django_tasks", "django_tasks_db", "rules"):
                found += [f"{path.relative_to(HROMADA)}:{node.lineno} {node.module}.{alias.name}"
                          for alias in node.names if alias.name.startswith("_")]
    assert found == []


def test_no_sql_reads_the_accounts_table_outside_the_accounts_app():
    """Neither the platform nor its benchmarks' checks (bench/ beside it) read accounts' rows in SQL."""
    pattern = re.compile(r"accounts_user\b|User\._meta\.db_table")
    bench = HROMADA.parent / "bench"
    paths = [path for path, _tree in _modules()] + sorted(bench.rglob("*.py"))
    found = [path.as_posix() for path in paths
             if pattern.search(path.read_text(encoding="utf-8"))
             and "apps/accounts" not in path.as_posix() and "/tests/" not in path.as_posix()]
    assert found == []


def test_each_app_has_no_engine_of_its_own():
    """Transitions, locks, permission checks and events come from hromada/core/cases."""
    own = re.compile(r"^(class Transition\b|def (_require|_lock|_locked|_apply|_event)\()", re.M)
    found = [str(path.relative_to(HROMADA)) for path, _tree in _modules()
             if "apps" in path.parts and own.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_actions_modules_stay_small():
    """An actions module past ~600 lines is split into a package by concern (STYLE.md)."""
    large = [f"{path.relative_to(HROMADA)}: {n}" for path, _tree in _modules()
             if (path.name == "actions.py" or path.parent.name == "actions")
             and (n := len(path.read_text(encoding="utf-8").splitlines())) > 600]
    assert large == []
