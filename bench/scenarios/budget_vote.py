"""Participatory budget, the last voting day compressed: many distinct verified residents cast
their ballots through the full HTTP path (session cookie, CSRF, eligibility, limits, the ballot
insert under its unique key) on PostgreSQL.

`prepare()` loads the budget demo (a cycle in its voting phase) and creates N verified residents
of the demo community, each with a ready session and CSRF secret. When Redis answers on the local
port, the server runs with the production cache and session engine (`REDIS_URL`: sessions read from
Redis, written through to the database), as a deployment does; otherwise sessions are read from the
database (reported as `cache`). Each wrk run (warm-up and every
round) takes a fresh slice of them, so every request is a first ballot; a thread that runs out of
its slice starts again from its beginning, and those requests replace a ballot (counted apart).
The Lua script records the id of every ballot the server acknowledged (201 created, 200 replaced).

After the run the database is checked: every acknowledged ballot exists with exactly its choices
(none lost, none half-written), no voter has two ballots (duplicates), and the ballots stored are
the ones acknowledged plus at most the requests still in flight when wrk stopped.

Figures (last line of stdout, JSON): ballots_per_s (median of the rounds' acknowledged new ballots
per second), endpoint figures of the ballot POST, pg_insert_tps of the same rounds, and the checks.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench import stats
from bench.context import Context
from bench.wrk import DONE_LUA, parse_output, wrk_path

NAME = "budget-vote"
DESCRIPTION = ("ballots cast over HTTP by many distinct verified residents (session, CSRF, eligibility, limits, "
               "unique ballot insert); ballots/s beside pg_insert_tps, none lost or duplicated")

VOTERS_PER_SECOND = 1500  # voters prepared per second of load (the target is 500 ballots/s)
MIN_VOTERS = 5000
MAX_VOTERS = 400_000
CYCLE = "gb-current"
REDIS_DB = 12  # a Redis database of its own: prepare() empties it
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"

VOTE_LUA = r"""
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local voters_file, first, last, nthreads, acks_dir = args[1], tonumber(args[2]), tonumber(args[3]),
    tonumber(args[4]), args[5]
  bodies = {}
  for line in io.lines(acks_dir .. "/bodies.txt") do table.insert(bodies, line) end
  sessions, tokens, picks = {}, {}, {}
  local i = 0
  for line in io.lines(voters_file) do
    if i >= first and i < last and i % nthreads == tid then
      local session, token, pick = line:match("(%S+) (%S+) (%d+)")
      table.insert(sessions, session)
      table.insert(tokens, token)
      table.insert(picks, tonumber(pick))
    end
    i = i + 1
  end
  -- fully buffered: the C library flushes the file when wrk exits; the run checks the count
  acks = io.open(acks_dir .. "/acks-" .. tid .. "-" .. first .. ".txt", "w")
  acks:setvbuf("full")
  idx, created, replaced, refused, wrapped = 0, 0, 0, 0, 0
end

function request()
  idx = idx + 1
  if idx > #sessions then
    idx = 1
    wrapped = wrapped + 1
  end
  return wrk.format("POST", nil, {
    ["Cookie"] = "sessionid=" .. sessions[idx] .. "; csrftoken=" .. tokens[idx],
    ["X-CSRFToken"] = tokens[idx],
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/json",
  }, bodies[picks[idx]])
end

function response(status, headers, body)
  if status == 201 or status == 200 then
    local id = body:match('"id":%s*(%d+)')
    acks:write(status, " ", id or "?", "\n")
    if status == 201 then created = created + 1 else replaced = replaced + 1 end
  else
    refused = refused + 1
  end
end
"""

VOTE_DONE_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  local t = {created = 0, replaced = 0, refused = 0, wrapped = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format('BALLOTS {"created":%d,"replaced":%d,"refused":%d,"wrapped":%d}\n',
    t.created, t.replaced, t.refused, t.wrapped))
end
"""


# ---------------------------------------------------------------- set-up inside Django (hromada shell -c)

