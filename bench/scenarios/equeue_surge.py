"""E-queue opening surge: 10,000 signed-in residents compete over HTTP for 1,000 slots that open at the same
minute (as on a kindergarten or school enrolment day), while other residents read the free-slot list.

`prepare()` makes, in the demo community, 10 doctors with 100 one-place slots each on one day (closed for
booking until the surge starts), and 10,000 verified residents with sessions and CSRF tokens. `run()` opens
all 1,000 slots at once (one UPDATE of `opens_at`), then wrk posts bookings (`POST /api/v1/queue/bookings/`,
JSON, session + CSRF) for `--duration` seconds, each resident in turn asking for a random slot, while four
pollers read a doctor's free slots (`GET …/resources/<id>/slots/`) and time each answer.

Figures (last line of stdout, JSON): attempts_per_s (answered booking requests a second), booked (201),
taken (409 `slot_taken`), already (409 `already_booked`: the resident already holds a place with that doctor
that day), other (any other answer: must be 0), stored (active bookings), over_capacity (slots with
`booked > capacity`: must be 0), counter_mismatch (slots whose `booked` differs from their active bookings),
double (a person with two active bookings with one doctor on one day), free_list_p95_ms / p50 / p99 and
pg_insert_tps (the same run's raw single-row INSERT rate).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg

from bench import stats
from bench.context import Context
from bench.wrk import DONE_LUA, parse_output, wrk_path

NAME = "equeue-surge"
DESCRIPTION = ("the e-queue's opening surge: 10,000 residents book 1,000 slots opening at once over HTTP, "
               "while the free-slot list is read; exactness and latency")

RESIDENTS = int(os.environ.get("BENCH_EQUEUE_RESIDENTS", "10000"))
DOCTORS = 10
SLOTS_PER_DOCTOR = 100
BOOK_CONNECTIONS = int(os.environ.get("BENCH_BOOK_CONNECTIONS", "24"))
READERS = 4  # threads reading the free-slot list, one request after another
DRAIN_SECONDS = 2

BOOK_LUA = r"""
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2])
  book_until = os.time() + tonumber(args[3])
  drain_path = args[4]
  slots = {}
  for id in string.gmatch(args[5], "%d+") do table.insert(slots, id) end
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
  math.randomseed(os.time() + tid * 7919)
  idx, booked, taken, already, other, wrapped, drained = 0, 0, 0, 0, 0, 0, 0
end

