"""The demo community served the production way, real browsers signed in as each role, and the pages they reach.

Selections for page authors (docs/browser-tests.md): BROWSER_PAGES (substrings of paths, comma-separated),
BROWSER_ROLES, BROWSER_LANGS, BROWSER_ARTIFACTS (where screenshots and lists go, default var/browser/).
"""

from __future__ import annotations

import base64
import fcntl
import functools
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import requests
from django.conf import settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve

from hromada.core import deploy
from hromada.testing.services import IN_CI, free_port

PROJECT_DIR = Path(settings.BASE_DIR).parent
HERE = Path(__file__).parent
AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHECKS_JS = HERE / "checks.js"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
COMMUNITY = "/c/demo/"
PASSWORD = "demo-password-2026"  # the published demo password (hromada/apps/communities/management/commands/demo.py)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (375, 1280)
REFLOW_WIDTH = 320  # WCAG 1.4.10: content reflows at 320 CSS px without scrolling in two directions
FOCUS_STOPS = 25  # Tab presses per page and width
FOCUS_RATIO = 3.0

# Every role of the demo community: the e-mail it signs in with (None: not signed in).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "resident": "resident@demo.hromada.local",
    "admin": "admin@demo.hromada.local",  # community administrator
    "operator": "operator@demo.hromada.local",  # appeals intake
    "executor": "executor@demo.hromada.local",  # a department handling appeals
    "controller": "controller@demo.hromada.local",
    "moderator": "moderator@demo.hromada.local",  # petitions
    "platform": "platform@hromada.local",  # the platform's administrator
}
# The pages each role is checked on, by URL name prefix (None: every page it reaches). The administrator sees
# every office page; the other staff are checked on their own work, the shell around it and their cabinet.
SHELL = ("home", "platform_home", "accounts:", "backoffice:", "error:")
AREAS: dict[str, tuple[str, ...] | None] = {
    "anonymous": None,
    "resident": None,
    "admin": None,
    "operator": (*SHELL, "appeals:"),
    "executor": (*SHELL, "appeals:"),
    "controller": (*SHELL, "appeals:"),
    "moderator": (*SHELL, "petitions:"),
    "platform": (*SHELL, "communities_office:", "audit:", "ui_catalogue"),  # the components' catalogue too
}
# Accounts the keyboard tests use besides the roles (the demo's petitions are the verified resident's own).
ACCOUNTS = {**ROLES, "resident-in-person": "resident.cnap@demo.hromada.local"}
LANGS = ("uk", "en")
# The pages photographed for review, by URL name.
KEY_PAGES = {"home", "appeals:create", "appeals:map", "petitions:detail", "budgeting:ballot", "accounts:cabinet",
             "backoffice:home"}
# Links not followed: they end the session, download files, answer machines or lead out of the site.
SKIPPED = re.compile(r"logout|sign-?out|export|download|\.(csv|xlsx|pdf|json|geojson|pb|xml|rss|atom|png|jpe?g|svg)$"
                     r"|/api/|/admin/|open311|/feed/|/file/|/photos/|/media/|/static/|/i18n/|healthz|django-rq",
                     re.IGNORECASE)


@functools.cache
def checks_source() -> str:
    return CHECKS_JS.read_text()


@functools.cache
def axe_source() -> str:
    return AXE.read_text()


def selected(variable: str, choices: tuple[str, ...] | list[str]) -> list[str]:
    wanted = [item.strip() for item in os.environ.get(variable, "").split(",") if item.strip()]
    return [choice for choice in choices if not wanted or choice in wanted]


def page_filter() -> list[str]:
    return [item.strip() for item in os.environ.get("BROWSER_PAGES", "").split(",") if item.strip()]