def setup_in_django(voters: int, voters_path: str, info_path: str) -> None:
    """Runs in `hromada shell` against the benchmark database: the budget demo, `voters` verified
    residents with sessions and CSRF secrets, and a few valid ballots for them to cast."""
    from bench.residents import signed_in_residents
    from hromada.apps.budgeting.demo import load_demo
    from hromada.apps.budgeting.models import Ballot, Cycle, Project, ProjectStatus
    from hromada.apps.communities.models import Community
    from hromada.core import tenancy

    community = Community.objects.get(slug="demo")
    load_demo(community)
    # Every simulated voter comes from the load generator's one address, as from a kiosk gateway.
    Community.objects.filter(pk=community.pk).update(ballot_rate_per_address=1_000_000_000)
    with tenancy.scope(community):
        cycle = Cycle.objects.get(slug=CYCLE)
        by_category: dict[int, list[int]] = {}
        for pk, category_id in Project.objects.filter(cycle=cycle, status=ProjectStatus.ON_BALLOT) \
                .order_by("number").values_list("pk", "category_id"):
            by_category.setdefault(category_id, []).append(pk)
        categories = {c.pk: c for c in cycle.categories.all()}
    city_wide = [pk for pk in by_category if categories[pk].district_id is None]
    district = next((pk for pk in by_category if categories[pk].district_id is not None), None)
    # Four valid ballots of 3 to 5 projects (two city-wide categories, one district), within every limit.
    bodies = []
    for shift in range(4):
        choices: list[int] = []
        for category_id in city_wide:
            options = by_category[category_id]
            choices += [options[(shift + k) % len(options)] for k in range(min(2, len(options)))]
        if district is not None and shift % 2 == 0:
            choices.append(by_category[district][0])
        bodies.append(json.dumps({"choices": [{"project": pk} for pk in choices[:5]]}, separators=(",", ":")))

    with open(voters_path, "w", encoding="ascii") as out:
        for n, key, csrf_secret in signed_in_residents(
                community=community, count=voters, email_prefix="voter", name="Виборець Навантаження",
                first_birth_year=1950, birth_years=55):
            out.write(f"{key} {csrf_secret} {1 + n % 4}\n")
    # Ballots already in the cycle (the demo's own voters): the check counts the ballots stored after them.
    with tenancy.scope(community):
        ballots_before = Ballot.objects.filter(cycle=cycle).count()
    Path(info_path).write_text(json.dumps({"voters": voters, "cycle_id": cycle.pk, "bodies": bodies,
                                           "ballots_before": ballots_before,
                                           "first_voter_email": "voter0000000@bench.hromada.test"}))


# ---------------------------------------------------------------- the scenario

def voters_for(ctx: Context) -> int:
    seconds = ctx.warmup + ctx.rounds * ctx.duration
    return min(MAX_VOTERS, max(MIN_VOTERS, math.ceil(seconds * VOTERS_PER_SECOND)))


def prepare(ctx: Context) -> None:
    voters = voters_for(ctx)
    workdir = Path(tempfile.mkdtemp(prefix="bench-budget-"))
    ctx.extra.update(workdir=workdir, voters_file=workdir / "voters.txt", info=workdir / "info.json")
    # Sessions are signed with SECRET_KEY: the set-up command and the server must share it.
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")
    if _redis_answers():
        os.environ["REDIS_URL"] = REDIS_URL  # the set-up and the server started next inherit it
        ctx.extra["cache"] = "redis"
    else:
        ctx.extra["cache"] = "none (sessions read from the database)"
    ctx.log(f"  loading the budget demo and {voters} verified residents with sessions (cache: {ctx.extra['cache']})")
    started = time.monotonic()
    code = ("from bench.scenarios.budget_vote import setup_in_django; "
            f"setup_in_django({voters}, {str(ctx.extra['voters_file'])!r}, {str(ctx.extra['info'])!r})")
    ctx.manage("shell", "-c", code)
    info = json.loads(Path(ctx.extra["info"]).read_text())
    ctx.extra.update(info)
    (workdir / "bodies.txt").write_text("\n".join(info["bodies"]) + "\n")
    ctx.log(f"  ready in {time.monotonic() - started:.0f} s")


def _redis_answers() -> bool:
    """Redis answers on the local port; its database REDIS_DB is emptied (sessions of earlier runs)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(f"SELECT {REDIS_DB}\r\n".encode())
            if not sock.recv(16).startswith(b"+OK"):
                return False
            sock.sendall(b"FLUSHDB\r\n")
            return sock.recv(16).startswith(b"+OK")
    except OSError:
        return False


def _vote_load(ctx: Context, path: str, duration: float, first: int, last: int) -> tuple[Any, dict[str, int]]:
    threads = max(1, ctx.wrk_threads)
    workdir = Path(ctx.extra["workdir"])
    script = workdir / "vote.lua"
    script.write_text(VOTE_LUA + DONE_LUA + VOTE_DONE_LUA)
    cmd = [wrk_path(), f"-t{threads}", f"-c{ctx.connections}", f"-d{max(1, round(duration))}s", "--timeout=5s",
           "-s", str(script), ctx.url(path), "--", str(ctx.extra["voters_file"]), str(first), str(last),
           str(threads), str(workdir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk (vote) failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    marker = next(line for line in proc.stdout.splitlines() if line.startswith("BALLOTS "))
    return parse_output(proc.stdout), json.loads(marker[len("BALLOTS "):])


def _acknowledged(workdir: Path) -> tuple[set[int], int, int]:
    """Ballot ids the server acknowledged, and how many acks were 201 (new) and 200 (replaced)."""
    ids: set[int] = set()
    new = replaced = 0
    for path in workdir.glob("acks-*.txt"):
        for line in path.read_text().splitlines():
            status, _, ballot = line.partition(" ")
            if ballot.isdigit():
                ids.add(int(ballot))
            new += status == "201"
            replaced += status == "200"
    return ids, new, replaced


def _count(conn: psycopg.Connection, sql: str, params: tuple) -> int:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _check_database(db_url: str, cycle_id: int, acked: set[int], before: int) -> dict[str, Any]:
    """What the database holds after the load: the cycle's ballots beyond the `before` it had at set-up."""
    with psycopg.connect(db_url) as conn:
        stored = _count(conn, "SELECT count(*) FROM budgeting_ballot WHERE cycle_id = %s", (cycle_id,)) - before
        duplicates = _count(
            conn,
            "SELECT count(*) FROM (SELECT voter_id FROM budgeting_ballot WHERE cycle_id = %s AND voter_id IS NOT NULL "
            "GROUP BY voter_id HAVING count(*) > 1) AS twice", (cycle_id,))
        found = {row[0] for row in conn.execute(
            "SELECT id FROM budgeting_ballot WHERE id = ANY(%s)", (sorted(acked),))}
        # A ballot is whole when it has the 3 to 5 choices every prepared body has.
        partial = _count(
            conn,
            "SELECT count(*) FROM (SELECT b.id, count(c.id) AS n FROM budgeting_ballot b "
            "LEFT JOIN budgeting_ballotchoice c ON c.ballot_id = b.id WHERE b.id = ANY(%s) GROUP BY b.id) AS x "
            "WHERE n < 3 OR n > 5", (sorted(acked),))
    return {"stored": stored, "duplicates": duplicates, "lost": len(acked - found), "partial": partial}


