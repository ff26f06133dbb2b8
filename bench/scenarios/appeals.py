"""Appeals at hotline scale: the executor's queue, the controller's dashboard and the public list
under concurrent load (p95), and the Open311 POST rate, beside the same run's raw INSERT rate.

`prepare()` bulk-loads synthetic appeals into the demo community with one `INSERT … SELECT
generate_series` (BENCH_APPEALS_ROWS, default 2,000,000, about two years of Kyiv's 1551 hotline):
public and non-public categories, the demo departments, a status mix (about 20% open, the rest
answered or closed), terms spread over two years. It then makes sessions for the demo ROADS
executor and the controller, and issues an Open311 api_key. When a local Redis answers, the server
runs with it as its cache (REDIS_URL, database 13, emptied first), as in production: sessions are then
read from it (`cached_db`), and so is the public list's page.

Figures (last line of stdout, JSON): per page `p50_ms`, `p95_ms`, `p99_ms`, `rps`, `errors`;
`dashboard_uncached_ms` (the dashboard's figures computed with the cache cleared, median of 5; they are
read from the tallies, which `prepare()` rebuilds after the bulk load with `hromada appeals_retally`);
`open311_post_per_s` with `open311_posts_stored`; `pg_insert_tps` of the same run; `cache`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import redis

from bench.context import Context
from bench.wrk import build_script, parse_output, wrk_path

NAME = "appeals"
DESCRIPTION = ("2,000,000 appeals (BENCH_APPEALS_ROWS): executor queue, controller dashboard and public list p95 "
               "under load; Open311 POST rate beside pg_insert_tps")

DEFAULT_ROWS = 2_000_000
REDIS_URL = "redis://127.0.0.1:6379/13"
P95_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  io.write(string.format('BENCH_P95 %d\n', latency:percentile(95)))
end
"""

LOAD_SQL = """
INSERT INTO appeals_appeal (
    community_id, number, token, type, channel, status, category_id, text, author_name, author_address,
    author_email, author_phone, is_anonymous, latitude, longitude, location_text, department_id, needs_study,
    registered_at, due_date, due_at, extension_reason, answer_text, answered_at, closed_at, rating_comment,
    return_reason, is_repeated, updated_at, description_public, public_answer)
SELECT %(community)s,
       'BX-' || (2024 + g / 1000000) || '-' || lpad((g %% 1000000)::text, 6, '0'),
       md5(g::text || 'appeal')::uuid,
       (ARRAY['application', 'complaint', 'proposal'])[1 + g %% 3],
       (ARRAY['web', 'operator', 'open311', 'paper'])[1 + g %% 4],
       CASE WHEN g %% 10 < 2 THEN (ARRAY['routed', 'in_progress', 'extended', 'reopened'])[1 + g %% 4]
            WHEN g %% 10 < 6 THEN 'closed' ELSE 'answered' END,
       (%(categories)s::int[])[1 + g %% cardinality(%(categories)s::int[])],
       'Синтетичне звернення № ' || g, 'Мешканець ' || g, 'вул. Тестова, ' || (g %% 200), '', '', false,
       49.78 + (g %% 800) / 10000.0, 30.10 + (g %% 400) / 10000.0, '',
       (%(departments)s::int[])[1 + g %% cardinality(%(departments)s::int[])], g %% 2 = 0,
       now() - make_interval(mins => (g %% 1051200)),
       ((now() - make_interval(mins => (g %% 1051200)) + interval '30 days') AT TIME ZONE 'Europe/Kyiv')::date,
       (((now() - make_interval(mins => (g %% 1051200)) + interval '30 days') AT TIME ZONE 'Europe/Kyiv')::date
        + time '23:59:59') AT TIME ZONE 'Europe/Kyiv',
       '', CASE WHEN g %% 10 >= 2 THEN 'Відповідь надано' ELSE '' END,
       CASE WHEN g %% 10 >= 2 THEN now() - make_interval(mins => (g %% 1051200)) + interval '9 days' END,
       CASE WHEN g %% 10 BETWEEN 2 AND 5 THEN now() - make_interval(mins => (g %% 1051200)) + interval '10 days' END,
       '', '', false, now(), g %% 2 = 0, CASE WHEN g %% 10 >= 2 THEN 'Роботи виконано' ELSE '' END
FROM generate_series(1, %(rows)s) AS g
"""