def artifacts_dir() -> Path:
    directory = Path(os.environ.get("BROWSER_ARTIFACTS") or PROJECT_DIR / "var" / "browser")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def require_browser() -> None:
    """Chromium, its driver and axe-core are installed (make install-dev); missing ones fail in CI."""
    missing = [str(path) for path in (Path(CHROMIUM), Path(CHROMEDRIVER), AXE) if not path.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if not missing:
        return
    message = f"the browser tests need {', '.join(missing)} (make install-dev)"
    if IN_CI:
        pytest.fail(f"CI requires {message}")
    pytest.skip(message)


# ---------------------------------------------------------------------------------------------- the server
def run_hromada(env: dict[str, str], *args: str, log: Path) -> None:
    with open(log, "ab") as output:
        result = subprocess.run([sys.executable, "-m", "hromada.cli", *args], cwd=PROJECT_DIR, env=env,
                                stdout=output, stderr=subprocess.STDOUT, timeout=600, check=False)
    if result.returncode:
        raise RuntimeError(f"hromada {' '.join(args)} failed:\n{log.read_text(errors='replace')[-3000:]}")


def memory_dir() -> Path:
    """A fresh directory in memory (Linux's /dev/shm) when there is one: SQLite's syncs to disk are most of the
    time `migrate` and `demo` take, and every request that writes waits for one. Else in the temporary dir."""
    shm = Path("/dev/shm")
    where = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="hromada-browser-", dir=where))


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    database_dir: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.database_dir, ignore_errors=True)


def prepare_demo(env: dict[str, str], shared: Path, directory: Path, database: Path, log: Path) -> dict[str, str]:
    """`hromada migrate`, `demo` and `collectstatic` once per test run: the first test process does them,
    the others (xdist workers) copy its database and private files and find the static files collected.
    Answers the keys (SECRET_KEY, …) the data was made with, fresh strong ones for this run."""
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held until the first process has prepared everything
        if not (shared / "ready").exists():
            keys = {name: secrets.token_urlsafe(50) for name in deploy.KEYS}
            (shared / "keys.json").write_text(json.dumps(keys))
            building = memory_dir()
            template = {**env, **keys, "DATABASE_URL": f"sqlite:///{building / 'demo.sqlite3'}",
                        "PRIVATE_MEDIA_ROOT": str(shared / "private")}
            # collectstatic (hashed names, gzip and Brotli copies, as deployed) needs no database: it runs
            # beside migrate and demo.
            static_log = log.with_name("collectstatic.log")
            with open(static_log, "ab") as output:
                static = subprocess.Popen([sys.executable, "-m", "hromada.cli", "collectstatic", "--noinput",
                                           "-v", "0"], cwd=PROJECT_DIR, env=template, stdout=output,
                                          stderr=subprocess.STDOUT)
            try:
                run_hromada(template, "migrate", "--noinput", "-v", "0", log=log)
                run_hromada(template, "demo", log=log)
                shutil.copyfile(building / "demo.sqlite3", shared / "demo.sqlite3")
            finally:
                shutil.rmtree(building, ignore_errors=True)
                if static.wait(timeout=600):
                    failure = static_log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"hromada collectstatic failed:\n{failure}")
            (shared / "ready").touch()
    shutil.copyfile(shared / "demo.sqlite3", database / "demo.sqlite3")
    if (shared / "private").exists():
        shutil.copytree(shared / "private", directory / "private")
    return json.loads((shared / "keys.json").read_text())


def start_server(shared: Path, directory: Path) -> Server:
    """The demo community on a temporary SQLite database, served by `hromada serve` (granian, DEBUG off,
    WhiteNoise, the real CSP) on a free 127.0.0.1 port: what `make run` does, with production settings."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    keep = {name: value for name, value in os.environ.items()
            if not name.startswith(("DATABASE_", "REDIS_", "TASKS_", "SECURE", "DEBUG", "SITE_URL"))}
    database = memory_dir()
    env = {**keep, "DATABASE_URL": f"sqlite:///{database / 'demo.sqlite3'}", "DEBUG": "false", "SECURE": "false",
           "SITE_URL": base, "WEB_HOST": "127.0.0.1", "PORT": str(port), "WEB_WORKERS": "1", "WEB_THREADS": "8",
           "LOG_LEVEL": "WARNING", "PRIVATE_MEDIA_ROOT": str(directory / "private")}
    log = directory / "server.log"
    try:
        env.update(prepare_demo(env, shared, directory, database, log))
    except BaseException:
        shutil.rmtree(database, ignore_errors=True)
        raise
    with open(log, "ab") as output:
        process = subprocess.Popen([sys.executable, "-m", "hromada.cli", "serve"], cwd=PROJECT_DIR, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    server = Server(base, process, log, database)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            raise RuntimeError(f"hromada serve exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(f"{base}{COMMUNITY}healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"hromada serve did not start:\n{log.read_text(errors='replace')[-3000:]}")


# ---------------------------------------------------------------------------------------------- the browser
class Chromium:
    """One headless chromium per test process, shared by the roles: each role keeps its own cookies."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,900", "--lang=uk", "--hide-scrollbars",
                         "--disable-features=Translate,MediaRouter", "--no-first-run",
                         # nothing but the server under test: map tiles and other outside hosts fail at once
                         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
            options.add_argument(argument)
        options.page_load_strategy = "normal"
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)
        self.owner: Browser | None = None

    def quit(self) -> None:
        self.driver.quit()


