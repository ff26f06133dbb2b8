"""Public pages as a phone opens them: the server's time for each HTML page of the component library.

The pages a visitor meets first, anonymously: the community's home, the petitions list, the problem list,
the problem map page, appeal statistics (charts with their tables), the budget's front page, open data and
the sign-in form. Run it on two commits to see what a change of templates costs the server
(docs/benchmarks.md, "Pages")."""

from __future__ import annotations

from typing import Any

from bench.context import Context

NAME = "pages"
DESCRIPTION = "GET of the public HTML pages: home, petitions, appeals list/map/statistics, budget, open data, sign-in"

ENDPOINTS = {
    "home": "/c/demo/",
    "petitions": "/c/demo/petitions/",
    "appeals": "/c/demo/appeals/",
    "appeals_map": "/c/demo/appeals/map/",
    "appeals_statistics": "/c/demo/appeals/statistics/",
    "budget": "/c/demo/budget/",
    "opendata": "/c/demo/opendata/",
    "sign_in": "/c/demo/accounts/login/",
}


def run(ctx: Context) -> dict[str, Any]:
    return ctx.measure_endpoints(ENDPOINTS)
