"""The framework's floor and the hot write paths as multiples of it, measured in one run on one server.

The floor is the least a signed-in JSON POST costs on this server: `POST /c/demo/bench/floor/` goes
through the platform's whole middleware stack (community, session read, CSRF, the user loaded) to a
view that reads the user's id and answers `{"ok": true}`, writing nothing (`bench.floor`; the server
runs with `DJANGO_SETTINGS_MODULE=bench.floor.settings`, which only adds that URL). Each round then
loads, one after the other and with the same connections:

- `floor`: the floor view, rotating over the signed-in residents' sessions;
- `sign`: `POST /c/demo/petitions/<id>/sign/` (the public URL, `Accept: application/json`, the
  session cookie, the CSRF cookie and `X-CSRFToken`), each resident signing once: a fresh slice of
  residents per load;
- `ballot`: `POST /c/demo/api/v1/budget/cycles/gb-current/ballot/` (JSON), each voter's first ballot;
- `open311`: `POST /c/demo/open311/v2/requests.json` with an api_key (no session).

`BENCH_FLOOR_PATHS` (default `floor,sign,ballot,open311`) selects the loads; the floor is always
measured. Each round starts with `pg_insert_tps`. A path's rate is its successful answers per second
(signatures acknowledged `{"signed": true}`, ballots created, floor answers `{"ok": true}`; Open311:
appeals stored); its multiple of the floor is floor rate ÷ its rate (how many floor requests one of
its requests costs), from the medians and per round. Afterwards the counts are checked: the
petition's count equals its stored signatures and the public count, nobody signed or voted twice,
and what was stored is what was acknowledged plus at most the requests in flight when wrk stopped.
Around each load the CPU seconds of the server's processes and of the database's PostgreSQL backends
are read from /proc: the cost per request, and its multiple of the floor's, on any host however busy.
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
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

from bench import stats
from bench.context import Context
from bench.wrk import DONE_LUA, WrkResult, parse_output, wrk_path

NAME = "floor"
DESCRIPTION = ("the framework's floor (a signed-in JSON POST through the whole stack, no write) and signing, "
               "ballots and Open311 intake as multiples of it, same server, same run")
SETTINGS_MODULE = "bench.floor.settings"  # the platform's settings plus the floor's URL

FLOOR_PATH = "/c/demo/bench/floor/"
OPEN311_PATH = "/c/demo/open311/v2/requests.json"
CYCLE = "gb-current"
BALLOT_PATH = f"/c/demo/api/v1/budget/cycles/{CYCLE}/ballot/"
ALL_PATHS = ("floor", "sign", "ballot", "open311")
SIGNERS_PER_SECOND = 1600  # residents prepared per second of signing load (each signs once)
VOTERS_PER_SECOND = 1500
MIN_PEOPLE = 5000
MAX_PEOPLE = 400_000
REDIS_DB = 14  # a Redis database of its own: prepare() empties it
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
FORM = "application/x-www-form-urlencoded"
OPEN311_BODY = ("service_code=roads&address_string=%D0%B2%D1%83%D0%BB.+%D0%A1%D0%BE%D0%B1%D0%BE%D1%80%D0%BD%D0%B0"
                "&description=%D0%AF%D0%BC%D0%B0+%D0%BD%D0%B0+%D0%B4%D0%BE%D1%80%D0%BE%D0%B7%D1%96"
                "&email=bench%40example.test&first_name=Bench&api_key=")

# One script for every signed-in POST: args are the credentials file ("session csrf-secret [body number]"
# per line), the slice [first, last) of its lines, wrk's thread count, the bodies file ("-": empty body),
# the Content-Type, and the status and Lua pattern of a successful answer.
SESSION_POST_LUA = r"""
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local creds, first, last, nthreads, bodies_file = args[1], tonumber(args[2]), tonumber(args[3]),
    tonumber(args[4]), args[5]
  content_type, ok_status, ok_pattern = args[6], tonumber(args[7]), args[8]
  bodies = {}
  if bodies_file ~= "-" then
    for line in io.lines(bodies_file) do table.insert(bodies, line) end
  end
  sessions, tokens, picks = {}, {}, {}
  local i = 0
  for line in io.lines(creds) do
    if i >= first and i < last and i % nthreads == tid then
      local session, token, pick = line:match("^(%S+) (%S+)%s*(%d*)")
      table.insert(sessions, session)
      table.insert(tokens, token)
      table.insert(picks, tonumber(pick) or 1)
    end
    i = i + 1
  end
  idx, ok, conflicts, limited, other, wrapped = 0, 0, 0, 0, 0, 0
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
    ["Content-Type"] = content_type,
  }, bodies[picks[idx]] or "")
