"""Reading and writing .pb files: the real files, round trips, and malformed input with line numbers."""

from pathlib import Path

import pytest

from hromada.apps.budgeting.tally import Election, PabulibError, Project, dumps, load, loads

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "pabulib"
ALL = sorted(p.stem for p in DATA.glob("*.pb"))

GOOD = """META
key;value
description;test
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
1;60;First
2;40.0;Second; with semicolon
VOTES
voter_id;vote;age
a;1,2;30
b;2;41
c;;None
"""


def same(a: Election, b: Election) -> None:
    assert a.projects == b.projects
    assert a.budget == b.budget
    assert a.vote_type == b.vote_type
    assert a.ballots() == b.ballots()
    assert a.voter_ids == b.voter_ids
    assert a.voter_columns == b.voter_columns and a.voter_extra == b.voter_extra
    assert {k: v for k, v in a.meta.items() if k not in ("num_votes", "num_projects")} == \
        {k: v for k, v in b.meta.items() if k not in ("num_votes", "num_projects")}


def test_all_shared_files_are_read_crlf_and_lf_alike():
    assert ALL
    for name in ALL:
        e = load(DATA / f"{name}.pb")
        assert e.num_ballots == int(e.meta["num_votes"]), name
        assert len(e.projects) == int(e.meta["num_projects"]), name
    assert load(DATA / "Poland_Krakow_2024.pb").vote_type == "ordinal"


def test_crlf_bom_and_lf_give_the_same_election():
    fixed = GOOD.replace("Second; with semicolon", '"Second; with semicolon"')
    lf = loads(fixed)
    crlf = loads("\ufeff" + fixed.replace("\n", "\r\n"))
    same(lf, crlf)
    assert lf.projects[1].cost == 40 and lf.projects[1].name == "Second; with semicolon"
    assert lf.ballots() == [["1", "2"], ["2"], []]  # the empty ballot is kept: it counts for equal shares


@pytest.mark.parametrize("name", ALL)
def test_round_trip_of_the_shared_files(name, tmp_path):
    e = load(DATA / f"{name}.pb")
    again = loads(dumps(e))
    same(e, again)


def test_round_trip_of_an_election_built_in_code():
    e = Election.from_ballots([Project("a", 10, category="city", name="A; quoted \"x\""), Project("b", "2.5")],
                              [{"a": 2, "b": 1}, {}], budget="12.5", vote_type="cumulative")
    again = loads(dumps(e))
    assert again.projects[0].category == "city" and again.projects[0].name == 'A; quoted "x"'
    assert again.ballots() == e.ballots() and again.budget == e.budget


BAD = [
    ("", "empty file", None),
    ("\n\n", "empty file", None),
    ("PROJECTS\nproject_id;cost\n", "expected section META", 1),
    ("hello;world\n", "expected the META section first", 1),
    ("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n", "no 'vote_type'", 4),
    ("META\nkey;value\nbudget;lots\nvote_type;approval\nPROJECTS\n", "budget is not a number", 5),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nVOTES\n", "expected section PROJECTS", 5),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;ten\n",
     "cost of project '1' is not a number", 7),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;-5\n", "negative", 7),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;price\n", "no 'cost' column", 6),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n1;6\n", "appears twice", 8),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n", "missing section(s): VOTES",
     7),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
     "a;1\nb;1,7\n", "unknown project id '7'", 11),
    ("META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n",
     "need a 'points' column", 9),
    ("META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\n"
     "a;1;x\n", "points for project '1' is not a number", 10),
    ("META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\n2;5\nVOTES\n"
     "voter_id;vote;points\na;1,2;3\n", "2 projects but 1 points", 11),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
     "a;1,1\n", "appears twice in one vote", 10),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5;extra\n", "3 fields", 7),
    ("META\nkey;value\nbudget;100\nvote_type;borda\nPROJECTS\n", "unknown vote_type", 5),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
     "a;1\nMETA\n", "appears twice", 11),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\n", "no header line", 5),
    ("META\nkey;value\nbudget\n", "key;value", 3),
]


@pytest.mark.parametrize(("text", "message", "line"), BAD, ids=[m for _, m, _ in BAD])
def test_malformed_files_are_refused_with_the_line(text, message, line):
    with pytest.raises(PabulibError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        loads(text)
    assert caught.value.line == line
    if line is not None:
        assert f"line {line}:" in str(caught.value)


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_bytes(b"META\nkey;value\nbudget;\xff\n")
    with pytest.raises(PabulibError, match=r"bad\.pb:3: not UTF-8"):
        load(path)
    with pytest.raises(PabulibError, match="cannot read"):
        load(tmp_path / "missing.pb")
