"""Fast checks of the benchmark harness: no database, no server, no load."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import stats
from bench.cli import format_report, main, markdown_rows
from bench.context import summarize
from bench.database import parse_pgbench_tps
from bench.scenarios import discover
from bench.wrk import build_script, parse_output

PROJECT_DIR = Path(__file__).resolve().parents[2]

WRK_SAMPLE = """Running 2s test @ http://127.0.0.1:8000/healthz
  2 threads and 16 connections
Requests/sec:   1456.70
BENCH_WRK {"requests":3054,"duration_us":2000000,"bytes":400000,"errors_connect":0,"errors_read":1,\
"errors_write":0,"errors_status":2,"errors_timeout":0,"p50_us":9880,"p90_us":13790,"p99_us":25570,\
"max_us":40000,"mean_us":10100.5}
"""

PGBENCH_SAMPLE = """transaction type: insert.sql
number of clients: 8
latency average = 1.352 ms
initial connection time = 12.345 ms
tps = 5918.053233 (without initial connection time)
"""


def test_list_names_platform():
    proc = subprocess.run([sys.executable, "-m", "bench", "--list"], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=60, check=True)
    assert any(line.split()[0] == "platform" for line in proc.stdout.splitlines() if line.strip())


def test_registry_interface():
    scenario = discover()["platform"]
    assert scenario.description
    assert callable(scenario.run)


def test_unknown_scenario_is_an_error(capsys):
    assert main(["no-such-scenario"]) == 2
    assert "platform" in capsys.readouterr().err


def test_median_helpers():
    assert stats.median([3, 1, 2]) == 2.0
    assert stats.median([1, 2, 3, 4]) == 2.5
    assert stats.median([]) == 0.0
    assert stats.median_of([{"rps": 10}, {"rps": 30}, {"rps": 20}, {}], "rps") == 20.0


def test_parse_wrk_line():
    result = parse_output(WRK_SAMPLE)
    assert result.requests == 3054
    assert result.rps == 1527.0
    assert result.errors == 3
    assert (result.p50_ms, result.p99_ms) == (9.88, 25.57)
    with pytest.raises(ValueError):
        parse_output("Requests/sec: 10\n")


def test_wrk_script_sets_request_and_reports():
    script = build_script("POST", body='{"a": 1}', headers={"Content-Type": "application/json"})
    assert 'wrk.method = "POST"' in script
    assert 'wrk.headers["Content-Type"] = "application/json"' in script
    assert "done = function(summary, latency, requests)" in script


def test_parse_pgbench_tps():
    assert parse_pgbench_tps(PGBENCH_SAMPLE) == 5918.053233
    with pytest.raises(ValueError):
        parse_pgbench_tps("nothing")


def test_summary_and_result_line_is_last_json_object():
    rounds = [parse_output(WRK_SAMPLE).as_dict() for _ in range(3)]
    result = {
        "scenario": "platform", "rounds": 3, "duration": 2.0, "workers": 5, "threads": 1,
        "connections": 16, "host": {"cpus": 2}, "elapsed_s": 1.0,
        "endpoints": {"healthz": summarize("/healthz", rounds)},
        "pg_insert_tps": 5918.1, "pg_insert_tps_rounds": [5918.1, 5900.0, 6000.0],
    }
    output = format_report(result) + "\nappended to bench/results/platform.jsonl\n" + stats.result_line(result)
    parsed = stats.parse_result_line(output + "\n")
    assert parsed == json.loads(json.dumps(result))
    assert parsed["endpoints"]["healthz"]["errors"] == 9
    assert parsed["endpoints"]["healthz"]["requests"] == 3 * 3054
    assert "\n" not in stats.result_line(result)
    with pytest.raises(ValueError):
        stats.parse_result_line("text only\n")


def test_markdown_rows_stand_beside_baseline():
    result = {"date": "2026-11-23T01:28:37+00:00", "scenario": "platform", "workers": 5, "threads": 1,
              "endpoints": {"healthz": summarize("/healthz", [parse_output(WRK_SAMPLE).as_dict()])},
              "pg_insert_tps": 5918.1}
    (row,) = markdown_rows(result)
    assert row.startswith("| 2026-11-23T01:28:37+00:00 | platform | 5x1 | healthz | 1527 |")
    assert row.endswith("| 5918 |")