end

function response(status, headers, body)
  if status == ok_status and body:find(ok_pattern) then
    ok = ok + 1
  elseif status == 409 then
    conflicts = conflicts + 1
  elseif status == 429 then
    limited = limited + 1
  else
    other = other + 1
  end
end
"""

TALLY_DONE_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  local t = {ok = 0, conflicts = 0, limited = 0, other = 0, wrapped = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format('TALLY {"ok":%d,"conflicts":%d,"limited":%d,"other":%d,"wrapped":%d}\n',
    t.ok, t.conflicts, t.limited, t.other, t.wrapped))
end
"""

# What a successful answer is: (status, Lua pattern of its body).
OK_ANSWER = {
    "floor": (200, '"ok":%s*true'),
    "sign": (200, '"signed":%s*true'),
    "ballot": (201, '"id":%s*%d'),
}


def selected_paths() -> list[str]:
    wanted = {p.strip() for p in os.environ.get("BENCH_FLOOR_PATHS", ",".join(ALL_PATHS)).split(",") if p.strip()}
    unknown = wanted - set(ALL_PATHS)
    if unknown:
        raise ValueError(f"BENCH_FLOOR_PATHS: unknown {', '.join(sorted(unknown))}; known: {', '.join(ALL_PATHS)}")
    return [p for p in ALL_PATHS if p in wanted or p == "floor"]


def people_for(ctx: Context, per_second: int) -> int:
    seconds = ctx.warmup + ctx.rounds * ctx.duration
    return min(MAX_PEOPLE, max(MIN_PEOPLE, math.ceil(seconds * per_second)))


def floor_multiple(floor_rate: float, rate: float) -> float:
    """How many floor requests one request of a path costs: floor rate ÷ its rate (0 when it did nothing)."""
    return round(floor_rate / rate, 2) if rate > 0 else 0.0


# ---------------------------------------------------------------- set-up inside Django (hromada shell -c)

def setup_in_django(signers: int, voters: int, workdir: str) -> None:
    """Runs in `hromada shell`: the hot petition and `signers` residents with sessions (the surge's
    set-up), and when `voters` > 0 the budget demo with that many voters (the ballot scenario's)."""
    from bench.scenarios import budget_vote, petitions_surge
    from hromada.apps.communities.models import Community

    # The load generator is one Open311 client: its per-key hourly limit is raised, as the surge raises
    # the per-address signing limit for the loopback address; everything else stays on.
    Community.objects.filter(slug="demo").update(open311_rate_per_hour=1_000_000_000)
    petitions_surge.setup_in_django(signers, f"{workdir}/signers.txt", f"{workdir}/petition.json")
    if voters:
        budget_vote.setup_in_django(voters, f"{workdir}/voters.txt", f"{workdir}/budget.json")


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


