"""Petition surge: one hot petition signed through the full HTTP path by many distinct verified
residents (session cookie, CSRF, identity check, INSERT, count UPDATE), while a second load polls
the petition's count endpoint and a poller measures how far the public count lags behind.

`prepare()` creates the hot petition and N verified residents with ready sessions and CSRF tokens
(one signature each). The only relaxation is the one the issue allows: the loopback address is a
trusted network of the community, so its per-IP signing limit is raised; the per-account limit and
everything else stay on. The cache (rate limits, the 1-second count cache) is Redis when one answers
on 127.0.0.1:6379, as in production; otherwise each server process counts on its own.

Figures (last line of stdout, JSON): signatures_per_s, acknowledged (200 answers to sign requests),
stored (active signature rows of the surge users), counted (the petition's count minus the author's
own signature), duplicates (people with two active signatures), max_count_lag_s (worst time a
committed signature waited to appear in count.json), count_endpoint_rps and pg_insert_tps (the same
run's raw single-row INSERT rate, measured right before the surge).
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from bench import stats
from bench.context import Context
from bench.wrk import DONE_LUA, WrkResult, parse_output, run_wrk, wrk_path

NAME = "petitions-surge"
DESCRIPTION = ("one hot petition signed over HTTP by many distinct verified residents (session, CSRF, insert, "
               "count) while count.json is polled; exactness and count lag")

USERS_PER_SECOND = 1600  # users prepared per second of --duration (the target is 1,000 signatures/s)
MIN_USERS = 5000
REDIS_URL = "redis://127.0.0.1:6379/11"
# Signing residents: 24 keep-alive connections. The server's workers share one listening socket and
# each connection stays with the worker that accepted it, so with few connections one worker can get
# far more than the other; 24 (with 12 threads per worker, as docs/benchmarks.md runs it) keeps a
# lopsided split from queueing on one worker's threads.
SIGN_CONNECTIONS = int(os.environ.get("BENCH_SIGN_CONNECTIONS", "24"))
COUNT_CONNECTIONS = int(os.environ.get("BENCH_COUNT_CONNECTIONS", "64"))
# The viewers polling count.json are an offered load, not a flood: each wrk connection waits between
# its requests so that all of them together ask for about COUNT_RATE requests a second (the issue
# asks for at least 2,000 served while the signatures arrive). What the server does not serve
# shows as a lower count_endpoint_rps. The wait is fixed (wrk's delay() has no clock), so every
# millisecond of answer time slows each viewer down a little: 64 viewers each polling about every
# 21 ms come closer to many independent viewers than 32 polling every 11 ms.
# BENCH_COUNT_RATE=0 removes the pacing (a flood).
COUNT_RATE = float(os.environ.get("BENCH_COUNT_RATE", "3000"))
POLL_INTERVAL_S = 0.1
DRAIN_SECONDS = 2  # after signing: wrk keeps its connections busy with GET /healthz while answers arrive

SIGN_LUA = r"""
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2])
  -- Sign for args[3] seconds, then only GET args[4] until wrk stops: every signing request has
  -- its answer read before wrk closes its connections, so "acknowledged" is exact.
  sign_until = os.time() + tonumber(args[3])
  drain_path = args[4]
  sessions, tokens = {}, {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid then
      local session, token = line:match("(%S+) (%S+)")
      table.insert(sessions, session)
      table.insert(tokens, token)
    end
    i = i + 1
  end
  idx, acked, conflicts, limited, other, wrapped, drained = 0, 0, 0, 0, 0, 0, 0
end

function request()
  if os.time() >= sign_until then
    return wrk.format("GET", drain_path, {}, nil)
  end
  idx = idx + 1
  if idx > #sessions then
    idx = 1
    wrapped = wrapped + 1
  end
  return wrk.format("POST", nil, {
    ["Cookie"] = "sessionid=" .. sessions[idx] .. "; csrftoken=" .. tokens[idx],
    ["X-CSRFToken"] = tokens[idx],
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end

function response(status, headers, body)
  if body:find('"signed": true', 1, true) then
    acked = acked + 1
  elseif status == 200 then
    drained = drained + 1
  elseif status == 409 then
    conflicts = conflicts + 1
  elseif status == 429 then
    limited = limited + 1
  else
    other = other + 1
  end
end
"""

SURGE_DONE_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  local t = {acked = 0, conflicts = 0, limited = 0, other = 0, wrapped = 0, drained = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format('SURGE {"acked":%d,"conflicts":%d,"limited":%d,"other":%d,"wrapped":%d,"drained":%d}\n',
    t.acked, t.conflicts, t.limited, t.other, t.wrapped, t.drained))
end
"""


# ---------------------------------------------------------------- setup inside Django (hromada shell -c)


def setup_in_django(users: int, creds_path: str, info_path: str) -> None:
    """Runs inside `hromada shell` against the benchmark database: the hot petition and `users`
    verified residents of the demo community, each with a session and a CSRF secret."""

    from django.conf import settings

    from bench.residents import signed_in_residents
    from hromada.apps.accounts.models import Role, StaffRole, User
    from hromada.apps.communities.models import Community
    from hromada.apps.petitions import actions
    from hromada.apps.petitions.models import PetitionPolicy
    from hromada.core import tenancy

    community = Community.objects.get(slug="demo")
    with tenancy.scope(community):
        PetitionPolicy.for_community(community)
        # The one allowed relaxation: the loopback load generator is a trusted network (raised per-IP limit).
        PetitionPolicy.objects.filter(community=community).update(
            trusted_networks="127.0.0.1/32\n::1/128", sign_rate_per_trusted_ip=1_000_000_000)
        author = User.objects.get(email="resident@demo.hromada.local")
        moderator = StaffRole.objects.select_related("user").get(role=Role.MODERATOR).user
        petition = actions.petition_create(
            community=community, author=author, title="Зберегти історичний трамвай на Соборній",
            text="Просимо раду зберегти трамвайну лінію на вулиці Соборній і відновити рух до кінця року.")
        actions.petition_submit(petition=petition, by=author)
        actions.petition_moderate(petition=petition, by=moderator, publish=True)

    with open(creds_path, "w", encoding="ascii") as creds:
        for _n, key, csrf_secret in signed_in_residents(
                community=community, count=users, email_prefix="surge", name="Учасник Навантаження",
                first_birth_year=1970, birth_years=35):
            creds.write(f"{key} {csrf_secret}\n")
    Path(info_path).write_text(json.dumps({
        "petition_id": petition.pk, "author_id": author.pk, "users": users,
        "session_engine": settings.SESSION_ENGINE}))


# ---------------------------------------------------------------- the scenario


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def prepare(ctx: Context) -> None:
    users = users_for(ctx.duration)
    workdir = Path(tempfile.mkdtemp(prefix="bench-petitions-"))
    ctx.extra.update(workdir=workdir, creds=workdir / "credentials.txt", info=workdir / "info.json")
    # Sessions are signed with SECRET_KEY: the setup command and the server must share it.
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")
    if _redis_answers():
        os.environ["REDIS_URL"] = REDIS_URL  # the server started next inherits it: the production cache
        ctx.extra["cache"] = "redis"
    else:
        ctx.extra["cache"] = "local-memory (per process)"
    ctx.log(f"  creating the hot petition and {users} verified residents with sessions")
    started = time.monotonic()
    code = ("from bench.scenarios.petitions_surge import setup_in_django; "
            f"setup_in_django({users}, {str(ctx.extra['creds'])!r}, {str(ctx.extra['info'])!r})")
    ctx.manage("shell", "-c", code)
    ctx.extra.update(json.loads(Path(ctx.extra["info"]).read_text()))
    ctx.log(f"  ready in {time.monotonic() - started:.0f} s (cache: {ctx.extra['cache']})")


def _pace_lua(connections: int) -> str:
    """wrk's delay(): milliseconds a connection waits before its next request."""
    if COUNT_RATE <= 0:
        return ""
    return f"function delay() return {1000.0 * connections / COUNT_RATE:.3f} end"


def _sign_load(ctx: Context, path: str, duration: float) -> tuple[WrkResult, dict[str, int]]:
    threads = max(1, ctx.wrk_threads)
    script = Path(ctx.extra["workdir"]) / "sign.lua"
    script.write_text(SIGN_LUA + DONE_LUA + SURGE_DONE_LUA)
    seconds = max(1, round(duration))
    cmd = [wrk_path(), f"-t{threads}", f"-c{SIGN_CONNECTIONS}", f"-d{seconds + DRAIN_SECONDS}s", "--timeout=5s",
           "-s", str(script), ctx.url(path), "--", str(ctx.extra["creds"]), str(threads), str(seconds), "/healthz"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk (sign) failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    marker = next(line for line in proc.stdout.splitlines() if line.startswith("SURGE "))
    return parse_output(proc.stdout), json.loads(marker[len("SURGE "):])


def _poll_counts(url: str, stop: threading.Event, samples: list[tuple[float, int]], meter: CpuMeter) -> None:
    last_cpu_sample = 0.0
    while not stop.is_set():
        if time.monotonic() - last_cpu_sample >= 1.0:
            meter.sample()
            last_cpu_sample = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                samples.append((time.time(), int(json.loads(response.read())["count"])))
        except OSError:
            pass
        stop.wait(POLL_INTERVAL_S)


def _proc_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _pids_matching(*needles: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if all(needle in cmdline for needle in needles):
            found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds used during the surge by the server's processes, the PostgreSQL backends of the
    benchmark database, the load generators (wrk: this process's children) and the whole host.

    Backends come and go (Django closes a connection after CONN_MAX_AGE): `sample()`, called every
    second, remembers each backend's last CPU figure so one that exits still counts."""

    def __init__(self, server_pids: list[int], db_name: str) -> None:
        self.server = server_pids  # the server's main process and its workers
        self.db_name = db_name
        self.backend_start: dict[int, float] = {}
        self.backend_last: dict[int, float] = {}
        self.sampled = False
        self.lock = threading.Lock()

    def sample(self) -> None:
        with self.lock:
            first = not self.sampled  # backends alive at the start count from their CPU then; later ones from 0
            for pid in _pids_matching("postgres: ", f" {self.db_name} "):
                cpu = _proc_cpu_seconds(pid)
                self.backend_start.setdefault(pid, cpu if first else 0.0)
                if cpu:
                    self.backend_last[pid] = cpu
            self.sampled = True

    def postgres_seconds(self) -> float:
        with self.lock:
            return sum(last - self.backend_start.get(pid, 0.0) for pid, last in self.backend_last.items())

    @staticmethod
    def _host() -> tuple[float, float]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values) / os.sysconf("SC_CLK_TCK"), idle / os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> dict[str, float]:
        host_total, host_idle = self._host()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.sample()
        return {"server": sum(_proc_cpu_seconds(p) for p in self.server),
                "postgres": self.postgres_seconds(),
                "load_generator": children.ru_utime + children.ru_stime,
                "host_total": host_total, "host_idle": host_idle}

    @staticmethod
    def report(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
        used = {key: after[key] - before[key] for key in before}
        busy = used["host_total"] - used["host_idle"]
        return {"server_cpu_s": round(used["server"], 1), "postgres_cpu_s": round(used["postgres"], 1),
                "load_generator_cpu_s": round(used["load_generator"], 1), "host_cpu_busy_s": round(busy, 1),
                "host_cpu_s": round(used["host_total"], 1), "measured_s": round(seconds, 1)}


def max_lag(samples: list[tuple[float, int]], signed_at: list[float]) -> float:
    """The longest a signature (time-ordered, author's first) had been stored while a count that
    does not include it was served. `signed_at` is sorted; a count c includes the first c."""
    worst = 0.0
    for seen_at, count in samples:
        if count < len(signed_at) and signed_at[count] < seen_at:
            worst = max(worst, seen_at - signed_at[count])
    return round(worst, 3)


def _one(conn: psycopg.Connection, sql: str, params: tuple) -> int:
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise RuntimeError(f"no result for {sql}")
    return int(row[0])


def _database_figures(db_url: str, petition_id: int, author_id: int) -> dict[str, Any]:
    with psycopg.connect(db_url) as conn:
        count = _one(conn, "SELECT signature_count FROM petitions_petition WHERE id = %s", (petition_id,))
        active = "petition_id = %s AND withdrawn_at IS NULL AND invalidated_at IS NULL"
        stored = _one(conn, f"SELECT count(*) FROM petitions_signature WHERE {active} AND person_id <> %s",  # noqa: S608
                      (petition_id, author_id))
        duplicates = _one(conn, "SELECT count(*) FROM (SELECT person_id FROM petitions_signature "
                                "WHERE petition_id = %s AND withdrawn_at IS NULL GROUP BY person_id "
                                "HAVING count(*) > 1) AS twice", (petition_id,))
        rows = conn.execute(
            f"SELECT signed_at, person_id FROM petitions_signature WHERE {active} ORDER BY signed_at, id",  # noqa: S608
            (petition_id,)).fetchall()
    times = [row[0].timestamp() for row in rows]
    surge = [row[0].timestamp() for row in rows if row[1] != author_id]
    span = (surge[-1] - surge[0]) if len(surge) > 1 else 0.0
    return {"count": int(count), "stored": int(stored), "duplicates": int(duplicates), "signed_at": times,
            "surge_span_s": span}


def run(ctx: Context) -> dict[str, Any]:
    petition_id = ctx.extra["petition_id"]
    sign_path = f"/c/demo/petitions/{petition_id}/sign/"
    count_path = f"/c/demo/petitions/{petition_id}/count.json"
    ctx.check(count_path)
    ctx.check(f"/c/demo/petitions/{petition_id}/")
    if ctx.warmup > 0:  # load code paths and caches in every worker; no signatures
        ctx.wrk(count_path, duration=ctx.warmup)
        ctx.wrk(f"/c/demo/petitions/{petition_id}/", duration=ctx.warmup, connections=8)
    pg_before = round(ctx.pg_insert_tps(), 1)
    ctx.log(f"  pg_insert_tps before the surge: {pg_before:.0f}")

    meter = CpuMeter(ctx.extra["server_pids"](), ctx.db_url.rsplit("/", 1)[1])
    samples: list[tuple[float, int]] = []
    stop = threading.Event()
    poller = threading.Thread(target=_poll_counts, args=(ctx.url(count_path), stop, samples, meter), daemon=True)
    started_at = datetime.now().astimezone().isoformat(timespec="seconds")
    poller.start()
    cpu_before, clock = meter.snapshot(), time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        counting = pool.submit(run_wrk, ctx.url(count_path), duration=ctx.duration,
                               connections=COUNT_CONNECTIONS, threads=1, extra_lua=_pace_lua(COUNT_CONNECTIONS))
        signing = pool.submit(_sign_load, ctx, sign_path, ctx.duration)
        sign_result, tally = signing.result()
        count_result = counting.result()
    cpu = CpuMeter.report(cpu_before, meter.snapshot(), time.monotonic() - clock)
    time.sleep(2.0)  # let the 1-second count cache expire, then take the last samples
    stop.set()
    poller.join(timeout=5)
    with urllib.request.urlopen(ctx.url(count_path), timeout=5) as response:
        final_public = int(json.loads(response.read())["count"])
    db = _database_figures(ctx.db_url, petition_id, ctx.extra["author_id"])
    pg_after = round(ctx.pg_insert_tps(), 1)
    acknowledged = int(tally["acked"])
    counted = db["count"] - 1  # without the author's own signature (made at publication)
    sign_responses = sum(int(tally[key]) for key in ("acked", "conflicts", "limited", "other"))
    seconds = max(1, round(ctx.duration))
    figures = {
        # Stored signatures over the time between the first and the last one (server clock).
        "signatures_per_s": round(db["stored"] / db["surge_span_s"], 1) if db["surge_span_s"] else 0.0,
        "surge_span_s": round(db["surge_span_s"], 2),
        "acknowledged": acknowledged,
        "stored": db["stored"],
        "counted": counted,
        "public_count_after": final_public - 1,
        "duplicates": db["duplicates"],
        "max_count_lag_s": max_lag(samples, db["signed_at"]),
        "count_samples": len(samples),
        "count_endpoint_rps": count_result.rps,
        "sign_connections": SIGN_CONNECTIONS,  # the harness's own `connections` is not used here
        "count_connections": COUNT_CONNECTIONS,
        "pg_insert_tps": stats.median([pg_before, pg_after]),
        "pg_insert_tps_rounds": [pg_before, pg_after],
        "sign_requests": sign_responses,
        "sign_conflicts_409": int(tally["conflicts"]),
        "sign_rate_limited_429": int(tally["limited"]),
        "sign_other_status": int(tally["other"]),
        "sign_users_reused": int(tally["wrapped"]),
        "users_prepared": int(ctx.extra["users"]),
        "exact": acknowledged == db["stored"] == counted == final_public - 1 and db["duplicates"] == 0,
        "cache": ctx.extra["cache"],
        "cpu": cpu,
        # Server CPU per request, all requests of the surge (sign, count, drain): the cost on any machine.
        "server_cpu_ms_per_request": round(cpu["server_cpu_s"] * 1000 / max(1, sign_result.requests
                                                                          + count_result.requests), 3),
        "started": started_at,
        "endpoints": {
            "sign": {"path": sign_path, **_endpoint(sign_result), "rps": round(sign_responses / seconds, 1),
                     "rps_rounds": [round(sign_responses / seconds, 1)]},
            "count": {"path": count_path, **_endpoint(count_result)},
        },
    }
    ctx.log(f"  {figures['signatures_per_s']:.0f} signatures/s, acknowledged {acknowledged}, stored {db['stored']}, "
            f"counted {counted}, duplicates {db['duplicates']}, max count lag {figures['max_count_lag_s']} s, "
            f"count endpoint {count_result.rps:.0f} req/s")
    ctx.log(f"  CPU seconds in {cpu['measured_s']} s: server {cpu['server_cpu_s']}, "
            f"PostgreSQL {cpu['postgres_cpu_s']}, wrk {cpu['load_generator_cpu_s']}, "
            f"whole host busy {cpu['host_cpu_busy_s']} of {cpu['host_cpu_s']}")
    shutil.rmtree(ctx.extra["workdir"], ignore_errors=True)
    return figures


def _endpoint(result: WrkResult) -> dict[str, Any]:
    return {"rps": result.rps, "p50_ms": result.p50_ms, "p90_ms": result.p90_ms, "p99_ms": result.p99_ms,
            "errors": result.errors, "requests": result.requests, "rps_rounds": [result.rps]}


def users_for(duration: float) -> int:
    return max(MIN_USERS, math.ceil(duration * USERS_PER_SECOND))
