"""Every export and feed of every module, downloaded as a resident's (or an official's) program does:
through the project's WSGI application, the body read after the response left the middleware (which
is when a server reads a streamed response). Each file is checked for its rows, not only its status:
residents are told to verify the count from these files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from hromada.apps.accounts.models import User
from hromada.apps.communities.models import Community
from hromada.core import tenancy
from hromada.testing.wsgi import call, session_of

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/c/demo"


def _csv_rows(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def _pb_sections(body: bytes) -> dict[str, list[str]]:
    """The lines of each section of a .pb file (without the section name and header lines)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in body.decode().splitlines():
        if line.strip().lower() in ("meta", "projects", "votes"):
            current = line.strip().lower()
            sections[current] = []
        elif current:
            sections[current].append(line)
    return {name: lines[1:] for name, lines in sections.items()}


@pytest.fixture
def demo(db) -> dict[str, Any]:
    """The demo community with every module's content, and the facts each download must show."""
    from hromada.apps.appeals.selectors import drilldown
    from hromada.apps.budgeting.models import (
        Ballot,
        BallotChoice,
        Category,
        Cycle,
        ImplementationItem,
        Project,
        ProjectResult,
        TallyRun,
    )
    from hromada.apps.budgeting.selectors import public_projects
    from hromada.apps.opendata.models import Dataset
    from hromada.apps.petitions.models import Petition, Signature
    from hromada.apps.petitions.selectors import active_signatures

    call_command("demo", stdout=io.StringIO())
    community = Community.objects.get(slug="demo")
    with tenancy.scope(community):
        previous = Cycle.objects.get(slug="gb-previous")
        run = TallyRun.objects.get(cycle=previous, status="done")
        category = Category.objects.get(pk=ProjectResult.objects.filter(run=run).order_by("category_id")
                                        .values_list("category_id", flat=True).first())
        signed = Petition.objects.filter(signatures__isnull=False).distinct().order_by("pk").first()
        dataset = Dataset.objects.filter(is_published=True, resources__current_version__isnull=False).distinct().first()
        resource = dataset.resources.filter(current_version__isnull=False).first()
        facts = {
            "community": community,
            "category": category,
            "vote_rows": BallotChoice.objects.filter(ballot__cycle=previous).count(),
            "category_ballots": Ballot.objects.filter(cycle=previous, choices__category=category).distinct().count(),
            "category_projects": ProjectResult.objects.filter(run=run, category=category).count(),
            "result_rows": ProjectResult.objects.filter(run=run).count(),
            "a_result_title": ProjectResult.objects.filter(run=run).order_by("rank").first().project.title,
            "public_projects": Project.objects.filter(pk__in=public_projects(previous)).count()
            + Project.objects.filter(pk__in=public_projects(Cycle.objects.get(slug="gb-current"))).count(),
            "implementation_rows": ImplementationItem.objects.count(),
            "an_implemented_title": ImplementationItem.objects.first().project.title,
            "petition": signed,
            "signatures": Signature.objects.filter(active_signatures(), petition=signed).count(),
            "appeals": drilldown("open").count(),
            "a_appeal_number": drilldown("open").first().number,
            "datasets": list(Dataset.objects.filter(is_published=True).values_list("name", flat=True)),
            "dataset": dataset,
            "resource": resource,
            "checksum": resource.current_version.checksum,
            "version": resource.current_version.number,
        }
    return facts


def _get(path: str, *, as_user: str | None = None, **environ: str) -> tuple[int, dict[str, str], bytes]:
    cookies = {}
    if as_user:
        cookies[settings.SESSION_COOKIE_NAME] = session_of(User.objects.get(email=as_user))
    return call("GET", path, cookies=cookies, **environ)


