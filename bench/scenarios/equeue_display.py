"""E-queue call displays: 200 displays hold a server-sent events stream each while operators call tickets;
every call must reach every display within 2 seconds.

The displays' streams are served the way production serves them (`hromada serve --streams`: granian's ASGI
interface, one process whose event loop holds the streams; decision in docs/decisions.md), with Redis as the
cache and the calls' channel when one answers on 127.0.0.1:6379. The operators are a separate process calling
through the actions (`_equeue_operator.py`); each call is committed and then published. A display's latency
is the time from the call's publication right after its commit (`published_at`, epoch seconds, same machine)
to the moment the display has read the event off its socket; a call a display got only by catching up after
its stream's scheduled reconnect counts from the operator's clock just after the commit. Streams end every
25 s and the displays reconnect with Last-Event-ID, as browsers do.

Figures: displays, calls, deliveries (expected displays × calls), delivered, within_2s (fraction), latency
p50/p95/max in ms, reconnects, and the same run's pg_insert_tps.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.database import PROJECT_DIR
from bench.server import free_port, http_get
from hromada.core.management.commands.serve import stream_command

NAME = "equeue_display"
DESCRIPTION = "200 call displays on SSE while operators call tickets: latency from commit to every display"
DISPLAYS = int(os.environ.get("BENCH_DISPLAYS", "200"))
CALLS = int(os.environ.get("BENCH_CALLS", "60"))
WINDOWS = 6
INTERVAL = 0.4  # seconds between calls
STREAM_WORKERS = int(os.environ.get("BENCH_STREAM_WORKERS", "2"))  # one per CPU of the 2-CPU host
REDIS_URL = "redis://127.0.0.1:6379/12"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _operator(ctx: Context, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": ctx.db_url, "DEBUG": "False", "LOG_LEVEL": "WARNING"}
    proc = subprocess.run([sys.executable, "-m", "bench.scenarios._equeue_operator", *args], cwd=PROJECT_DIR,
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"operator {args[0]} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout.strip().splitlines()[-1]


def prepare(ctx: Context) -> None:
    if _redis_up():
        os.environ["REDIS_URL"] = REDIS_URL  # the servers started next (and the operators) use it
    ctx.extra["hall"] = json.loads(_operator(ctx, "setup", str(WINDOWS), str(CALLS)))


class Display:
    def __init__(self, host: str, port: int, path: str) -> None:
        self.host, self.port, self.path = host, port, path
        self.last_id: int | None = None
        self.received: dict[int, tuple[float, float | None]] = {}  # event id -> (receipt, published_at)
        self.connected = asyncio.Event()
        self.reconnects = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._once(stop)
            except (OSError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.5)
            self.reconnects += 1

    async def _once(self, stop: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        resume = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id is not None else ""
        writer.write(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: text/event-stream\r\n"
                     f"{resume}Connection: close\r\n\r\n".encode())
        await writer.drain()
        buffer = b""
        try:
            while not stop.is_set():
                try:
                    chunk = await asyncio.wait_for(reader.read(65536), timeout=1.0)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                now = time.time()
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if line.startswith(b"retry:"):
                        self.connected.set()
                    elif line.startswith(b"data: "):
                        payload = json.loads(line[6:])
                        event_id = int(payload.get("id") or payload.get("last_id") or 0)
                        if "calls" in payload:  # the opening state
                            self.last_id = max(self.last_id or 0, event_id)
                            continue
                        self.last_id = max(self.last_id or 0, event_id)
                        self.received.setdefault(event_id, (now, payload.get("published_at")))
        finally:
            writer.close()


async def _displays(ctx: Context, port: int, path: str) -> dict[str, Any]:
    displays = [Display("127.0.0.1", port, path) for _ in range(DISPLAYS)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(d.run(stop)) for d in displays]
    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(d.connected.wait() for d in displays)), timeout=900)
    connect_s = round(time.monotonic() - started, 1)
    ctx.log(f"{DISPLAYS} displays connected in {connect_s} s; operators start calling")
    hall = ctx.extra["hall"]
    committed_raw = await asyncio.to_thread(_operator, ctx, "call", str(WINDOWS), str(CALLS), str(INTERVAL),
                                            str(hall["operator"]))
    await asyncio.sleep(3)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    committed = {int(k): v for k, v in json.loads(committed_raw).items()}
    latencies: list[float] = []
    for display in displays:
        for event_id, commit in committed.items():
            got = display.received.get(event_id)
            if got is None:
                continue
            received, published = got
            latencies.append(max(0.0, received - (published or commit)))
    expected = len(committed) * DISPLAYS
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    return {"displays": DISPLAYS, "calls": len(committed), "deliveries": expected, "delivered": len(latencies),
            "within_2s": round(sum(1 for v in latencies if v <= 2.0) / expected, 4) if expected else 0.0,
            "latency_p50_ms": pct(0.50), "latency_p95_ms": pct(0.95),
            "latency_max_ms": round(1000 * latencies[-1], 1) if latencies else 0.0,
            "reconnects": sum(d.reconnects for d in displays) - DISPLAYS, "connect_all_s": connect_s,
            "redis": bool(os.environ.get("REDIS_URL"))}


def run(ctx: Context) -> dict[str, Any]:
    hall = ctx.extra["hall"]
    path = f"/c/{hall['slug']}/queue/offices/{hall['office']}/display/events/"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": ctx.db_url, "DEBUG": "False", "LOG_LEVEL": "WARNING",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-not-secret")}
    log = Path(tempfile.mkdtemp(prefix="bench-streams-")) / "streams.log"
    with open(log, "ab") as sink:
        server = subprocess.Popen(stream_command(host="127.0.0.1", port=port, workers=STREAM_WORKERS),  # noqa: S603
                                  cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=sink,
                                  start_new_session=True)  # its own group: the workers stop with it
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http_get(f"http://127.0.0.1:{port}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the stream server did not start:\n{log.read_text(errors='replace')[-3000:]}")
        tps = round(ctx.pg_insert_tps(), 1)
        figures = asyncio.run(_displays(ctx, port, path))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    figures["pg_insert_tps"] = tps
    figures["pg_insert_tps_rounds"] = [tps]
    figures["stream_server"] = f"granian asginl, {STREAM_WORKERS} workers"
    return figures
