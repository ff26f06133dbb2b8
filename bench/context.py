"""What a scenario gets: the running server, the benchmark database and measuring helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bench import database, stats
from bench.server import http_get
from bench.wrk import WrkResult, run_wrk


@dataclass
class Context:
    scenario: str
    db_url: str
    duration: float = 10.0
    rounds: int = 3
    workers: int = 4
    connections: int = 16
    wrk_threads: int = 2
    pg_clients: int = 8
    pg_duration: float = 5.0
    warmup: float = 2.0
    base_url: str = ""  # set once the server answers /healthz; empty in prepare()
    log: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)  # free room for scenarios

    def url(self, path: str) -> str:
        if not self.base_url:
            raise RuntimeError("the server is not running yet (prepare() runs before it starts)")
        return self.base_url + path

    def manage(self, *args: str) -> str:
        """Run a `hromada` management command against the benchmark database."""
        return database.manage(self.db_url, *args)

    def check(self, path: str, expect: int = 200) -> None:
        """One plain GET before the load: the endpoint must answer `expect`, or the scenario fails."""
        status, body = http_get(self.url(path))
        if status != expect:
            raise RuntimeError(f"GET {path} answered {status}, expected {expect}: {body[:300]!r}")

    def wrk(self, path: str, *, duration: float | None = None, connections: int | None = None,
            method: str = "GET", body: str | None = None, headers: dict[str, str] | None = None,
            extra_lua: str = "") -> WrkResult:
        """Load one path with wrk for `duration` seconds (default: the run's --duration)."""
        return run_wrk(self.url(path), duration=self.duration if duration is None else duration,
                       connections=connections or self.connections, threads=self.wrk_threads,
                       method=method, body=body, headers=headers, extra_lua=extra_lua)

    def pg_insert_tps(self, duration: float | None = None) -> float:
        """Raw single-row INSERT transactions per second of this PostgreSQL, measured now."""
        return database.pg_insert_tps(self.db_url, duration=duration or self.pg_duration,
                                      clients=self.pg_clients)

    def measure_endpoints(self, endpoints: Mapping[str, str]) -> dict[str, Any]:
        """The common scenario body: check and warm up each path, then `rounds` rounds of
        [pg_insert_tps, then each path under wrk]; report medians across rounds."""
        for name, path in endpoints.items():
            self.check(path)
            if self.warmup > 0:
                self.wrk(path, duration=self.warmup)
            self.log(f"  warmed up {name} ({path})")
        per_path: dict[str, list[dict[str, Any]]] = {name: [] for name in endpoints}
        pg_rounds: list[float] = []
        for index in range(1, self.rounds + 1):
            tps = round(self.pg_insert_tps(), 1)
            pg_rounds.append(tps)
            line = [f"round {index}/{self.rounds}: pg_insert_tps={tps:.0f}"]
            for name, path in endpoints.items():
                result = self.wrk(path)
                per_path[name].append(result.as_dict())
                line.append(f"{name} {result.rps:.0f} req/s p99 {result.p99_ms:.1f} ms err {result.errors}")
            self.log("  " + "; ".join(line))
        return {
            "endpoints": {name: summarize(path, per_path[name]) for name, path in endpoints.items()},
            "pg_insert_tps": stats.median(pg_rounds),
            "pg_insert_tps_rounds": pg_rounds,
        }


def summarize(path: str, rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians across rounds of one path's wrk figures; errors and requests are totals."""
    return {
        "path": path,
        "rps": stats.median_of(rounds, "rps"),
        "p50_ms": round(stats.statistics_median(r["p50_ms"] for r in rounds), 2),
        "p90_ms": round(stats.statistics_median(r["p90_ms"] for r in rounds), 2),
        "p99_ms": round(stats.statistics_median(r["p99_ms"] for r in rounds), 2),
        "errors": sum(int(r["errors"]) for r in rounds),
        "requests": sum(int(r["requests"]) for r in rounds),
        "rps_rounds": [r["rps"] for r in rounds],
    }
