"""Every string of the open-data portal has its Ukrainian translation."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "uk" / "LC_MESSAGES" / "django.po"


def test_no_msgstr_is_empty_or_fuzzy():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first entry is the header
    empty = []
    for entry in entries:
        if "#, fuzzy" in entry:
            empty.append(entry)
        for match in re.finditer(r'^msgstr(?:\[\d\])? ""\n(?!")', entry + "\n", re.MULTILINE):
            empty.append(entry)
            del match
    assert empty == [], "untranslated entries:\n" + "\n\n".join(empty)
    assert (PO.with_suffix(".mo")).stat().st_mtime >= PO.stat().st_mtime - 1, "run compilemessages"
