"""Drive HTTP load with `wrk` (Debian package `wrk`) and read its figures as JSON.

A generated Lua script sets the request and, in `done()`, prints one line
`BENCH_WRK {...}` with requests, errors and latency percentiles (microseconds).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MARKER = "BENCH_WRK "

DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_WRK {"requests":%d,"duration_us":%d,"bytes":%d,'
    .. '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""

INSTALL_HINT = (
    "wrk is not installed: the benchmark needs it as its load tool.\n"
    "Install it with:  apt-get install -y wrk   (Debian/Ubuntu; see docs/benchmarks.md)"
)


class WrkMissing(RuntimeError):
    pass


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    rps: float
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing(INSTALL_HINT)
    return path


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for our inputs


def build_script(method: str = "GET", body: str | None = None, headers: dict[str, str] | None = None,
                 extra_lua: str = "") -> str:
    lines = [f"wrk.method = {lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {lua_string(body)}")
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    return "\n".join(lines) + "\n" + extra_lua + "\n" + DONE_LUA


def parse_output(output: str) -> WrkResult:
    """Read the `BENCH_WRK {...}` line that the script's done() prints."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            raw = json.loads(line[len(MARKER):])
            break
    else:
        raise ValueError(f"no {MARKER.strip()} line in wrk output:\n{output}")
    duration_s = raw["duration_us"] / 1e6 or 1e-9
    errors = sum(raw[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_status",
                                  "errors_timeout"))
    return WrkResult(
        requests=raw["requests"],
        duration_s=round(duration_s, 2),
        rps=round(raw["requests"] / duration_s, 1),
        errors=errors,
        p50_ms=round(raw["p50_us"] / 1000, 2),
        p90_ms=round(raw["p90_us"] / 1000, 2),
        p99_ms=round(raw["p99_us"] / 1000, 2),
        max_ms=round(raw["max_us"] / 1000, 2),
        mean_ms=round(raw["mean_us"] / 1000, 2),
    )


def run_wrk(url: str, *, duration: float, connections: int, threads: int, method: str = "GET",
            body: str | None = None, headers: dict[str, str] | None = None, extra_lua: str = "",
            timeout_s: int = 5) -> WrkResult:
    """Run wrk against one URL for `duration` seconds (bounded: killed after duration + 30 s)."""
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("the benchmark only loads 127.0.0.1")
    binary = wrk_path()
    threads = max(1, min(threads, connections))
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(build_script(method, body, headers, extra_lua))
        cmd = [binary, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
               f"--timeout={timeout_s}s", "-s", str(script), url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return parse_output(proc.stdout)
