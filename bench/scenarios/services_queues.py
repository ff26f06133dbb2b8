"""Administrative services at scale: the ЦНАП's queue, the provider's queue and the controller's view of terms
under concurrent load (p95) with 100,000 cases, beside the same run's raw INSERT rate.

`prepare()` makes sure the demo community has services (at least 40, with published cards), two ЦНАП offices
and a department that decides, then bulk-loads synthetic cases with one `INSERT … SELECT generate_series`
(BENCH_SERVICES_CASES, default 100,000): two years of applications, about 40% open (submitted, accepted,
in work, decided, result ready; submitted in the last six weeks, so that some are overdue and some near the
term) and the rest issued. It signs in the demo operator, the ROADS executor and the controller (sessions made
in the database).

The appeals executor queue of the demo's few appeals is measured in the same rounds as a reference: its
CPU cost per request is known (docs/benchmarks.md, "Appeals"), so it shows how much of the host the server got.

Figures (last line of stdout, JSON): per page `p50_ms`, `p95_ms`, `p99_ms`, `rps`, `errors`, `p95_rounds`;
`pg_insert_tps` of the same run.
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

from bench.context import Context
from bench.wrk import build_script, parse_output, wrk_path

NAME = "services_queues"
DESCRIPTION = ("100,000 service cases (BENCH_SERVICES_CASES): the ЦНАП queue, the provider's queue and the "
               "controller's view p95 under load beside pg_insert_tps")

DEFAULT_ROWS = 100_000
P95_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  io.write(string.format('BENCH_P95 %d\n', latency:percentile(95)))
end
"""

# Services, offices and the department the synthetic cases need, made through the models (cards published).
SETUP_CODE = """
import json
from django.db import transaction
from hromada.apps.communities.models import Community, Department
from hromada.apps.services import cards
from hromada.apps.services.models import Office, Service
from hromada.core import tenancy
community = Community.objects.get(slug="demo")
with tenancy.scope(community), transaction.atomic():
    roads = Department.objects.get(code="ROADS")
    hours = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-17:00")
    for n in range(2 - Office.objects.count()):
        Office.objects.create(community=community, code=f"bench-{n}", name_uk=f"ЦНАП {n + 1}",
                              address=f"вул. Соборна, {n + 1}", hours=hours)
    offices = list(Office.objects.order_by("name_uk", "pk")[:2])
    for n in range(40 - Service.objects.count()):
        service = Service.objects.create(
            community=community, code=f"bench-{n}", name_uk=f"Адміністративна послуга {n + 1}",
            provider="Виконавчий комітет", department=roads, term_days=10, apply_methods=["in_person", "online"],
            documents=[{"title": "Паспорт", "requirements": "оригінал"}],
            refusal_grounds=["Неповний пакет документів"])
        service.offices.set(offices)
        cards.publish_version(service)
    Service.objects.filter(department__isnull=True).update(department=roads)
    from hromada.apps.services.models import ServiceVersion
    versions = {v.service_id: v.pk for v in ServiceVersion.objects.order_by("number")}
    rows = list(Service.objects.order_by("pk").values_list("pk", "department_id"))
print("SETUP " + json.dumps({"services": [pk for pk, _ in rows], "versions": [versions[pk] for pk, _ in rows],
                             "departments": [dep for _, dep in rows], "offices": [o.pk for o in offices]}))
"""

LOAD_SQL = """
INSERT INTO services_servicecase (
    community_id, number, status_code, service_id, version_id, channel, status, applicant_id, applicant_name,
    applicant_email, applicant_phone, data, office_id, department_id, registered_by_id, submitted_at, accepted_at,
    due_date, due_at, decided_at, issued_at, missing_documents, refusal_ground, decision_note, rating,
    rating_comment, rated_at, updated_at)
SELECT %(community)s, 'БЦ-' || lpad(g::text, 7, '0'), substr(md5(g::text), 1, 8),
       (%(services)s::int[])[1 + g %% cardinality(%(services)s::int[])],
       (%(versions)s::int[])[1 + g %% cardinality(%(versions)s::int[])],
       (ARRAY['online', 'desk', 'post'])[1 + g %% 3],
       st.status, NULL, 'Заявник ' || g, '', '', '{}'::jsonb,
       CASE WHEN g %% 7 = 0 THEN NULL ELSE (%(offices)s::int[])[1 + g %% cardinality(%(offices)s::int[])] END,
       CASE WHEN st.status IN ('in_work', 'granted', 'refused', 'result_ready', 'issued')
            THEN (%(departments)s::int[])[1 + g %% cardinality(%(departments)s::int[])] END,
       NULL, sub.at, sub.at + interval '1 day',
       ((sub.at + interval '14 days') AT TIME ZONE 'Europe/Kyiv')::date,
       (((sub.at + interval '14 days') AT TIME ZONE 'Europe/Kyiv')::date + time '23:59:59') AT TIME ZONE 'Europe/Kyiv',
       CASE WHEN st.status IN ('granted', 'refused', 'result_ready', 'issued') THEN sub.at + interval '9 days' END,
       CASE WHEN st.status = 'issued' THEN sub.at + interval '11 days' END,
       '[]'::jsonb, '', '', CASE WHEN st.status = 'issued' AND g %% 3 = 0 THEN 1 + g %% 5 END, '', NULL, now()
FROM generate_series(1, %(rows)s) AS g
CROSS JOIN LATERAL (SELECT CASE WHEN g %% 10 < 4
    THEN (ARRAY['submitted', 'accepted', 'in_work', 'in_work', 'granted', 'refused', 'result_ready', 'returned'])[
        1 + (g / 10) %% 8]
    ELSE 'issued' END AS status) AS st
CROSS JOIN LATERAL (SELECT CASE WHEN g %% 10 < 4 THEN now() - make_interval(mins => (g * 7) %% 60480)
    ELSE now() - make_interval(mins => (g * 13) %% 1051200) - interval '42 days' END AS at) AS sub
"""