def prepare(ctx: Context) -> None:
    paths = selected_paths()
    workdir = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    signers = people_for(ctx, SIGNERS_PER_SECOND)
    voters = people_for(ctx, VOTERS_PER_SECOND) if "ballot" in paths else 0
    ctx.extra.update(workdir=workdir, paths=paths, signers=signers, voters=voters)
    # Sessions are signed with SECRET_KEY: the set-up command and the server must share it.
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")
    if _redis_answers():
        os.environ["REDIS_URL"] = REDIS_URL  # the set-up and the server started next inherit it: production's cache
        ctx.extra["cache"] = "redis (sessions cached_db)"
    else:
        ctx.extra["cache"] = "none (sessions read from the database)"
    ctx.log(f"  the hot petition, {signers} signed-in residents, {voters} voters (cache: {ctx.extra['cache']})")
    started = time.monotonic()
    ctx.manage("shell", "-c", "from bench.scenarios.floor import setup_in_django; "
                              f"setup_in_django({signers}, {voters}, {str(workdir)!r})")
    ctx.extra["petition"] = json.loads((workdir / "petition.json").read_text())
    if voters:
        budget = json.loads((workdir / "budget.json").read_text())
        ctx.extra["cycle_id"] = budget["cycle_id"]
        ctx.extra["ballots_before"] = budget["ballots_before"]
        (workdir / "bodies.txt").write_text("\n".join(budget["bodies"]) + "\n")
    if "open311" in paths:
        ctx.extra["api_key"] = ctx.manage("open311_key", "demo", "Benchmark client").strip().splitlines()[-1]
    ctx.log(f"  ready in {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------- loads

def _session_post(ctx: Context, kind: str, path: str, *, creds: Path, first: int, last: int,
                  duration: float, bodies: Path | None = None,
                  content_type: str = FORM) -> tuple[WrkResult, dict[str, int]]:
    """One wrk run of signed-in POSTs over the residents [first, last) of `creds`; wrk's figures and the tally."""
    workdir = Path(ctx.extra["workdir"])
    script = workdir / "session_post.lua"
    script.write_text(SESSION_POST_LUA + DONE_LUA + TALLY_DONE_LUA)
    threads = max(1, min(ctx.wrk_threads, ctx.connections))
    ok_status, ok_pattern = OK_ANSWER[kind]
    cmd = [wrk_path(), f"-t{threads}", f"-c{ctx.connections}", f"-d{max(1, round(duration))}s", "--timeout=5s",
           "-s", str(script), ctx.url(path), "--", str(creds), str(first), str(last), str(threads),
           str(bodies) if bodies else "-", content_type, str(ok_status), ok_pattern]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk ({kind}) failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    marker = next(line for line in proc.stdout.splitlines() if line.startswith("TALLY "))
    return parse_output(proc.stdout), json.loads(marker[len("TALLY "):])


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _database_backends(db_name: str) -> list[int]:
    """The PostgreSQL backends connected to the benchmark database (their process titles name it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {db_name} " in title:
                found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds of the server's processes and of the benchmark database's PostgreSQL backends during
    one load: what a request costs on any machine, however busy (a backend that exits meanwhile is lost;
    the server keeps its connections, so few do)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.db_name = ctx.db_url.rsplit("/", 1)[1]

    def snapshot(self) -> dict[int, float]:
        server = {pid: _cpu_seconds(pid) for pid in self.ctx.extra["server_pids"]()}
        database = {-pid: _cpu_seconds(pid) for pid in _database_backends(self.db_name)}  # negative: apart
        return {**server, **database}

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> tuple[float, float]:
        """(server, database) CPU seconds between two snapshots."""
        server = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items() if pid > 0)
        database = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items() if pid < 0)
        return server, database


def _count(db_url: str, query: str, params: tuple) -> int:
    with psycopg.connect(db_url) as conn:
        row = conn.execute(query, params).fetchone()
    return int(row[0]) if row else 0


class Loads:
    """Hands out fresh slices of residents (each signs and votes once) and runs each kind of load."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.workdir = Path(ctx.extra["workdir"])
        self.signers = int(ctx.extra["signers"])
        self.voters = int(ctx.extra["voters"])
        self.next_signer = self.next_voter = 0
        self.sign_path = f"/c/demo/petitions/{ctx.extra['petition']['petition_id']}/sign/"
        self.totals: dict[str, dict[str, int]] = {}  # per kind, over every load (warm-up included)
        self.loads: dict[str, int] = {}

    def _take(self, attribute: str, people: int, per_second: int, duration: float) -> tuple[int, int]:
        first = getattr(self, attribute)
        last = min(people, first + math.ceil(duration * per_second))
        setattr(self, attribute, last)
        return first, max(last, first + 1)

    def run(self, kind: str, duration: float) -> dict[str, Any]:
        """One load of `kind` for `duration` seconds: wrk's figures, the successful answers per second
        and the server's CPU per request."""
        ctx = self.ctx
        meter = CpuMeter(ctx)
        cpu_before = meter.snapshot()
        if kind == "open311":
            before = _count(ctx.db_url, "SELECT coalesce(max(id), 0) FROM appeals_appeal", ())
            result = ctx.wrk(OPEN311_PATH, duration=duration, method="POST",
                             body=OPEN311_BODY + ctx.extra["api_key"], headers={"Content-Type": FORM})
            tally = {"ok": _count(ctx.db_url, "SELECT count(*) FROM appeals_appeal WHERE id > %s "
                                              "AND channel = 'open311'", (before,))}
        elif kind == "floor":  # no write: every resident's session, over and over
            result, tally = _session_post(ctx, kind, FLOOR_PATH, creds=self.workdir / "signers.txt", first=0,
                                          last=self.signers, duration=duration)
        elif kind == "sign":
            first, last = self._take("next_signer", self.signers, SIGNERS_PER_SECOND, duration)
            result, tally = _session_post(ctx, kind, self.sign_path, creds=self.workdir / "signers.txt",
                                          first=first, last=last, duration=duration)
        else:
            first, last = self._take("next_voter", self.voters, VOTERS_PER_SECOND, duration)
            result, tally = _session_post(ctx, kind, BALLOT_PATH, creds=self.workdir / "voters.txt", first=first,
                                          last=last, duration=duration, bodies=self.workdir / "bodies.txt",
                                          content_type="application/json")
        server_cpu, database_cpu = CpuMeter.used(cpu_before, meter.snapshot())
        totals = self.totals.setdefault(kind, {})
        for key, value in {**tally, "requests": result.requests, "errors": result.errors}.items():
            totals[key] = totals.get(key, 0) + int(value)
        self.loads[kind] = self.loads.get(kind, 0) + 1
        return {**result.as_dict(), "ok_per_s": round(tally["ok"] / max(result.duration_s, 1e-9), 1),
                "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, result.requests), 3),
                "database_cpu_ms_per_request": round(database_cpu * 1000 / max(1, result.requests), 3),
                "reused": int(tally.get("wrapped", 0))}


# ---------------------------------------------------------------- checks

def _post_status(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=b"", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def check_floor(ctx: Context) -> None:
    """The floor view is mounted and does what it says before it is measured: 401 for a visitor with a
    valid CSRF pair but no session, `{"ok": true}` for a signed-in resident."""
    session, token = (Path(ctx.extra["workdir"]) / "signers.txt").read_text().split("\n", 1)[0].split()[:2]
    anonymous = {"Cookie": f"csrftoken={token}", "X-CSRFToken": token, "Accept": "application/json"}
    status, body = _post_status(ctx.url(FLOOR_PATH), anonymous)
    if status != 401:
        raise RuntimeError(f"anonymous POST {FLOOR_PATH} answered {status}, expected 401: {body[:300]!r}")
    status, body = _post_status(ctx.url(FLOOR_PATH), {**anonymous, "Cookie": f"sessionid={session}; csrftoken={token}"})
    if status != 200 or json.loads(body) != {"ok": True}:
        raise RuntimeError(f"signed-in POST {FLOOR_PATH} answered {status}: {body[:300]!r}")


def exactness(ctx: Context, loads: Loads) -> dict[str, Any]:
    """The counts after the run. What is stored may exceed what was acknowledged by the requests in flight
    when a wrk run stopped (at most its connections); nothing acknowledged may be missing."""
    figures: dict[str, Any] = {}
    db = ctx.db_url
    # Requests in flight when wrk stopped are still answered by the server: let them finish first
    # (this also lets the public count's one-second cache expire).
    time.sleep(2.0)
    if "sign" in loads.totals:
        petition = ctx.extra["petition"]
        active = "petition_id = %s AND withdrawn_at IS NULL AND invalidated_at IS NULL"
        acked = loads.totals["sign"]["ok"]
        # The rows and the count in one statement: one snapshot.
        with psycopg.connect(db) as conn:
            row = conn.execute(
                f"SELECT (SELECT count(*) FROM petitions_signature WHERE {active} AND person_id <> %s), "  # noqa: S608
                "(SELECT signature_count FROM petitions_petition WHERE id = %s), "
                "(SELECT count(*) FROM (SELECT person_id FROM petitions_signature WHERE petition_id = %s "
                "AND withdrawn_at IS NULL GROUP BY person_id HAVING count(*) > 1) AS twice)",
                (petition["petition_id"], petition["author_id"], petition["petition_id"], petition["petition_id"]),
            ).fetchone()
        assert row is not None
        stored, counted, duplicates = int(row[0]), int(row[1]) - 1, int(row[2])  # minus the author's own signature
        with urllib.request.urlopen(ctx.url(f"/c/demo/petitions/{petition['petition_id']}/count.json"),
                                    timeout=10) as response:
            public = int(json.loads(response.read())["count"]) - 1
        allowance = loads.loads["sign"] * ctx.connections
        figures["sign_counts"] = {"acknowledged": acked, "stored": stored, "counted": counted, "public": public,
                                  "duplicates": duplicates, "in_flight_allowance": allowance}
        figures["sign_exact"] = (duplicates == 0 and counted == stored == public
                                 and acked <= stored <= acked + allowance)
    if "ballot" in loads.totals:
        acked = loads.totals["ballot"]["ok"]
        stored = _count(db, "SELECT count(*) FROM budgeting_ballot WHERE cycle_id = %s",
                        (ctx.extra["cycle_id"],)) - int(ctx.extra["ballots_before"])
        duplicates = _count(db, "SELECT count(*) FROM (SELECT voter_id FROM budgeting_ballot WHERE cycle_id = %s "
                                "AND voter_id IS NOT NULL GROUP BY voter_id HAVING count(*) > 1) AS twice",
                            (ctx.extra["cycle_id"],))
        allowance = loads.loads["ballot"] * ctx.connections
        figures["ballot_counts"] = {"acknowledged": acked, "stored": stored, "duplicates": duplicates,
                                    "in_flight_allowance": allowance}
        figures["ballot_exact"] = duplicates == 0 and acked <= stored <= acked + allowance
    if "open311" in loads.totals:
        errors = loads.totals["open311"]["errors"]
        answered = loads.totals["open311"]["requests"] - errors
        stored = loads.totals["open311"]["ok"]
        allowance = loads.loads["open311"] * ctx.connections
        figures["open311_counts"] = {"answered": answered, "stored": stored, "errors": errors,
                                     "in_flight_allowance": allowance}
        figures["open311_exact"] = errors == 0 and answered <= stored <= answered + allowance
    return figures


# ---------------------------------------------------------------- the scenario

def run(ctx: Context) -> dict[str, Any]:
    paths = list(ctx.extra["paths"])
    check_floor(ctx)
    loads = Loads(ctx)
    if ctx.warmup > 0:  # every worker loads its code paths and caches
        for kind in paths:
            loads.run(kind, ctx.warmup)
        ctx.log(f"  warmed up {', '.join(paths)}")
    per_round: dict[str, list[dict[str, Any]]] = {kind: [] for kind in paths}
    pg_rounds: list[float] = []
    for index in range(1, ctx.rounds + 1):
        pg_rounds.append(round(ctx.pg_insert_tps(), 1))
        line = [f"round {index}/{ctx.rounds}: pg_insert_tps={pg_rounds[-1]:.0f}"]
        for kind in paths:
            figures = loads.run(kind, ctx.duration)
            per_round[kind].append(figures)
            line.append(f"{kind} {figures['ok_per_s']:.0f}/s (p99 {figures['p99_ms']:.1f} ms, "
                        f"CPU/request {figures['server_cpu_ms_per_request']:.2f} ms server + "
                        f"{figures['database_cpu_ms_per_request']:.2f} ms PostgreSQL)")
        ctx.log("  " + "; ".join(line))
    rates = {kind: stats.median(r["ok_per_s"] for r in rounds) for kind, rounds in per_round.items()}
    floor_rounds = [r["ok_per_s"] for r in per_round["floor"]]
    result: dict[str, Any] = {
        "paths": paths,
        "cache": ctx.extra["cache"],
        "signers_prepared": ctx.extra["signers"],
        "voters_prepared": ctx.extra["voters"],
        "floor_rps": rates["floor"],
        "floor_rps_rounds": floor_rounds,
        "pg_insert_tps": stats.median(pg_rounds),
        "pg_insert_tps_rounds": pg_rounds,
        "endpoints": {},
    }
    names = {"sign": "signatures_per_s", "ballot": "ballots_per_s", "open311": "open311_stored_per_s"}
    for kind in paths:
        rounds = per_round[kind]
        path = {"floor": FLOOR_PATH, "sign": loads.sign_path, "ballot": BALLOT_PATH, "open311": OPEN311_PATH}[kind]
        result["endpoints"][kind] = {
            "path": path, "rps": stats.median(r["rps"] for r in rounds),
            **{key: round(stats.statistics_median(r[key] for r in rounds), 2)
               for key in ("p50_ms", "p90_ms", "p99_ms")},
            "errors": sum(int(r["errors"]) for r in rounds), "requests": sum(int(r["requests"]) for r in rounds),
            "rps_rounds": [r["rps"] for r in rounds],
            **{key: round(stats.statistics_median(r[key] for r in rounds), 3)
               for key in ("server_cpu_ms_per_request", "database_cpu_ms_per_request")},
            "reused": sum(r["reused"] for r in rounds)}
        if kind == "floor":
            continue
        result[names[kind]] = rates[kind]
        result[f"{names[kind]}_rounds"] = [r["ok_per_s"] for r in rounds]
        result[f"{kind}_floor_multiple"] = floor_multiple(rates["floor"], rates[kind])
        result[f"{kind}_floor_multiple_rounds"] = [floor_multiple(f, r["ok_per_s"])
                                                   for f, r in zip(floor_rounds, rounds, strict=True)]
        # The floor and the path are loaded one after the other in a round: on a busy host the
        # median of the rounds' own multiples is steadier than the multiple of the medians.
        result[f"{kind}_floor_multiple_median_of_rounds"] = stats.median(result[f"{kind}_floor_multiple_rounds"])
        # The same cost in CPU (server + PostgreSQL per request), which a busy host hardly changes.
        result[f"{kind}_floor_cpu_multiple"] = floor_multiple(cpu_per_request(result, kind),
                                                              cpu_per_request(result, "floor"))
    result.update(exactness(ctx, loads))
    ctx.log(summary(result))
    shutil.rmtree(ctx.extra["workdir"], ignore_errors=True)
    return result


def cpu_per_request(result: dict[str, Any], kind: str) -> float:
    figures = result["endpoints"][kind]
    return float(figures["server_cpu_ms_per_request"] + figures["database_cpu_ms_per_request"])


def cpu(result: dict[str, Any], kind: str) -> str:
    figures = result["endpoints"][kind]
    return (f"{figures['server_cpu_ms_per_request']:.2f} ms server + "
            f"{figures['database_cpu_ms_per_request']:.2f} ms PostgreSQL")


def summary(result: dict[str, Any]) -> str:
    """The figures that matter, in one block: rates, multiples of the floor, exactness, the baseline."""
    lines = ["  summary (medians of the rounds; multiple = floor rate / path rate):",
             f"    pg_insert_tps {result['pg_insert_tps']:.0f} (rounds {result['pg_insert_tps_rounds']})",
             f"    floor {result['floor_rps']:.0f} req/s (rounds {result['floor_rps_rounds']}), "
             f"CPU/request {cpu(result, 'floor')}"]
    for kind, name in (("sign", "signatures_per_s"), ("ballot", "ballots_per_s"), ("open311", "open311_stored_per_s")):
        if name not in result:
            continue
        lines.append(f"    {kind} {result[name]:.0f}/s (rounds {result[name + '_rounds']}), "
                     f"CPU/request {cpu(result, kind)}, "
                     f"{result[kind + '_floor_multiple']:.2f}x the floor "
                     f"(rounds {result[kind + '_floor_multiple_rounds']}, median of them "
                     f"{result[kind + '_floor_multiple_median_of_rounds']:.2f}; "
                     f"in CPU {result[kind + '_floor_cpu_multiple']:.2f}x), "
                     f"exact {result.get(kind + '_exact')} {result.get(kind + '_counts')}")
    return "\n".join(lines)
