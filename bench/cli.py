"""`python -m bench --list` and `python -m bench SCENARIO [--duration S] [--workers N]`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform as pyplatform
import sys
import time
from pathlib import Path
from typing import Any

from bench import database, stats
from bench.context import Context
from bench.scenarios import Scenario, discover
from bench.server import SERVERS, Server
from bench.wrk import WrkMissing, wrk_path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MAX_DURATION = 120.0


def log(message: str) -> None:
    print(message, flush=True)


def default_workers(server: str = "gunicorn") -> int:
    cpus = os.cpu_count() or 1
    return min(8, cpus) if server == "granian" else min(8, 2 * cpus + 1)


def default_threads(server: str) -> int:
    return 4 if server == "granian" else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("scenario", nargs="?", help="scenario to run (see --list)")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    p.add_argument("--duration", type=float, default=10.0,
                   help=f"seconds of load per path per round (default 10, at most {MAX_DURATION:.0f})")
    p.add_argument("--server", choices=SERVERS, default="granian",
                   help="HTTP server: granian (production, default) or gunicorn")
    p.add_argument("--workers", type=int, default=None,
                   help="server worker processes (default: granian 1 per CPU; gunicorn 2 x CPUs + 1; at most 8)")
    p.add_argument("--threads", type=int, default=None,
                   help="threads per worker (default: granian 4; gunicorn 1 = sync, >1 uses gthread)")
    p.add_argument("--rounds", type=int, default=3, help="rounds; figures are medians across them")
    p.add_argument("--connections", type=int, default=16, help="concurrent wrk connections")
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    p.add_argument("--pg-clients", type=int, default=8, help="pgbench clients for pg_insert_tps")
    p.add_argument("--pg-duration", type=float, default=5.0, help="seconds of pgbench per round")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load per path")
    p.add_argument("--admin-url", default=os.environ.get("BENCH_ADMIN_URL", database.DEFAULT_ADMIN_URL),
                   help="PostgreSQL URL with rights to create databases (local only)")
    p.add_argument("--db-name", default=database.DEFAULT_DB_NAME, help="benchmark database (reset!)")
    p.add_argument("--no-save", action="store_true", help="do not append the result to bench/results/")
    p.add_argument("--table", action="store_true",
                   help="print the saved results (bench/results/*.jsonl) as a Markdown table and exit")
    p.add_argument("--full", action="store_true",
                   help="also run a scenario's slow reference runs (budget-tally: pabutools mes-complete, ~10 min)")
    return p


def needs_server(scenario: Scenario) -> bool:
    """A scenario module may set NEEDS_SERVER = False: then no database, no server, no wrk, no pg baseline."""
    return bool(getattr(sys.modules.get(scenario.run.__module__), "NEEDS_SERVER", True))


def settings_module(scenario: Scenario) -> str | None:
    """A scenario module may set SETTINGS_MODULE: the server then runs with that DJANGO_SETTINGS_MODULE."""
    return getattr(sys.modules.get(scenario.run.__module__), "SETTINGS_MODULE", None)


def run_standalone(args: argparse.Namespace, scenario: Scenario) -> dict[str, Any]:
    started = time.monotonic()
    ctx = Context(scenario=scenario.name, db_url="", duration=args.duration, rounds=args.rounds, log=log)
    ctx.extra["full"] = args.full
    if scenario.prepare is not None:
        log("scenario prepare")
        scenario.prepare(ctx)
    host = host_info()
    figures = scenario.run(ctx)
    return {"scenario": scenario.name, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rounds": args.rounds, "host": host, "elapsed_s": round(time.monotonic() - started, 1), **figures}


def list_scenarios(scenarios: dict[str, Scenario]) -> None:
    width = max((len(n) for n in scenarios), default=0)
    for name, scenario in scenarios.items():
        print(f"{name:<{width}}  {scenario.description}")


def format_report(result: dict[str, Any]) -> str:
    if "workers" not in result:  # a scenario without server (NEEDS_SERVER = False)
        lines = [f"scenario {result['scenario']}: {result['host']['cpus']} CPUs, load {result['host']['load1']}"]
        lines += [f"  {key}: {value}" for key, value in result.items()
                  if isinstance(value, int | float) and key not in ("rounds", "elapsed_s")]
        lines.append(f"  elapsed {result.get('elapsed_s')} s")
        return "\n".join(lines)
    lines = [f"scenario {result['scenario']}: {result['rounds']} rounds x {result['duration']:.0f} s, "
             f"{result.get('server', 'gunicorn')}: {result['workers']} workers x {result.get('threads', 1)} threads, "
             f"{result['connections']} connections, "
             f"{result['host']['cpus']} CPUs"]
    endpoints = result.get("endpoints") or {}
    if endpoints:
        lines.append(f"  {'endpoint':<16} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, fig in endpoints.items():
            lines.append(f"  {name:<16} {fig['rps']:>9.1f} {fig['p50_ms']:>8.2f} {fig['p90_ms']:>8.2f} "
                         f"{fig['p99_ms']:>8.2f} {fig['errors']:>7d}")
    skip = {"rounds", "duration", "workers", "threads", "connections", "pg_clients", "pg_insert_tps",
            "elapsed_s"}
    for key, value in result.items():
        if key not in skip and isinstance(value, int | float) and not isinstance(value, bool):
            lines.append(f"  {key}: {value}")
    lines.append(f"  pg_insert_tps (median, same run): {result['pg_insert_tps']:.0f} "
                 f"rounds {result.get('pg_insert_tps_rounds')}")
    lines.append(f"  elapsed {result.get('elapsed_s')} s")
    return "\n".join(lines)


TABLE_HEAD = [
    "| date (UTC) | scenario | workers | endpoint | req/s | p50 ms | p99 ms | errors | pg_insert_tps |",
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
]


def markdown_rows(result: dict[str, Any]) -> list[str]:
    """One Markdown table row per endpoint of a result, each beside the run's pg_insert_tps."""
    workers = f"{result.get('workers')}x{result.get('threads', 1)}"
    rows = []
    for name, fig in (result.get("endpoints") or {}).items():
        rows.append(f"| {result.get('date', '')} | {result.get('scenario')} | {workers} | {name} | "
                    f"{fig['rps']:.0f} | {fig['p50_ms']:.1f} | {fig['p99_ms']:.1f} | {fig['errors']} | "
                    f"{result.get('pg_insert_tps', 0):.0f} |")
    return rows