def run(ctx: Context) -> dict[str, Any]:
    path = f"/c/demo/api/v1/budget/cycles/{CYCLE}/ballot/"
    ctx.check(f"/c/demo/budget/{CYCLE}/")
    voters = int(ctx.extra["voters"])
    slice_size = max(1, (voters - math.ceil(ctx.warmup * VOTERS_PER_SECOND)) // ctx.rounds)
    first = 0
    if ctx.warmup > 0:
        warm_last = math.ceil(ctx.warmup * VOTERS_PER_SECOND)
        _warm, warm_tally = _vote_load(ctx, path, ctx.warmup, 0, warm_last)
        ctx.extra["warm_tallies"] = [warm_tally]
        first = warm_last
        ctx.log("  warmed up")
    rounds: list[dict[str, Any]] = []
    pg_rounds: list[float] = []
    tallies: list[dict[str, int]] = []
    for index in range(1, ctx.rounds + 1):
        tps = round(ctx.pg_insert_tps(), 1)
        pg_rounds.append(tps)
        result, tally = _vote_load(ctx, path, ctx.duration, first, first + slice_size)
        first += slice_size
        per_s = round(tally["created"] / max(result.duration_s, 1e-9), 1)
        rounds.append({**result.as_dict(), "ballots_per_s": per_s})
        tallies.append(tally)
        ctx.log(f"  round {index}/{ctx.rounds}: pg_insert_tps={tps:.0f}; {per_s:.0f} new ballots/s "
                f"({result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms, errors {result.errors}, "
                f"replaced {tally['replaced']}, voters reused {tally['wrapped']})")
    acked, new, replaced = _acknowledged(Path(ctx.extra["workdir"]))
    reported = sum(t["created"] + t["replaced"] for t in [*tallies, *ctx.extra.get("warm_tallies", [])])
    db = _check_database(ctx.db_url, int(ctx.extra["cycle_id"]), acked, int(ctx.extra["ballots_before"]))
    in_flight_allowance = (ctx.rounds + 1) * ctx.connections
    figures: dict[str, Any] = {
        "ballots_per_s": stats.median(r["ballots_per_s"] for r in rounds),
        "ballots_per_s_rounds": [r["ballots_per_s"] for r in rounds],
        "acknowledged_new": new,
        "acknowledged_replaced": replaced,
        "stored": db["stored"],
        "lost": db["lost"],
        "duplicates": db["duplicates"],
        "partial": db["partial"],
        "in_flight_at_stop_max": in_flight_allowance,
        "acks_recorded": new + replaced,
        "acks_reported_by_wrk": reported,
        "exact": db["lost"] == 0 and db["duplicates"] == 0 and db["partial"] == 0 and new + replaced == reported
        and new <= db["stored"] <= new + in_flight_allowance,
        "refused": sum(t["refused"] for t in tallies),
        "voters_prepared": voters,
        "cache": ctx.extra.get("cache", ""),
        "pg_insert_tps": stats.median(pg_rounds),
        "pg_insert_tps_rounds": pg_rounds,
        "endpoints": {"ballot": {
            "path": path,
            "rps": stats.median(r["rps"] for r in rounds),
            "p50_ms": round(stats.statistics_median(r["p50_ms"] for r in rounds), 2),
            "p90_ms": round(stats.statistics_median(r["p90_ms"] for r in rounds), 2),
            "p99_ms": round(stats.statistics_median(r["p99_ms"] for r in rounds), 2),
            "errors": sum(int(r["errors"]) for r in rounds),
            "requests": sum(int(r["requests"]) for r in rounds),
            "rps_rounds": [r["rps"] for r in rounds],
        }},
    }
    ctx.log(f"  {figures['ballots_per_s']:.0f} ballots/s (median); acknowledged {new} new + {replaced} replaced, "
            f"stored {db['stored']}, lost {db['lost']}, duplicates {db['duplicates']}, partial {db['partial']}")
    shutil.rmtree(ctx.extra["workdir"], ignore_errors=True)
    return figures
