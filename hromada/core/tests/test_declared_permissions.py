"""Views declare the permission they need, and requests are typed.

A view module that decides by `has_perm(...)` in its body (an `if`, a `raise PermissionDenied`) has
gone back to checking ad hoc: declare the permission with `hromada.core.permissions.permission_required`
(or `HasRule` in the API) and fetch the object in the loader. Computing what a page shows (a
"can_edit" flag for the template) is not a check and stays allowed. And `request.community` /
`request.user` are typed (`hromada.core.http`): no `type: ignore` is needed for them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

HROMADA = Path(__file__).resolve().parents[2]
APPS = HROMADA / "apps"

# The CKAN Action API authorises each action on the data set its parameters name (`owner_org`, `id`)
# and answers refusals in CKAN's own error format: the check is part of the protocol's action.
NOT_VIEWS_OF_PAGES = {APPS / "opendata" / "ckan" / "views.py"}


def _view_modules() -> list[Path]:
    found = set()
    for path in APPS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.name in ("views.py", "office_views.py", "feeds.py") or "api" in path.relative_to(APPS).parts:
            found.add(path)
    return sorted(found - NOT_VIEWS_OF_PAGES)


def _ad_hoc_checks(source: str) -> list[int]:
    """Lines where the code decides by a permission: has_perm in the condition of a statement, or
    PermissionDenied raised. A value chosen by a permission (`form if has_perm(...) else None`) is what a
    page shows, not a check."""
    tree = ast.parse(source)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.While | ast.Assert):
            for inner in ast.walk(node.test):
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and \
                        inner.func.attr in ("has_perm", "has_perms"):
                    lines.append(inner.lineno)
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name | ast.Attribute) and ast.unparse(raised).endswith("PermissionDenied"):
                lines.append(node.lineno)
    return lines


def test_the_scan_finds_a_check_in_a_body():
    body = (
        "def view(request):\n"
        "    if not request.user.has_perm('x.y', request.community):\n"
        "        raise PermissionDenied\n"
        "    return {'can_edit': request.user.has_perm('x.z', None)}\n"
    )
    assert _ad_hoc_checks(body) == [2, 3]


@pytest.mark.parametrize("path", _view_modules(), ids=lambda p: str(p.relative_to(HROMADA)))
def test_view_modules_declare_permissions_instead_of_checking_them(path: Path):
    lines = _ad_hoc_checks(path.read_text(encoding="utf-8"))
    assert not lines, (f"{path.relative_to(HROMADA)} checks a permission in a view body at lines {lines}: "
                       "declare it with hromada.core.permissions.permission_required (or HasRule in the API)")


def test_no_type_ignore_for_the_request_community_or_user():
    pattern = re.compile(r"request\.(community|user)\b.*#\s*type:\s*ignore")
    offenders = []
    for path in HROMADA.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(HROMADA)}:{number}")
    assert not offenders, ("request.community and request.user are typed (hromada.core.http.HromadaRequest, "
                           f"SignedInRequest, ApiRequest): annotate the view's request instead of {offenders}")
