"""Fixtures of the browser tests: one demo server and one chromium per test process, the roles taking turns."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support import Browser, Chromium, Server, require_browser, start_server


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the browser tests serve their own SQLite demo community: they run once, in the SQLite pass")
    require_browser()
    # The demo is prepared once per run in a directory all xdist workers share (pytest removes old ones).
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "browser-demo"
    server = start_server(shared, Path(tmp_path_factory.mktemp("browser-server")))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium(demo_server: Server) -> Iterator[Chromium]:
    """One browser per test process; the roles take turns in it with their own cookies."""
    browser = Chromium()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="session")
def browsers() -> dict[tuple[str, str], Browser]:
    """The roles by (role, language), each signed in once and reused by every test of this process."""
    return {}


@pytest.fixture
def browser_for(demo_server: Server, chromium: Chromium, browsers: dict[tuple[str, str], Browser]):
    def get(role: str, lang: str) -> Browser:
        if (role, lang) not in browsers:
            browsers[(role, lang)] = Browser(demo_server, role, lang, chromium)
        browser = browsers[(role, lang)]
        browser.activate()
        return browser

    return get
