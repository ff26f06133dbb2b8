"""The colour tokens keep the contrast hromada.css declares for them (WCAG 2.2: 4.5:1 text, 3:1 UI)."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[3] / "static" / "css" / "hromada.css").read_text()


def tokens() -> dict[str, str]:
    root = CSS.split(":root {", 1)[1].split("}", 1)[0]
    return {name: value.lower() for name, value in re.findall(r"--c-([a-z-]+):\s*(#[0-9a-fA-F]{6})", root)}


def pairs() -> list[tuple[str, str, float]]:
    found = []
    for line in re.findall(r"@contrast([^@*]+)", CSS):
        for pair in line.split("|"):
            fg, bg, ratio = pair.split()
            found.append((fg, bg, float(ratio)))
    return found


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_check_itself():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") < 4.5  # a grey that fails


def test_declared_pairs_cover_text_tags_and_focus():
    declared = {(fg, bg) for fg, bg, _ in pairs()}
    assert ("text", "bg") in declared and ("focus", "header") in declared
    colours = tokens()
    for fg, bg in declared:
        assert fg in colours and bg in colours, (fg, bg)
    for name in colours:
        if name.startswith("tag-") and name.endswith("-text"):
            assert (name, name.removesuffix("-text")) in declared


@pytest.mark.parametrize(("fg", "bg", "minimum"), pairs())
def test_pair_has_enough_contrast(fg, bg, minimum):
    colours = tokens()
    assert contrast(colours[fg], colours[bg]) >= minimum, f"--c-{fg} on --c-{bg}"


def test_focus_is_seen_on_every_background():
    """The focus style is yellow and black together: one of them contrasts 3:1 with each background."""
    colours = tokens()
    for background in ("bg", "panel", "header", "primary", "start", "warning"):
        best = max(contrast(colours["focus"], colours[background]),
                   contrast(colours["focus-text"], colours[background]))
        assert best >= 3, background
