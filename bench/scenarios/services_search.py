"""Register search with 1,500 services: the public search page for two- and three-word Ukrainian queries, the
service's card page and the register's API search, p95 under load, with the query count of each page.

`prepare()` imports the real names of iGov's catalogue (../shared/data/services/igov/Service.csv, 1,444
services; BENCH_IGOV_SERVICES to point elsewhere) into the demo community through `hromada services-import`
(the register's own all-or-nothing import, a version per card), with their providers and keywords, on top of
the demo register, up to 1,500 services. Searches go through the page the resident uses
(`/c/demo/services/?q=…`), which runs `services.search` (pg_trgm on PostgreSQL).

Figures (last line of stdout, JSON): per path `p50_ms`, `p95_ms`, `p99_ms`, `rps`, `errors`; `queries` (the
number of SQL queries of each page, counted once with Django's test client); `services`; `pg_insert_tps` of
the same run.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.context import Context
from bench.wrk import build_script, parse_output, wrk_path

NAME = "services_search"
DESCRIPTION = "register search over 1,500 services (iGov names): search page, card page and API p95, query counts"

TARGET = 1500
DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "services" / "igov" / "Service.csv"
P95_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  io.write(string.format('BENCH_P95 %d\n', latency:percentile(95)))
end
"""
QUERIES = {
    "search_residence": "реєстрація місця проживання",
    "search_register_verb": "зареєструвати проживання",
    "search_land": "земельної ділянки",
    "search_certificate": "видача довідки про",
}


def _source() -> Path:
    return Path(os.environ.get("BENCH_IGOV_SERVICES", str(DEFAULT_SOURCE)))


def igov_cards(path: Path, count: int) -> list[dict[str, Any]]:
    """Cards of the register's format from iGov's catalogue: its real names, providers and keywords."""
    cards = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            name = (row.get("sName") or "").strip().lstrip("_").strip()
            if not row.get("nID") or not name:
                continue
            keywords = [k.strip() for k in (row.get("saKeyword") or "").split(",") if k.strip()]
            cards.append({"code": f"igov-{row['nID'].strip()}", "name": name[:500],
                          "provider": (row.get("sSubjectOperatorName") or "").strip()[:500] or "Місцеві органи влади",
                          "keywords": keywords, "term": {"days": 10, "kind": "working", "text": ""},
                          "offices": ["cnap-centre"]})
    base = list(cards)
    index = 0
    while len(cards) < count and base:  # up to the target: the same names in the north office
        card = dict(base[index % len(base)])
        card["code"] = f"{card['code']}-n{index // len(base) + 1}"
        card["offices"] = ["cnap-north"]
        cards.append(card)
        index += 1
    return cards[:count]


COUNT_CODE = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hromada.apps.communities.models import Community
from hromada.apps.services.models import Service
from hromada.core import tenancy
paths = json.loads(%r)
client = Client(HTTP_HOST="127.0.0.1")
out = {}
for name, path in paths.items():
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    out[name] = {"status": status, "queries": len(captured.captured_queries)}
with tenancy.scope(Community.objects.get(slug="demo")):
    out["_services"] = Service.objects.count()
print("QUERIES " + json.dumps(out))
"""


def prepare(ctx: Context) -> None:
    source = _source()
    if not source.is_file():
        raise RuntimeError(f"iGov catalogue not found at {source} (set BENCH_IGOV_SERVICES)")
    demo = 42  # the demo register's own services (services/demo.py)
    document = {"format": "hromada-services/1", "life_situations": [], "offices": [],
                "services": igov_cards(source, TARGET - demo)}
    with tempfile.TemporaryDirectory(prefix="bench-services-") as tmp:
        path = Path(tmp) / "igov.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        ctx.log("  " + ctx.manage("services_import", "demo", str(path)).strip().splitlines()[-1])


def _wrk(ctx: Context, path: str) -> dict[str, Any]:
    """One wrk run that also reports the 95th percentile (the harness's script reports 50/90/99)."""
    with tempfile.TemporaryDirectory(prefix="bench-services-") as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(build_script("GET", None, None) + P95_LUA)
        threads = max(1, min(ctx.wrk_threads, ctx.connections))
        cmd = [wrk_path(), f"-t{threads}", f"-c{ctx.connections}", f"-d{max(1, round(ctx.duration))}s",
               "--timeout=5s", "-s", str(script), ctx.url(path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=ctx.duration + 30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip()}")
    result = parse_output(proc.stdout).as_dict()
    p95 = next(line for line in proc.stdout.splitlines() if line.startswith("BENCH_P95 "))
    result["p95_ms"] = round(int(p95.split()[1]) / 1000, 2)
    return result


def paths() -> dict[str, str]:
    found = {name: f"/c/demo/services/?q={quote(query)}" for name, query in QUERIES.items()}
    found["card_page"] = "/c/demo/services/igov-1/"
    found["list_page"] = "/c/demo/services/"
    found["api_search"] = f"/c/demo/api/v1/services/?q={quote(QUERIES['search_residence'])}"
    return found


def run(ctx: Context) -> dict[str, Any]:
    endpoints = paths()
    counted = ctx.manage("shell", "-c", COUNT_CODE % json.dumps(endpoints))
    queries = json.loads(next(line for line in counted.splitlines() if line.startswith("QUERIES "))[8:])
    services = queries.pop("_services")
    for name, path in endpoints.items():
        ctx.check(path)
        if ctx.warmup > 0:
            ctx.wrk(path, duration=ctx.warmup)
        ctx.log(f"  warmed up {name} ({path}): {queries[name]['queries']} queries")
    per_path: dict[str, list[dict[str, Any]]] = {name: [] for name in endpoints}
    pg_rounds: list[float] = []
    for index in range(1, ctx.rounds + 1):
        tps = round(ctx.pg_insert_tps(), 1)
        pg_rounds.append(tps)
        line = [f"round {index}/{ctx.rounds}: pg_insert_tps={tps:.0f}"]
        for name, path in endpoints.items():
            result = _wrk(ctx, path)
            per_path[name].append(result)
            line.append(f"{name} p95 {result['p95_ms']:.1f} ms {result['rps']:.0f} req/s err {result['errors']}")
        ctx.log("  " + "; ".join(line))
    figures = {}
    for name, rounds in per_path.items():
        figures[name] = {
            "path": endpoints[name],
            "rps": round(statistics.median(r["rps"] for r in rounds), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in rounds), 2),
            "p90_ms": round(statistics.median(r["p90_ms"] for r in rounds), 2),
            "p95_ms": round(statistics.median(r["p95_ms"] for r in rounds), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in rounds), 2),
            "errors": sum(int(r["errors"]) for r in rounds),
            "requests": sum(int(r["requests"]) for r in rounds),
            "queries": queries[name]["queries"],
        }
    return {"endpoints": figures, "services": services, "pg_insert_tps": statistics.median(pg_rounds),
            "pg_insert_tps_rounds": pg_rounds}
