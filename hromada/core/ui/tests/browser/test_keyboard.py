"""A resident does the main things with the keyboard alone: Tab to a control named by its label or text,
type, Space to tick, Enter to send. Nothing is clicked; controls are found by what they say, not by markup."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from .support import COMMUNITY, ROLES, Browser, Links, selected, url_name

TAB_LIMIT = 120


def tab_to(browser: Browser, name: str, *, kind: str = "") -> dict:
    """Press Tab until the focused element's accessible name contains `name` (and its type is `kind`)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    passed = []
    for _press in range(TAB_LIMIT):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        element = browser.run_js("focused")
        if isinstance(element, dict):
            if name.lower() in element["name"].lower() and (not kind or element["type"] == kind):
                return element
            passed.append(element["name"][:30])
    raise AssertionError(f"Tab never reached {name!r} on {browser.driver.current_url}; it passed {passed[:40]}")


def current_path(browser: Browser) -> str:
    return urlsplit(browser.driver.current_url).path


def type_keys(browser: Browser, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser.driver).send_keys(*keys).perform()


def wait_for_text(browser: Browser, *texts: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        body = browser.driver.execute_script("return document.body ? document.body.innerText : ''")
        for text in texts:
            if text in body:
                return text
        time.sleep(0.2)
    raise AssertionError(f"none of {texts} appeared on {browser.driver.current_url}:\n{body[:1500]}")


def links_to(browser: Browser, path: str, name: str) -> list[str]:
    """The paths `path` links to whose URL name is `name`."""
    parser = Links()
    parser.feed(browser.session().get(browser.server.base + path, timeout=30).text)
    found = []
    for href in parser.hrefs:
        target = re.sub(r"^https?://[^/]+", "", href).split("#")[0]
        if target.startswith("/") and url_name(target.split("?")[0]) == name and target not in found:
            found.append(target)
    return found


def wide_browser(browser_for, role: str, account: str) -> Browser:
    """The signed-in browser of `account` at 1280 px, in English; skipped unless `role` is selected."""
    if role not in selected("BROWSER_ROLES", list(ROLES)):
        pytest.skip("not selected by BROWSER_ROLES")
    browser = browser_for(account, "en")
    browser.resize(1280)
    return browser


@pytest.fixture
def resident(browser_for) -> Browser:
    return wide_browser(browser_for, "resident", "resident")


@pytest.fixture
def another_resident(browser_for) -> Browser:
    """A verified resident who wrote none of the demo's petitions."""
    return wide_browser(browser_for, "resident", "resident-in-person")


def test_a_resident_files_an_appeal_with_the_keyboard(resident):
    from selenium.webdriver.common.keys import Keys

    resident.driver.get(f"{resident.server.base}{COMMUNITY}appeals/new/")
    tab_to(resident, "What is the problem")
    type_keys(resident, "Не працює ліхтар біля під'їзду №2, просимо полагодити.")
    tab_to(resident, "Your place of residence")
    type_keys(resident, "вул. Соборна, 12, кв. 5")
    tab_to(resident, "Send the appeal")
    type_keys(resident, Keys.ENTER)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and url_name(current_path(resident)) == "appeals:create":
        time.sleep(0.2)
    path = current_path(resident)
    assert url_name(path) in {"appeals:receipt", "appeals:detail", "appeals:status"}, (
        f"the appeal was not accepted: {path}\n"
        + resident.driver.execute_script("return document.body.innerText")[:1500])


def test_a_resident_signs_a_petition_with_the_keyboard(another_resident):
    from selenium.webdriver.common.keys import Keys

    resident = another_resident
    client = resident.session()
    petitions = links_to(resident, f"{COMMUNITY}petitions/", "petitions:detail")
    signable = [path for path in petitions
                if "Sign the petition" in client.get(resident.server.base + path, timeout=30).text]
    assert signable, f"no petition collecting signatures that the resident has not signed among {petitions}"
    resident.driver.get(resident.server.base + signable[0])
    tab_to(resident, "Sign the petition")
    type_keys(resident, Keys.ENTER)
    wait_for_text(resident, "your signature is counted", "You signed this petition")


def test_a_resident_votes_in_the_budget_with_the_keyboard(resident):
    from selenium.webdriver.common.keys import Keys

    cycles = links_to(resident, f"{COMMUNITY}budget/", "budgeting:ballot")
    if not cycles:
        cycles = [path for cycle in links_to(resident, f"{COMMUNITY}budget/", "budgeting:cycle")
                  for path in links_to(resident, cycle, "budgeting:ballot")]
    assert cycles, "no budget cycle links to its ballot"
    resident.driver.get(resident.server.base + cycles[0])
    wait_for_text(resident, "Ballot")
    from selenium.webdriver.common.action_chains import ActionChains

    for _press in range(TAB_LIMIT):
        ActionChains(resident.driver).send_keys(Keys.TAB).perform()
        element = resident.run_js("focused")
        if isinstance(element, dict) and element["type"] in ("checkbox", "number"):
            type_keys(resident, Keys.SPACE if element["type"] == "checkbox" else "1")
            break
    else:
        raise AssertionError("Tab reached no project on the ballot")
    tab_to(resident, "Vote")
    type_keys(resident, Keys.ENTER)
    wait_for_text(resident, "You voted")


def wait_for(browser: Browser, script: str, what: str, timeout: float = 15) -> object:
    """The value of `script` once it is truthy (checked every 50 ms in the page's own time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen on {browser.driver.current_url}")


ACTIVE = """var e = document.activeElement; return e ? {id: e.id, tag: e.tagName.toLowerCase(),
  summary: e.hasAttribute('data-error-summary'), menu: !!e.closest('details[data-menu]'),
  href: e.getAttribute('href') || '', text: (e.textContent || '').trim()} : null;"""


@pytest.fixture
def visitor(browser_for) -> Browser:
    return wide_browser(browser_for, "anonymous", "anonymous")


def test_the_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(visitor):
    """Sign-in sent empty: the title says Error, the summary has the focus, Tab and Enter on its first link
    put the focus in the field it names, where typing goes."""
    from selenium.webdriver.common.keys import Keys

    visitor.driver.get(f"{visitor.server.base}{COMMUNITY}accounts/login/")
    tab_to(visitor, "Sign in", kind="submit")
    type_keys(visitor, Keys.ENTER)
    title = wait_for(visitor, "return document.title.indexOf('Error:') === 0 && document.title",
                     "the title's 'Error:' prefix")
    assert "Sign in" in str(title)
    active = wait_for(visitor, f"var a = (function () {{ {ACTIVE} }})(); return a && a.summary && a",
                      "the focus on the error summary")
    assert isinstance(active, dict)
    summary_text = visitor.driver.execute_script(
        "return document.querySelector('[data-error-summary]').innerText")
    assert "There is a problem" in summary_text
    type_keys(visitor, Keys.TAB)
    link = visitor.driver.execute_script(ACTIVE)
    assert isinstance(link, dict) and link["tag"] == "a" and link["href"].startswith("#"), link
    type_keys(visitor, Keys.ENTER)
    field = visitor.driver.execute_script(ACTIVE)
    assert isinstance(field, dict) and field["id"] == link["href"][1:], (link, field)
    type_keys(visitor, "resident@demo.hromada.local")
    assert visitor.driver.execute_script(
        "return document.activeElement.value") == "resident@demo.hromada.local"


def test_the_menu_on_a_phone_opens_with_the_keyboard_and_reaches_every_link(resident):
    """At 375 px the header's menu button opens with Enter, Tab reaches each of its links, Escape closes it
    and gives the focus back to the button."""
    from selenium.webdriver.common.keys import Keys

    resident.resize(375)
    resident.driver.get(f"{resident.server.base}{COMMUNITY}")
    menu = tab_to(resident, "Menu")
    assert menu["tag"] == "summary", menu
    type_keys(resident, Keys.ENTER)
    assert resident.driver.execute_script("return document.querySelector('details[data-menu]').open")
    wanted = resident.driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('details[data-menu] nav a, "
        "details[data-menu] nav button'), function (e) { var r = e.getBoundingClientRect();"
        " return r.width > 0 && r.height > 0 ? e.textContent.trim() : null; })")
    assert isinstance(wanted, list) and None not in wanted and len(wanted) >= 3, wanted
    reached: list[str] = []
    for _name in wanted:
        type_keys(resident, Keys.TAB)
        active = resident.driver.execute_script(ACTIVE)
        assert isinstance(active, dict) and active["menu"], f"Tab left the menu after {reached}"
        reached.append(active["text"])
    assert reached == wanted
    type_keys(resident, Keys.ESCAPE)
    assert not resident.driver.execute_script("return document.querySelector('details[data-menu]').open")
    active = resident.driver.execute_script(ACTIVE)
    assert isinstance(active, dict) and active["tag"] == "summary" and active["menu"], active
