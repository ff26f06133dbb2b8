"""Every page of the demo community in a real browser, for each role and language, at a phone's and a
desktop's width: no axe-core violation (WCAG 2.1 A and AA), no horizontal scrolling, and a keyboard focus
indicator of at least 3:1 on each of the first focusable elements.

A failure lists each problem as `page  role/lang/width  rule  target`; docs/browser-tests.md says how to
run one page or one role."""

from __future__ import annotations

import time

import pytest

from .support import (
    FOCUS_RATIO,
    FOCUS_STOPS,
    KEY_PAGES,
    LANGS,
    REFLOW_WIDTH,
    ROLES,
    WIDTHS,
    Browser,
    Finding,
    Page,
    artifacts_dir,
    crawl,
    report,
    selected,
)

CASES = [(role, lang) for role in ROLES for lang in LANGS]


def check_width(browser: Browser, page: Page, width: int, *, axe: bool, focus: bool) -> list[Finding]:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    def finding(rule: str, target: str) -> Finding:
        return Finding(page.path, browser.role, browser.lang, width, rule, target)

    browser.resize(width)
    browser.driver.get(browser.server.base + page.path)
    found: list[Finding] = []
    layout = browser.run_js("overflow", width)
    assert isinstance(layout, dict)
    if not layout["viewport"]:
        found.append(finding("meta-viewport", "no <meta name=viewport>: phones show the desktop layout"))
    if layout["width"] > width:
        widest = "; ".join(layout["widest"]) or "?"
        found.append(finding("horizontal-scroll", f"page is {layout['width']} px wide: {widest}"))
    if axe:
        for violation in browser.axe():
            for target in violation["targets"][:5] or ["-"]:
                found.append(finding(f"axe:{violation['id']}", target))
    if not focus:
        return found
    # One call sends all the Tab presses; the page records each stop's indicator as it gets the focus.
    browser.run_js("startFocusLog")
    ActionChains(browser.driver).send_keys(*[Keys.TAB] * FOCUS_STOPS).perform()
    stops = browser.run_js("focusLog")
    assert isinstance(stops, list)
    if not stops:
        found.append(finding("focus-indicator", "Tab reached no element (not even the skip link)"))
    for indicator in stops:
        if indicator["ratio"] < FOCUS_RATIO:
            shown = "no visible indicator" if indicator["kind"] == "none" else (
                f"{indicator['kind']} {indicator['colour']} {indicator['ratio']:.2f}:1")
            found.append(finding("focus-indicator", f"{indicator['target']}: {shown}"))
    return found


@pytest.mark.parametrize(("role", "lang"), CASES, ids=[f"{role}-{lang}" for role, lang in CASES])
def test_pages_are_accessible_and_fit_the_screen(browser_for, role, lang):
    if role not in selected("BROWSER_ROLES", list(ROLES)) or lang not in selected("BROWSER_LANGS", LANGS):
        pytest.skip("not selected by BROWSER_ROLES / BROWSER_LANGS")
    browser = browser_for(role, lang)
    started = time.monotonic()
    pages = crawl(browser)
    directory = artifacts_dir()
    label = f"{role}-{lang}"
    (directory / f"visited-{label}.txt").write_text(
        "".join(f"{page.name}\t{page.path}\n" for page in pages.pages)
        + "".join(f"# not checked: {line}\n" for line in pages.skipped))
    assert pages.pages, f"no page to check for {label} (BROWSER_PAGES filters every page out?)"
    findings: list[Finding] = []
    # Ukrainian, the default: every check at both widths. English: the layout at both widths (its words are
    # longer) and axe-core once; focus styles do not depend on the language.
    full = lang == LANGS[0]
    for page in pages.pages:
        for width in WIDTHS:
            findings += check_width(browser, page, width, axe=full or width == WIDTHS[-1], focus=full)
            if page.name in KEY_PAGES and full:
                browser.screenshot(directory / f"{page.name.replace(':', '-')}-{role}-{width}.png")
        if role == "anonymous":
            findings += check_width(browser, page, REFLOW_WIDTH, axe=False, focus=False)
    print(f"{label}: {len(pages.pages)} pages in {time.monotonic() - started:.0f} s")
    assert not findings, report(findings, label)


def test_the_focus_check_catches_a_weak_indicator(browser_for):
    """The check itself: links given a pale outline and nothing else fail it, the site's own style passes."""
    if "anonymous" not in selected("BROWSER_ROLES", list(ROLES)):
        pytest.skip("not selected by BROWSER_ROLES")
    browser = browser_for("anonymous", "uk")
    page = Page("error:404", "/no-such-page/", 404)
    assert not check_width(browser, page, 1280, axe=False, focus=True)
    # Through the CSSOM: the CSP blocks <style> elements a script adds.
    weak = ("document.styleSheets[0].insertRule('a:focus-visible, a:focus { outline: 3px solid #dddddd !important;"
            " box-shadow: none !important; background: none !important; }', document.styleSheets[0].cssRules.length);")
    browser.driver.get(browser.server.base + page.path)
    browser.driver.execute_script(weak)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.run_js("startFocusLog")
    ActionChains(browser.driver).send_keys(Keys.TAB, Keys.TAB).perform()
    stops = browser.run_js("focusLog")
    assert isinstance(stops, list) and stops, "no Tab stop recorded"
    assert stops[0]["ratio"] < FOCUS_RATIO and stops[0]["kind"] == "outline", stops[0]
