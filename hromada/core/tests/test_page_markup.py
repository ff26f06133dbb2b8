"""The markup of every page of the demo community, as a screen reader and a browser's autofill meet it.

The demo command makes content in every state through the modules' actions; the crawl follows the links
of the community's pages (public pages as a signed-in resident, the back office as the administrator)
and checks each HTML page: ids are unique, every `<label for>` and every `aria-describedby` points at
an element that is on the page, and the page's title names the page."""

from __future__ import annotations

import io
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from hromada.apps.accounts.models import User

pytestmark = pytest.mark.django_db

ROOT = "/c/demo/"
ACCOUNTS = ["/accounts/login/", "/accounts/register/", "/accounts/password-reset/", "/accounts/cabinet/",
            "/accounts/cabinet/password/", "/accounts/phone/"]
SKIP = (".csv", ".xlsx", ".pdf", ".zip", ".json", ".geojson", ".pb", "/feed/", "/logout/", "/download/",
        "/file/", "/photos/", "/media/", "/i18n/", "/admin/", "/oidc/", "catalog.")
LIMIT = 400
# What a browser may fill in a field of this name: the person's own data by its token; "off" where a staff
# member types someone else's (a resident's at the desk, a co-author's address), see docs/decisions.md.
AUTOCOMPLETE = {
    "full_name": {"name", "off"}, "first_name": {"given-name"}, "last_name": {"family-name"},
    "email": {"email", "off"}, "account_email": {"off"}, "username": {"username", "email"},
    "phone": {"tel", "off"}, "address": {"street-address", "off"}, "postal_code": {"postal-code", "off"},
    "password": {"current-password", "new-password"}, "password_again": {"new-password"},
    "old_password": {"current-password"}, "new_password1": {"new-password"}, "new_password2": {"new-password"},
    "co_authors": {"off"},
}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.described_by: list[str] = []
        self.links: list[str] = []
        self.fields: list[tuple[str, str | None]] = []  # (name, autocomplete) of every input and textarea
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and "for" in attributes:
            self.label_for.append(attributes["for"])
        self.described_by.extend(attributes.get("aria-describedby", "").split())
        if tag in ("input", "textarea") and attributes.get("type") not in ("hidden", "submit", "checkbox", "radio"):
            self.fields.append((attributes.get("name", ""), dict(attrs).get("autocomplete")))
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def problems(self) -> list[str]:
        found = [f"duplicate id {name!r}" for name, count in Counter(self.ids).items() if count > 1]
        ids = set(self.ids)
        found += [f"<label for={name!r}> has no element" for name in self.label_for if name not in ids]
        found += [f"aria-describedby={name!r} has no element" for name in self.described_by if name not in ids]
        found += [f"field {name!r} has autocomplete={token!r}, expected one of {sorted(AUTOCOMPLETE[name])}"
                  for name, token in self.fields if name in AUTOCOMPLETE and token not in AUTOCOMPLETE[name]]
        return found


def crawl(client, *starts: str) -> dict[str, Page]:
    """Every HTML page under the demo community reachable from `starts` by GET links."""
    pages: dict[str, Page] = {}
    queue = list(starts)
    while queue and len(pages) < LIMIT:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = Page()
        page.feed(response.content.decode())
        pages[url] = page
        for href in page.links:
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(ROOT) or any(part in target for part in SKIP):
                continue
            if target not in pages:
                queue.append(target)
    return pages


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())


@pytest.mark.parametrize("email, start", [
    ("admin@demo.hromada.local", f"{ROOT}office/"),
    ("resident@demo.hromada.local", ROOT),
    (None, ROOT),
])
def test_every_page_has_unique_ids_and_labels_and_descriptions_that_point_at_elements(client, demo, email, start):
    if email:
        client.force_login(User.objects.get(email=email))
    pages = crawl(client, start, *ACCOUNTS)
    assert len(pages) > 20 and "/accounts/password-reset/" in pages
    problems = [f"{url}: {problem}" for url, page in pages.items() for problem in page.problems()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_every_back_office_page_has_a_title_of_its_own(client, demo):
    """A title names the page and its section ("Categories — Appeals"), not only the community or "Back office":
    it is what a screen reader says first and what a browser tab and the history show."""
    client.force_login(User.objects.get(email="admin@demo.hromada.local"))
    pages = crawl(client, f"{ROOT}office/")
    titles: dict[str, str] = {}
    for url, page in pages.items():
        path = urlsplit(url).path
        if "/office/" in path and path not in titles:
            titles[path] = " ".join(page.title.split())
    assert len(titles) > 20
    generic = {"Back office", "Бек-офіс", "Hromada", "Демонстраційна громада", "Demo community"}
    problems = [f"{path}: generic title {title!r}" for path, title in titles.items()
                if title in generic or "—" not in title]
    problems += [f"{', '.join(paths)}: same title {title!r}" for title, paths in _by_title(titles).items()
                 if len(paths) > 1]
    if problems:
        pytest.fail("\n".join(sorted(problems)), pytrace=False)


def _by_title(titles: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path, title in titles.items():
        grouped.setdefault(title, []).append(path)
    return grouped


def test_residents_text_on_an_english_page_is_marked_ukrainian(client, demo):
    """A screen reader reads the petition in Ukrainian on the English page, not with English pronunciation."""
    from hromada.apps.communities.models import Community
    from hromada.apps.petitions.models import Petition
    from hromada.core import tenancy

    with tenancy.scope(Community.objects.get(slug="demo")):
        petition = Petition.objects.get(status="collecting")
    html = client.get(f"{ROOT}petitions/{petition.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert f'<h1 lang="uk">{petition.title}</h1>' in html
    assert '<section class="petition-text" lang="uk"' in html
