"""What a phone downloads for each page: at most 60 KB of HTML, CSS and JavaScript, compressed.

Every HTML page of the demo community reachable by links (as the administrator from the back office, as a
resident and anonymously) is weighed: its HTML compressed with gzip, as the proxy sends it, plus every
stylesheet and script it loads from the site's static files, compressed the same way (WhiteNoise serves
Brotli copies, which are smaller still). Map pages are weighed without Leaflet, the map library, which is
the budget's one stated exception."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from hromada.apps.accounts.models import User
from hromada.core.tests.test_page_markup import ACCOUNTS, ROOT, crawl, demo  # noqa: F401  (demo: fixture)

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024
MAP_LIBRARY = "leaflet/"


class Assets(HTMLParser):
    """The static stylesheets and scripts a page loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.paths.append(attributes.get("href", ""))
        elif tag == "script" and attributes.get("src"):
            self.paths.append(attributes["src"])


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def asset_size(url: str, cache: dict[str, int]) -> int:
    if url not in cache:
        name = url.split("?")[0].removeprefix(settings.STATIC_URL)
        found = finders.find(name)
        assert found, f"{url} is linked from a page but is not a static file"
        cache[url] = compressed(Path(str(found)).read_bytes())
    return cache[url]


@pytest.mark.parametrize("email, start", [
    ("admin@demo.hromada.local", f"{ROOT}office/"),
    ("resident@demo.hromada.local", ROOT),
    (None, ROOT),
])
def test_no_page_sends_more_than_60_kb_compressed(client, demo, email, start):  # noqa: F811
    if email:
        client.force_login(User.objects.get(email=email))
    pages = crawl(client, start, *ACCOUNTS)
    assert len(pages) > 20
    sizes: dict[str, int] = {}
    heavy = []
    for url in pages:
        html = client.get(url).content
        assets = Assets()
        assets.feed(html.decode())
        static = [path for path in assets.paths if path.startswith(settings.STATIC_URL)]
        weight = compressed(html) + sum(asset_size(path, sizes) for path in static
                                        if not path.removeprefix(settings.STATIC_URL).startswith(MAP_LIBRARY))
        if weight > BUDGET:
            heavy.append(f"{url}: {weight / 1024:.1f} KB")
    assert sizes, "no page loaded the site's stylesheet"
    if heavy:
        pytest.fail("pages over 60 KB compressed:\n" + "\n".join(heavy), pytrace=False)