def test_every_download_of_every_module_has_its_rows(demo):
    """Budget (web and API CSVs, the .pb file), appeals (office CSV and XLSX, GeoJSON, Open311),
    petitions (signatories CSV, RSS and Atom), open data (ZIPs, files, catalogue, CKAN)."""
    problems: list[str] = []
    checked_routes: set[str] = set()

    def check(path: str, verify: Callable[[bytes, dict[str, str]], Any], **kwargs: Any) -> None:
        path, _mark, query = path.partition("?")
        checked_routes.add(resolve(path.removeprefix(BASE), urlconf=settings.COMMUNITY_URLCONF).route)
        try:
            status, headers, body = _get(path, QUERY_STRING=query, **kwargs)
        except Exception as exc:  # raised while the server reads the body: the visitor gets a cut-off file
            problems.append(f"{path}: {type(exc).__name__} while reading the body: {exc}")
            return
        if status != 200:
            problems.append(f"{path}: status {status}: {body[:200]!r}")
            return
        try:
            verify(body, headers)
        except AssertionError as exc:
            problems.append(f"{path}: {exc}")
        except Exception as exc:  # a body that does not parse is a failure of that download
            problems.append(f"{path}: {type(exc).__name__}: {exc}")

    def rows_of(expected: int, contains: str | None = None, delimiter: str = ","):
        def verify(body: bytes, headers: dict[str, str]) -> None:
            rows = _csv_rows(body, delimiter)
            assert len(rows) == expected, f"{len(rows)} rows, expected {expected}"
            if contains is not None:
                assert contains in body.decode("utf-8-sig"), f"{contains!r} missing"
        return verify

    category = demo["category"]

    # Participatory budget: web downloads.
    check(f"{BASE}/budget/gb-previous/votes.csv", rows_of(demo["vote_rows"]))

    def pb(body: bytes, headers: dict[str, str]) -> None:
        sections = _pb_sections(body)
        assert len(sections.get("votes", [])) == demo["category_ballots"], (
            f"{len(sections.get('votes', []))} votes, expected {demo['category_ballots']}")
        assert len(sections.get("projects", [])) == demo["category_projects"]
        assert f"num_votes;{demo['category_ballots']}" in body.decode()

    check(f"{BASE}/budget/gb-previous/categories/{category.pk}/votes.pb", pb)

    # Participatory budget: API downloads.
    api = f"{BASE}/api/v1/budget"
    check(f"{api}/cycles/gb-previous/votes.csv", rows_of(demo["vote_rows"]))
    check(f"{api}/cycles/gb-previous/results.csv", rows_of(demo["result_rows"], demo["a_result_title"]))
    check(f"{api}/projects.csv", rows_of(demo["public_projects"]))
    check(f"{api}/implementation.csv", rows_of(demo["implementation_rows"], demo["an_implemented_title"]))

    # Petitions.
    petition = demo["petition"]
    check(f"{BASE}/api/v1/petitions/{petition.pk}/signatories.csv", rows_of(demo["signatures"]))

    def feed(tag: str):
        def verify(body: bytes, headers: dict[str, str]) -> None:
            root = ElementTree.fromstring(body)  # noqa: S314 - our own feed
            items = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag]
            assert items, f"no <{tag}> in the feed"
        return verify

    check(f"{BASE}/petitions/feed/rss/", feed("item"))
    check(f"{BASE}/petitions/feed/atom/", feed("entry"))

    # Appeals: the office exports (a controller's), the public map and Open311.
    controller = "controller@demo.hromada.local"
    check(f"{BASE}/appeals/office/export.csv?kind=open", rows_of(demo["appeals"], demo["a_appeal_number"]),
          as_user=controller)

    def xlsx(body: bytes, headers: dict[str, str]) -> None:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        assert len(values) - 1 == demo["appeals"], f"{len(values) - 1} rows, expected {demo['appeals']}"

    check(f"{BASE}/appeals/office/export.xlsx?kind=open", xlsx, as_user=controller)

    def geojson(body: bytes, headers: dict[str, str]) -> None:
        features = json.loads(body)["features"]
        assert features, "no features"

    check(f"{BASE}/appeals/map.geojson", geojson)
    check(f"{BASE}/appeals/districts.geojson", geojson)

    def open311_json(body: bytes, headers: dict[str, str]) -> None:
        assert json.loads(body), "no service requests"

    def open311_xml(body: bytes, headers: dict[str, str]) -> None:
        assert len(ElementTree.fromstring(body)), "no service requests"  # noqa: S314 - our own answer

    check(f"{BASE}/open311/v2/requests.json", open311_json)
    check(f"{BASE}/open311/v2/requests.xml", open311_xml)
    check(f"{BASE}/open311/v2/services.json", open311_json)

    # Open data: every published data set in the bulk ZIP, one data set's ZIP and file, catalogue, CKAN.
    dataset, resource = demo["dataset"], demo["resource"]

    def bulk(body: bytes, headers: dict[str, str]) -> None:
        names = {name.split("/")[0] for name in zipfile.ZipFile(io.BytesIO(body)).namelist()}
        assert names == set(demo["datasets"]), f"{sorted(names)} != {sorted(demo['datasets'])}"

    check(f"{BASE}/opendata/opendata.zip", bulk)

    def one_zip(body: bytes, headers: dict[str, str]) -> None:
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert archive.namelist(), "empty archive"
        assert all(archive.read(name) for name in archive.namelist()), "an empty file"

    check(f"{BASE}/opendata/dataset/{dataset.name}/dataset.zip", one_zip)

    def file_body(body: bytes, headers: dict[str, str]) -> None:
        assert body and headers.get("X-Checksum-SHA256") == demo["checksum"]

    check(f"{BASE}/opendata/dataset/{dataset.name}/resource/{resource.pk}/download/{dataset.name}"
          f".{resource.extension}", file_body)
    check(f"{BASE}/opendata/dataset/{dataset.name}/resource/{resource.pk}/v{demo['version']}/{dataset.name}"
          f".{resource.extension}", file_body)

    def turtle(body: bytes, headers: dict[str, str]) -> None:
        assert all(name in body.decode() for name in demo["datasets"])

    check(f"{BASE}/opendata/catalog.ttl", turtle)

    def package_list(body: bytes, headers: dict[str, str]) -> None:
        assert set(json.loads(body)["result"]) == set(demo["datasets"])

    check(f"{BASE}/api/3/action/package_list", package_list)

    assert not problems, "\n".join(problems)
    # A download added later without a check here fails this test.
    assert _download_routes() <= checked_routes, sorted(_download_routes() - checked_routes)


DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pb", ".zip", ".geojson", ".xml", ".ttl")


def _download_routes(patterns: Any = None, prefix: str = "") -> set[str]:
    """Routes of the community URLconf that give a file or a feed."""
    if patterns is None:
        patterns = get_resolver(settings.COMMUNITY_URLCONF).url_patterns
    routes: set[str] = set()
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes |= _download_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and (
                route.endswith(DOWNLOAD_SUFFIXES) or "/feed/" in route or "/download/" in route
                or "/v<int:number>/" in route):
            routes.add(route)
    return routes
