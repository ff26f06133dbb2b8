"""`hromada tally FILE.pb --rule RULE`."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "pabulib"
PROJECT_DIR = Path(__file__).resolve().parents[4]


def run(*args: str) -> tuple[list[str], dict]:
    out = StringIO()
    call_command("tally", *args, stdout=out)
    lines = out.getvalue().splitlines()
    return lines[:-1], json.loads(lines[-1])


def test_prints_ids_then_one_json_line():
    ids, summary = run(str(DATA / "Poland_Warszawa_2017_Nadwisle.pb"), "--rule", "greedy")
    assert ids == ["558", "1441", "582", "1408", "547"]
    assert summary["rule"] == "greedy" and summary["selected"] == ids
    assert summary["cost"] == 98600 and summary["budget"] == 98600
    assert summary["seconds"] >= 0 and summary["parse_seconds"] >= 0
    assert summary["ballots"] == 108


def test_greedy_threshold_on_warsaw_2026_with_reasons():
    ids, summary = run(str(DATA / "Poland_Warszawa_2026.pb"), "--rule", "greedy-threshold", "--reasons")
    assert summary["threshold"] == 3000 and len(ids) == 17
    reasons = {p["reason"] for p in summary["projects_detail"]}
    assert reasons == {"funded", "did_not_fit", "below_threshold"}


def test_cumulative_file_and_mes_complete():
    ids, summary = run(str(DATA / "France_Toulouse_2019.pb"), "--rule", "mes-complete")
    assert summary["vote_type"] == "cumulative" and summary["budget_increase_runs"] > 0
    assert summary["cost"] <= summary["budget"] and len(ids) == len(set(ids)) > 0


@pytest.mark.parametrize(("args", "message"), [
    (["--rule", "best"], "unknown rule 'best'"),
    (["--rule", "greedy-threshold"], "needs a threshold"),
])
def test_bad_rule_or_missing_threshold(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("tally", str(DATA / "Poland_Warszawa_2017_Nadwisle.pb"), *args, stdout=StringIO())


def test_malformed_file_exits_non_zero_with_the_line(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\n",
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "hromada.cli", "tally", str(bad), "--rule", "greedy"],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 0
    assert f"{bad}:7: the cost of project '1' is not a number" in proc.stderr
    assert proc.stdout == ""


def test_ordinal_file_is_counted_by_rank_points(tmp_path):
    ranked = tmp_path / "ranked.pb"
    ranked.write_text("META\nkey;value\nbudget;100\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;50\nb;50\nc;50\n"
                      "VOTES\nvoter_id;vote\n1;b,c,a\n2;b,c,a\n3;b,c,a\n4;a\n5;a\n", encoding="utf-8")
    ids, summary = run(str(ranked), "--rule", "greedy", "--reasons")
    assert ids == ["b", "c"]  # 9 and 6 rank points; a has 5 (3 x 1 + 2 x 1) though five voters named it
    assert {p["id"]: (p["score"], p["supporters"]) for p in summary["projects_detail"]} == {
        "a": (5, 5), "b": (9, 3), "c": (6, 3)}