def print_table() -> None:
    print("\n".join(TABLE_HEAD))
    for path in sorted(RESULTS_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                print("\n".join(markdown_rows(stats.parse_result_line(line))))


def save(result: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{result['scenario']}.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(stats.result_line(result) + "\n")
    return path


def host_info() -> dict[str, Any]:
    mem_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "mem_gib": mem_gib, "python": pyplatform.python_version(),
            "load1": round(os.getloadavg()[0], 2)}


def run(args: argparse.Namespace, scenario: Scenario) -> dict[str, Any]:
    started = time.monotonic()
    log(f"resetting database {args.db_name}")
    db_url = database.reset_database(args.admin_url, args.db_name)
    log("hromada migrate")
    database.manage(db_url, "migrate", "--noinput", "-v", "0")
    log("hromada demo")
    database.manage(db_url, "demo")
    ctx = Context(scenario=scenario.name, db_url=db_url, duration=args.duration, rounds=args.rounds,
                  workers=args.workers, connections=args.connections, wrk_threads=args.wrk_threads,
                  pg_clients=args.pg_clients, pg_duration=args.pg_duration, warmup=args.warmup, log=log)
    if scenario.prepare is not None:
        log("scenario prepare")
        scenario.prepare(ctx)
    host = host_info()
    with Server(db_url, workers=args.workers, threads=args.threads, kind=args.server,
                settings_module=settings_module(scenario)) as server:
        log(f"{args.server}: {args.workers} workers x {args.threads} threads at {server.base_url}")
        ctx.base_url = server.base_url
        ctx.extra["server_pids"] = server.pids
        figures = scenario.run(ctx)
    log("server stopped")
    if "pg_insert_tps" not in figures:
        tps_rounds = [round(ctx.pg_insert_tps(), 1) for _ in range(args.rounds)]
        figures["pg_insert_tps"] = stats.median(tps_rounds)
        figures["pg_insert_tps_rounds"] = tps_rounds
    return {
        "scenario": scenario.name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "duration": args.duration,
        "rounds": args.rounds,
        "server": args.server,
        "workers": args.workers,
        "threads": args.threads,
        "connections": args.connections,
        "pg_clients": args.pg_clients,
        "load_tool": "wrk",
        "host": host,
        "elapsed_s": round(time.monotonic() - started, 1),
        **figures,
    }


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    scenarios = discover()
    if args.list:
        list_scenarios(scenarios)
        return 0
    if args.table:
        print_table()
        return 0
    if not args.scenario:
        parser().print_usage(sys.stderr)
        print("name a scenario, or --list", file=sys.stderr)
        return 2
    scenario = scenarios.get(args.scenario)
    if scenario is None:
        print(f"unknown scenario {args.scenario!r}; known: {', '.join(scenarios)}", file=sys.stderr)
        return 2
    args.workers = default_workers(args.server) if args.workers is None else args.workers
    args.threads = default_threads(args.server) if args.threads is None else args.threads
    if not 0 < args.duration <= MAX_DURATION or args.rounds < 1 or args.workers < 1 or args.threads < 1:
        print(f"--duration must be in (0, {MAX_DURATION:.0f}], --rounds, --workers and --threads >= 1", file=sys.stderr)
        return 2
    standalone = not needs_server(scenario)
    if not standalone:
        try:
            wrk_path()
        except WrkMissing as exc:
            print(exc, file=sys.stderr)
            return 3
    try:
        result = run_standalone(args, scenario) if standalone else run(args, scenario)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    print(format_report(result))
    if not args.no_save:
        print(f"appended to {save(result)}")
    print(stats.result_line(result), flush=True)
    return 0