function request()
  if os.time() >= book_until then
    return wrk.format("GET", drain_path, {}, nil)
  end
  idx = idx + 1
  if idx > #sessions then
    idx = 1
    wrapped = wrapped + 1
  end
  local slot = slots[math.random(#slots)]
  return wrk.format("POST", nil, {
    ["Cookie"] = "sessionid=" .. sessions[idx] .. "; csrftoken=" .. tokens[idx],
    ["X-CSRFToken"] = tokens[idx],
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/json",
  }, '{"slot": ' .. slot .. '}')
end

function response(status, headers, body)
  if status == 201 then
    booked = booked + 1
  elseif status == 409 and body:find("slot_taken", 1, true) then
    taken = taken + 1
  elseif status == 409 and body:find("already_booked", 1, true) then
    already = already + 1
  elseif status == 200 then
    drained = drained + 1
  else
    other = other + 1
  end
end
"""

SURGE_DONE_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  local t = {booked = 0, taken = 0, already = 0, other = 0, wrapped = 0, drained = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format('SURGE {"booked":%d,"taken":%d,"already":%d,"other":%d,"wrapped":%d,"drained":%d}\n',
    t.booked, t.taken, t.already, t.other, t.wrapped, t.drained))
end
"""


def setup_in_django(residents: int, creds_path: str, info_path: str) -> None:
    """Runs inside `hromada shell`: the doctors and their slots on one day (not open yet), and the residents."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from bench.residents import signed_in_residents
    from hromada.apps.communities.models import Community
    from hromada.apps.equeue.models import Resource, ResourceKind, Slot
    from hromada.core import tenancy
    from hromada.core.calendar import KYIV, kyiv_date

    community = Community.objects.get(slug="demo")
    day = kyiv_date(timezone.now()) + timedelta(days=7)
    closed = timezone.now() + timedelta(days=300)
    slot_ids: list[int] = []
    with tenancy.scope(community):
        for n in range(DOCTORS):
            doctor = Resource.objects.create(community=community, kind=ResourceKind.DOCTOR,
                                             name_uk=f"Навантажувальний лікар {n + 1}", speciality="Терапевт",
                                             clinic="Поліклініка навантаження", slot_minutes=5, capacity=1,
                                             horizon_days=14)
            start = datetime.combine(day, time(8), tzinfo=KYIV)
            slots = Slot.objects.bulk_create([
                Slot(community=community, resource=doctor, starts_at=start + timedelta(minutes=5 * k),
                     ends_at=start + timedelta(minutes=5 * (k + 1)), capacity=1, opens_at=closed)
                for k in range(SLOTS_PER_DOCTOR)])
            slot_ids += [s.pk for s in slots]
    with open(creds_path, "w", encoding="ascii") as creds:
        for _n, key, csrf_secret in signed_in_residents(
                community=community, count=residents, email_prefix="queue", name="Пацієнт Навантаження",
                first_birth_year=1960, birth_years=50):
            creds.write(f"{key} {csrf_secret}\n")
    with tenancy.scope(community):
        doctors = sorted(set(Slot.objects.filter(pk__in=slot_ids).values_list("resource_id", flat=True)))
    Path(info_path).write_text(json.dumps({"slots": slot_ids, "doctors": doctors, "day": day.isoformat(),
                                           "residents": residents}))


def prepare(ctx: Context) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-equeue-"))
    ctx.extra.update(workdir=workdir, creds=workdir / "credentials.txt", info=workdir / "info.json")
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")  # sessions are signed: setup and server share it
    ctx.log(f"  creating {DOCTORS * SLOTS_PER_DOCTOR} slots and {RESIDENTS} verified residents with sessions")
    started = time.monotonic()
    code = ("from bench.scenarios.equeue_surge import setup_in_django; "
            f"setup_in_django({RESIDENTS}, {str(ctx.extra['creds'])!r}, {str(ctx.extra['info'])!r})")
    ctx.manage("shell", "-c", code)
    ctx.extra.update(json.loads(Path(ctx.extra["info"]).read_text()))
    ctx.log(f"  ready in {time.monotonic() - started:.0f} s")


def _read_free_slots(url: str, stop: threading.Event, timings: list[float], errors: list[int]) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
            timings.append((time.perf_counter() - began) * 1000)
        except OSError:
            errors.append(1)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def _database_figures(db_url: str, slot_ids: list[int]) -> dict[str, int]:
    with psycopg.connect(db_url) as conn:
        def one(sql: str) -> int:
            row = conn.execute(sql, (slot_ids,)).fetchone()
            return int(row[0]) if row else 0

        active = "status IN ('booked', 'checked_in')"
        return {
            "stored": one(f"SELECT count(*) FROM equeue_booking WHERE slot_id = ANY(%s) AND {active}"),  # noqa: S608
            "slots_booked": one("SELECT coalesce(sum(booked), 0) FROM equeue_slot WHERE id = ANY(%s)"),
            "over_capacity": one("SELECT count(*) FROM equeue_slot WHERE id = ANY(%s) AND booked > capacity"),
            "counter_mismatch": one(
                f"SELECT count(*) FROM equeue_slot s WHERE s.id = ANY(%s) AND s.booked <> (SELECT count(*) "  # noqa: S608
                f"FROM equeue_booking b WHERE b.slot_id = s.id AND b.{active})"),
            "double": one(f"SELECT count(*) FROM (SELECT person_id FROM equeue_booking WHERE slot_id = ANY(%s) "  # noqa: S608
                          f"AND {active} GROUP BY person_id, resource_id, day HAVING count(*) > 1) AS twice"),
        }


def run(ctx: Context) -> dict[str, Any]:
    slot_ids: list[int] = ctx.extra["slots"]
    doctor = ctx.extra["doctors"][0]
    list_path = f"/c/demo/api/v1/queue/resources/{doctor}/slots/?from={ctx.extra['day']}&days=1"
    book_path = "/c/demo/api/v1/queue/bookings/"
    ctx.check(list_path)
    if ctx.warmup > 0:
        ctx.wrk(list_path, duration=ctx.warmup)
    pg_before = round(ctx.pg_insert_tps(), 1)
    ctx.log(f"  pg_insert_tps before the surge: {pg_before:.0f}")
    with psycopg.connect(ctx.db_url) as conn:  # the opening minute: every slot opens at once
        conn.execute("UPDATE equeue_slot SET opens_at = now() WHERE id = ANY(%s)", (slot_ids,))
    threads = max(1, ctx.wrk_threads)
    script = Path(ctx.extra["workdir"]) / "book.lua"
    script.write_text(BOOK_LUA + DONE_LUA + SURGE_DONE_LUA)
    seconds = max(1, round(ctx.duration))
    cmd = [wrk_path(), f"-t{threads}", f"-c{BOOK_CONNECTIONS}", f"-d{seconds + DRAIN_SECONDS}s", "--timeout=10s",
           "-s", str(script), ctx.url(book_path), "--", str(ctx.extra["creds"]), str(threads), str(seconds),
           "/healthz", ",".join(str(i) for i in random.sample(slot_ids, len(slot_ids)))]
    stop = threading.Event()
    timings: list[float] = []
    errors: list[int] = []
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        for _ in range(READERS):
            pool.submit(_read_free_slots, ctx.url(list_path), stop, timings, errors)
        began = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120, check=False)
        stop.set()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk (book) failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    marker = next(line for line in proc.stdout.splitlines() if line.startswith("SURGE "))
    tally = {k: int(v) for k, v in json.loads(marker[len("SURGE "):]).items()}
    result = parse_output(proc.stdout)
    db = _database_figures(ctx.db_url, slot_ids)
    pg_after = round(ctx.pg_insert_tps(), 1)
    answered = tally["booked"] + tally["taken"] + tally["already"]
    attempts = answered + tally["other"]
    figures = {
        "attempts_per_s": round(attempts / seconds, 1),
        "answered_per_s": round(answered / seconds, 1),
        "attempts": attempts,
        "booked": tally["booked"],
        "taken": tally["taken"],
        "already": tally["already"],
        "other": tally["other"],
        "stored": db["stored"],
        "slots": len(slot_ids),
        "slots_booked": db["slots_booked"],
        "over_capacity": db["over_capacity"],
        "counter_mismatch": db["counter_mismatch"],
        "double": db["double"],
        "exact": (tally["booked"] == db["stored"] == db["slots_booked"] and db["over_capacity"] == 0
                  and db["counter_mismatch"] == 0 and db["double"] == 0 and tally["other"] == 0),
        "residents_reused": tally["wrapped"],
        "free_list_requests": len(timings),
        "free_list_errors": len(errors),
        "free_list_p50_ms": _percentile(timings, 0.50),
        "free_list_p95_ms": _percentile(timings, 0.95),
        "free_list_p99_ms": _percentile(timings, 0.99),
        "book_p50_ms": result.p50_ms,
        "book_p99_ms": result.p99_ms,
        "book_connections": BOOK_CONNECTIONS,
        "measured_s": round(time.monotonic() - began, 1),
        "pg_insert_tps": stats.median([pg_before, pg_after]),
        "pg_insert_tps_rounds": [pg_before, pg_after],
    }
    ctx.log(f"  {figures['attempts_per_s']:.0f} booking attempts/s: booked {tally['booked']}, taken {tally['taken']}, "
            f"already {tally['already']}, other {tally['other']}; stored {db['stored']}, over capacity "
            f"{db['over_capacity']}, double {db['double']}; free list p95 {figures['free_list_p95_ms']} ms")
    shutil.rmtree(ctx.extra["workdir"], ignore_errors=True)
    return figures