class Browser:
    """One role in one language in the shared chromium: signed in once, its cookies put back when it is used."""

    def __init__(self, server: Server, role: str, lang: str, chromium: Chromium) -> None:
        self.server, self.role, self.lang, self.chromium = server, role, lang, chromium
        self.driver = chromium.driver
        self.width = 0
        self.cookies: list[dict] = []
        self.activate()

    def activate(self) -> None:
        """This role's cookies (session, CSRF, language) in the browser; the first time, through sign-in."""
        if self.chromium.owner is self:
            return
        self.driver.get(f"{self.server.base}{COMMUNITY}healthz")
        self.driver.delete_all_cookies()
        self.chromium.owner = self
        if self.cookies:
            for cookie in self.cookies:
                self.driver.add_cookie(cookie)
            return
        self.driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": self.lang, "path": "/"})
        email = ACCOUNTS[self.role]
        if email:
            self.sign_in(email)
        self.cookies = [{key: value for key, value in cookie.items() if key in ("name", "value", "path")}
                        for cookie in self.driver.get_cookies()]

    def sign_in(self, email: str) -> None:
        """Through the real sign-in form, with the keyboard."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        self.driver.get(f"{self.server.base}{COMMUNITY}accounts/login/")
        self.driver.find_element(By.NAME, "username").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if any(cookie["name"] == settings.SESSION_COOKIE_NAME for cookie in self.driver.get_cookies()):
                return
            time.sleep(0.1)
        raise AssertionError(f"{email} could not sign in through the form at {self.driver.current_url}")

    def resize(self, width: int) -> None:
        """The viewport `width` CSS px wide, as a phone (meta viewport honoured) below 600 px."""
        self.width = width
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 800 if width < 600 else 900, "deviceScaleFactor": 1, "mobile": width < 600})

    def session(self) -> requests.Session:
        """A plain HTTP client carrying this browser's cookies."""
        client = requests.Session()
        client.trust_env = False
        for cookie in self.driver.get_cookies():
            client.cookies.set(cookie["name"], cookie["value"], path=cookie.get("path", "/"))
        return client

    def run_js(self, name: str, *args: object) -> object:
        """A function of checks.js, loaded into the page in the same call the first time."""
        return self.driver.execute_script(
            f"if (!window.hromadaChecks) {{ {checks_source()} }}\n"
            f"return window.hromadaChecks.{name}.apply(null, arguments)", *args)

    def axe(self) -> list[dict]:
        result = self.driver.execute_async_script(
            f"if (!window.axe) {{ {axe_source()} }}\n"
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(function (r) { done(r.violations.map(function (v) { return {id: v.id, impact: v.impact,"
            " help: v.help, targets: v.nodes.map(function (n) { return n.target.join(' '); })}; })); },"
            " function (e) { done([{id: 'axe-error', impact: 'error', help: String(e), targets: []}]); });",
            AXE_TAGS)
        return list(result)

    def screenshot(self, path: Path) -> None:
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(shot["data"]))



# ---------------------------------------------------------------------------------------------- the pages
class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def url_name(path: str) -> str | None:
    """The Django URL name of a path of this site (community pages under /c/demo/)."""
    try:
        if path.startswith(COMMUNITY):
            match = resolve("/" + path[len(COMMUNITY):], urlconf=settings.COMMUNITY_URLCONF)
        else:
            match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


@dataclass(frozen=True)
class Page:
    name: str  # the URL name, or what a known entry point is
    path: str
    status: int = 200


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plain_paths(patterns: list, prefix: str) -> list[str]:
    """The paths of a URLconf's patterns that take no argument (pages a link may never point at)."""
    paths = []
    for entry in patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route or "^" in route:
            continue
        if isinstance(entry, URLResolver):
            paths += plain_paths(entry.url_patterns, prefix + route)
        elif entry.name:
            paths.append(prefix + route)
    return paths


def start_paths(role: str) -> list[str]:
    paths = [COMMUNITY]
    if role != "anonymous":
        paths.append(f"{COMMUNITY}accounts/cabinet/")
    if role not in ("anonymous", "resident"):
        paths.append(f"{COMMUNITY}office/")
    if role in ("anonymous", "platform"):
        paths.append("/")
    known = plain_paths(get_resolver(settings.COMMUNITY_URLCONF).url_patterns, COMMUNITY)
    return paths + [path for path in known if path not in paths and not SKIPPED.search(path)]


# Entry points links may miss: the error pages.
ENTRY_POINTS = [Page("error:404", f"{COMMUNITY}no-such-page/", 404), Page("error:404-platform", "/no-such-page/", 404)]


def crawl(browser: Browser, limit: int = 400) -> Crawl:
    """Same-origin GET links from the home page, the cabinet and the back office: one page per URL name,
    HTML answers only (checked with a plain request carrying the browser's cookies)."""
    client = browser.session()
    base = browser.server.base
    queue = deque(start_paths(browser.role))
    seen_paths: set[str] = set(queue)
    names: dict[str, Page] = {}
    result = Crawl()
    fetched = 0
    while queue and fetched < limit:
        path = queue.popleft()
        name = url_name(urlsplit(path).path)
        if name is None or name in names:
            continue
        fetched += 1
        answer = client.get(base + path, allow_redirects=False, timeout=30)
        if answer.is_redirect:  # e.g. the budget's index to the current cycle: follow it as a link
            location = urljoin(base + path, answer.headers["Location"])
            target = urlsplit(location).path + (f"?{urlsplit(location).query}" if urlsplit(location).query else "")
            if location.startswith(base) and target not in seen_paths and not SKIPPED.search(target):
                seen_paths.add(target)
                queue.append(target)
        if answer.status_code != 200 or not answer.headers.get("Content-Type", "").startswith("text/html"):
            result.skipped.append(f"{path} {answer.status_code} {answer.headers.get('Content-Type', '')}")
            continue
        names[name] = Page(name, path)
        parser = Links()
        parser.feed(answer.text)
        for href in parser.hrefs:
            absolute, _fragment = urldefrag(urljoin(base + path, href))
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}" != base or SKIPPED.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen_paths:
                seen_paths.add(target)
                queue.append(target)
    result.pages = [*names.values(), *ENTRY_POINTS]
    area = AREAS.get(browser.role)
    if area:
        result.skipped += [f"{page.path} outside the {browser.role}'s area" for page in result.pages
                           if not page.name.startswith(area)]
        result.pages = [page for page in result.pages if page.name.startswith(area)]
    wanted = page_filter()
    if wanted:
        result.pages = [page for page in result.pages if any(part in page.path for part in wanted)]
    return result


# ---------------------------------------------------------------------------------------------- findings
@dataclass(frozen=True)
class Finding:
    page: str
    role: str
    lang: str
    width: int
    rule: str
    target: str

    def line(self) -> str:
        return f"{self.page}  {self.role}/{self.lang}/{self.width}px  {self.rule}  {self.target}"


def report(findings: list[Finding], label: str) -> str:
    directory = artifacts_dir()
    with open(directory / f"findings-{label}.jsonl", "w") as output:
        for finding in findings:
            output.write(json.dumps(finding.__dict__, ensure_ascii=False) + "\n")
    lines = sorted({finding.line() for finding in findings})
    return f"{len(lines)} problems ({label}); page  role/lang/width  rule  target:\n" + "\n".join(lines)