SESSIONS_CODE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from hromada.apps.accounts.models import User
out = {}
for key, email in (("operator", "operator@demo.hromada.local"), ("executor", "roads@demo.hromada.local"),
                   ("controller", "controller@demo.hromada.local")):
    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "hromada.apps.accounts.backends.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    out[key] = store.session_key
print("SESSIONS " + json.dumps(out))
"""


def _lines(output: str, prefix: str) -> Any:
    for line in output.splitlines():
        if line.startswith(prefix):
            return json.loads(line[len(prefix):])
    raise RuntimeError(f"no {prefix.strip()} line in: {output[-2000:]}")


def prepare(ctx: Context) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")  # the sessions must verify in the server
    setup = _lines(ctx.manage("shell", "-c", SETUP_CODE), "SETUP ")
    rows = int(os.environ.get("BENCH_SERVICES_CASES", DEFAULT_ROWS))
    started = time.monotonic()
    with psycopg.connect(ctx.db_url, autocommit=True) as conn:
        community = conn.execute("SELECT id FROM communities_community WHERE slug = 'demo'").fetchone()
        assert community is not None, "the demo community is missing"
        conn.execute(LOAD_SQL, {"community": community[0], "rows": rows, **setup})
        conn.execute("VACUUM ANALYZE services_servicecase")
        rows_by_status = conn.execute("SELECT status, count(*) FROM services_servicecase GROUP BY status").fetchall()
        counts: dict[str, int] = dict(rows_by_status)
    ctx.extra.update(rows=rows, load_s=round(time.monotonic() - started, 1), statuses=counts,
                     office=setup["offices"][0])
    ctx.log(f"  loaded {rows:,} cases in {ctx.extra['load_s']} s: {counts}")
    ctx.extra["sessions"] = _lines(ctx.manage("shell", "-c", SESSIONS_CODE), "SESSIONS ")


def _wrk(ctx: Context, path: str, session: str) -> dict[str, Any]:
    """One wrk run that also reports the 95th percentile (the harness's script reports 50/90/99)."""
    with tempfile.TemporaryDirectory(prefix="bench-services-") as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(build_script("GET", None, {"Cookie": f"sessionid={session}"}) + P95_LUA)
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


def run(ctx: Context) -> dict[str, Any]:
    sessions = ctx.extra["sessions"]
    pages = {
        "cnap_queue": ("/c/demo/services/office/cnap/", sessions["operator"]),
        "cnap_queue_overdue": ("/c/demo/services/office/cnap/?overdue=on", sessions["operator"]),
        "provider_queue": ("/c/demo/services/office/provider/", sessions["executor"]),
        "control": ("/c/demo/services/office/control/", sessions["controller"]),
        "control_overdue": ("/c/demo/services/office/control/?kind=overdue", sessions["controller"]),
        # A reference measured in the same run: the appeals executor queue (the demo's few appeals), whose
        # CPU cost is known (docs/benchmarks.md, "Appeals"), shows how much of the host the server had.
        "reference_appeals_queue": ("/c/demo/appeals/office/queue/", sessions["executor"]),
    }
    for path, session in pages.values():
        if ctx.warmup > 0:
            _wrk(ctx, path, session)
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
    pg: list[float] = []
    for index in range(1, ctx.rounds + 1):
        pg.append(round(ctx.pg_insert_tps(), 1))
        line = [f"round {index}/{ctx.rounds}: pg_insert_tps={pg[-1]:.0f}"]
        for name, (path, session) in pages.items():
            result = _wrk(ctx, path, session)
            rounds[name].append(result)
            line.append(f"{name} p95 {result['p95_ms']:.1f} ms {result['rps']:.0f} req/s err {result['errors']}")
        ctx.log("  " + "; ".join(line))
    figures: dict[str, Any] = {"rows": ctx.extra["rows"], "load_s": ctx.extra["load_s"],
                               "statuses": ctx.extra["statuses"]}
    for name, (path, _session) in pages.items():
        runs = [r for r in rounds[name] if r["requests"] > 0] or rounds[name]
        figures[name] = {
            "empty_rounds": sum(1 for r in rounds[name] if r["requests"] == 0),
            "path": path, "rps": statistics.median(r["rps"] for r in runs),
            **{key: round(statistics.median(r[key] for r in runs), 2) for key in ("p50_ms", "p95_ms", "p99_ms")},
            "errors": sum(r["errors"] for r in runs), "requests": sum(r["requests"] for r in runs),
            "p95_rounds": [r["p95_ms"] for r in rounds[name]]}
    figures["pg_insert_tps"] = statistics.median(pg)
    figures["pg_insert_tps_rounds"] = pg
    return figures
