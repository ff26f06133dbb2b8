"""Foundation scenario: the demo community's home page, its JSON API, the health check."""

from __future__ import annotations

from typing import Any

from bench.context import Context

NAME = "platform"
DESCRIPTION = "GET /c/demo/ (home page), /c/demo/api/v1/community/ (JSON API), /healthz"

ENDPOINTS = {
    "home": "/c/demo/",
    "api_community": "/c/demo/api/v1/community/",
    "healthz": "/healthz",
}


def run(ctx: Context) -> dict[str, Any]:
    return ctx.measure_endpoints(ENDPOINTS)