def _shell(ctx: Context, code: str) -> str:
    return ctx.manage("shell", "-c", code)


SESSIONS_CODE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from hromada.apps.accounts.models import User
out = {}
for key, email in (("executor", "roads@demo.hromada.local"), ("controller", "controller@demo.hromada.local")):
    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "hromada.apps.accounts.backends.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    out[key] = store.session_key
print("SESSIONS " + json.dumps(out))
"""

DASHBOARD_CODE = """
import statistics, time
from django.core.cache import cache
from hromada.apps.appeals import selectors
from hromada.apps.communities.models import Community
from hromada.core import tenancy
community = Community.objects.get(slug="demo")
times = []
with tenancy.scope(community):
    for _ in range(5):
        cache.clear()
        started = time.perf_counter()
        selectors.dashboard(community)
        times.append((time.perf_counter() - started) * 1000)
print("DASHBOARD %.1f" % statistics.median(times))
"""


def _use_redis() -> str:
    """Run the server with the production cache (Redis: the sessions, the cached names and counts, the
    public list's page) when a local Redis answers; its own database, emptied first, so that nothing
    cached by an earlier run (ids are given out again after the reset) is read."""
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        client.flushdb()
    except redis.RedisError:
        return "local-memory (per process)"
    os.environ["REDIS_URL"] = REDIS_URL  # the setup commands and the server started next inherit it
    return "redis"


def prepare(ctx: Context) -> None:
    # The sessions made here must verify in gunicorn, which the harness starts with this SECRET_KEY.
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")
    ctx.extra["cache"] = _use_redis()
    rows = int(os.environ.get("BENCH_APPEALS_ROWS", DEFAULT_ROWS))
    started = time.monotonic()
    with psycopg.connect(ctx.db_url, autocommit=True) as conn:
        community = conn.execute("SELECT id FROM communities_community WHERE slug = 'demo'").fetchone()
        assert community is not None, "the demo community is missing"
        categories = [r[0] for r in conn.execute(
            "SELECT id FROM appeals_category WHERE community_id = %s ORDER BY id", community)]
        departments = [r[0] for r in conn.execute(
            "SELECT id FROM communities_department WHERE community_id = %s ORDER BY id", community)]
        conn.execute(LOAD_SQL, {"community": community[0], "categories": categories,
                                "departments": departments, "rows": rows})
        conn.execute("VACUUM ANALYZE appeals_appeal")
        # The load generator is one Open311 client: its key's hourly limit is raised (everything else stays on).
        conn.execute("UPDATE communities_community SET open311_rate_per_hour = 1000000000 WHERE id = %s", community)
    ctx.extra["rows"] = rows
    # The load bypasses the actions, so the dashboard's tallies are recomputed once from the rows.
    tally_started = time.monotonic()
    ctx.manage("appeals_retally", "demo")
    ctx.extra["retally_s"] = round(time.monotonic() - tally_started, 1)
    ctx.extra["load_s"] = round(time.monotonic() - started, 1)
    ctx.log(f"  loaded {rows:,} appeals in {ctx.extra['load_s']} s, tallies rebuilt in {ctx.extra['retally_s']} s")
    for line in _shell(ctx, SESSIONS_CODE).splitlines():
        if line.startswith("SESSIONS "):
            ctx.extra["sessions"] = json.loads(line[len("SESSIONS "):])
    ctx.extra["api_key"] = ctx.manage("open311_key", "demo", "Benchmark client").strip().splitlines()[-1]
    for line in _shell(ctx, DASHBOARD_CODE).splitlines():
        if line.startswith("DASHBOARD "):
            ctx.extra["dashboard_uncached_ms"] = float(line.split()[1])


def _wrk(ctx: Context, path: str, *, method: str = "GET", body: str | None = None,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One wrk run that also reports the 95th percentile (the harness's script reports 50/90/99)."""
    with tempfile.TemporaryDirectory(prefix="bench-appeals-") as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(build_script(method, body, headers) + P95_LUA)
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


def _max_id(ctx: Context) -> int:
    with psycopg.connect(ctx.db_url) as conn:
        row = conn.execute("SELECT coalesce(max(id), 0) FROM appeals_appeal").fetchone()
    return int(row[0]) if row else 0


def _stored_since(ctx: Context, last_id: int) -> int:
    with psycopg.connect(ctx.db_url) as conn:
        row = conn.execute("SELECT count(*) FROM appeals_appeal WHERE id > %s AND channel = 'open311'",
                           (last_id,)).fetchone()
    return int(row[0]) if row else 0


def run(ctx: Context) -> dict[str, Any]:
    sessions = ctx.extra["sessions"]
    pages = {
        "executor_queue": ("/c/demo/appeals/office/queue/", sessions["executor"]),
        "dashboard": ("/c/demo/appeals/office/dashboard/", sessions["controller"]),
        "public_list": ("/c/demo/appeals/", None),
    }
    figures: dict[str, Any] = {"rows": ctx.extra["rows"], "load_s": ctx.extra["load_s"], "cache": ctx.extra["cache"],
                               "retally_s": ctx.extra.get("retally_s"),
                               "dashboard_uncached_ms": ctx.extra.get("dashboard_uncached_ms")}
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
    posts: list[dict[str, Any]] = []
    pg: list[float] = []
    body = ("service_code=roads&address_string=%D0%B2%D1%83%D0%BB.+%D0%A1%D0%BE%D0%B1%D0%BE%D1%80%D0%BD%D0%B0"
            "&description=%D0%AF%D0%BC%D0%B0+%D0%BD%D0%B0+%D0%B4%D0%BE%D1%80%D0%BE%D0%B7%D1%96"
            f"&email=bench%40example.test&first_name=Bench&api_key={ctx.extra['api_key']}")
    for name, (path, session) in pages.items():
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        if ctx.warmup > 0:
            _wrk(ctx, path, headers=headers)
        ctx.log(f"  warmed up {name}")
    for index in range(1, ctx.rounds + 1):
        pg.append(round(ctx.pg_insert_tps(), 1))
        line = [f"round {index}/{ctx.rounds}: pg_insert_tps={pg[-1]:.0f}"]
        for name, (path, session) in pages.items():
            result = _wrk(ctx, path, headers={"Cookie": f"sessionid={session}"} if session else {})
            rounds[name].append(result)
            line.append(f"{name} p95 {result['p95_ms']:.1f} ms {result['rps']:.0f} req/s err {result['errors']}")
        before = _max_id(ctx)
        result = _wrk(ctx, "/c/demo/open311/v2/requests.json", method="POST", body=body,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        result["stored"] = _stored_since(ctx, before)
        posts.append(result)
        line.append(f"open311 POST {result['rps']:.0f}/s stored {result['stored']} err {result['errors']}")
        ctx.log("  " + "; ".join(line))
    for name, (path, _session) in pages.items():
        # A round in which no request finished within wrk's timeout has no latency: leave it out of the
        # medians (it shows in "empty_rounds"), so zeros never pass for fast answers.
        runs = [r for r in rounds[name] if r["requests"] > 0] or rounds[name]
        figures[name] = {
            "empty_rounds": sum(1 for r in rounds[name] if r["requests"] == 0),
            "path": path, "rps": statistics.median(r["rps"] for r in runs),
            **{key: round(statistics.median(r[key] for r in runs), 2) for key in ("p50_ms", "p95_ms", "p99_ms")},
            "errors": sum(r["errors"] for r in runs), "requests": sum(r["requests"] for r in runs),
            "p95_rounds": [r["p95_ms"] for r in rounds[name]]}
    figures["open311_post"] = {
        "per_s": statistics.median(r["rps"] for r in posts),
        "per_s_rounds": [r["rps"] for r in posts],
        "stored_per_s_rounds": [round(r["stored"] / r["duration_s"], 1) for r in posts],
        "p95_ms": statistics.median(r["p95_ms"] for r in posts), "errors": sum(r["errors"] for r in posts)}
    figures["pg_insert_tps"] = statistics.median(pg)
    figures["pg_insert_tps_rounds"] = pg
    return figures
