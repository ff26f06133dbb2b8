"""pabutools' answers where pabutools is too slow for the suite, recorded from full runs on this machine.

Recorded with pabutools 1.2.3 (`python -m bench budget-tally --full` and the calls in docs/budget-tally.md).
pabutools took 97 s for Toulouse 2022 mes-complete, and about 600 s for Warsaw 2026 mes-complete.
"""

from pathlib import Path

import pytest

from bench.scenarios.budget_tally import RECORDED_PABUTOOLS_MES_COMPLETE
from hromada.apps.budgeting.tally import load, tally

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "pabulib"

TOULOUSE_2022_MES_COMPLETE = (
    "10 100 102 105 106 107 108 11 110 111 112 114 115 116 117 118 119 12 125 126 127 128 129 13 131 132 135 136 "
    "137 138 139 14 141 142 143 144 146 148 149 150 151 153 154 155 156 157 158 162 163 164 166 169 17 171 172 "
    "173 174 175 177 178 18 184 188 19 190 192 193 194 195 196 197 198 199 20 201 203 21 24 25 27 30 32 34 35 36 "
    "38 39 4 40 41 42 43 44 47 48 49 5 52 56 58 6 60 61 64 66 68 69 7 70 71 72 73 74 75 76 77 8 80 81 84 86 87 "
    "89 9 91 93 94 98 99"
).split()


def test_toulouse_2022_mes_complete_matches_recorded_pabutools():
    election = load(DATA / "France_Toulouse_2022.pb")
    assert set(tally(election, "mes-complete").selected) == set(TOULOUSE_2022_MES_COMPLETE)


def test_warsaw_2026_mes_complete_matches_recorded_pabutools():
    if not RECORDED_PABUTOOLS_MES_COMPLETE:
        pytest.fail("bench/scenarios/budget_tally.py has no recorded pabutools answer")
    election = load(DATA / "Poland_Warszawa_2026.pb")
    assert set(tally(election, "mes-complete").selected) == set(RECORDED_PABUTOOLS_MES_COMPLETE)
