"""The community API shows one community's districts and departments, never another's."""

from __future__ import annotations

import pytest

from hromada.testing import factories

SQUARE = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.1], [30.0, 50.0]]]}


@pytest.fixture
def rows(community, other_community):
    for c in (community, other_community):
        for i in (1, 2):
            factories.make_district(c, SQUARE, name_uk=f"{c.slug}-район-{i}")
            factories.make_department(c, name_uk=f"{c.slug}-відділ-{i}", email=f"d{i}@{c.slug}.test")


@pytest.mark.parametrize(("slug", "other"), [("kyiv", "lviv"), ("lviv", "kyiv")])
@pytest.mark.parametrize("resource", ["districts", "departments"])
def test_lists_show_only_this_communitys_rows(client, rows, slug, other, resource):
    response = client.get(f"/c/{slug}/api/v1/community/{resource}/")
    assert response.status_code == 200
    body = response.json()
    names = [item["name_uk"] for item in body["results"]]
    assert body["count"] == 2
    assert all(name.startswith(f"{slug}-") for name in names), names
    assert not any(other in name for name in names)


def test_same_lists_on_the_community_host(client, rows):
    body = client.get("/api/v1/community/districts/", HTTP_HOST="lviv.example.org").json()
    assert [d["name_uk"] for d in body["results"]] == ["lviv-район-1", "lviv-район-2"]
    assert body["results"][0]["boundary"] == SQUARE


def test_community_detail_shows_its_policy(client, community):
    body = client.get("/c/kyiv/api/v1/community/").json()
    assert body["slug"] == "kyiv"
    assert body["name_en"] == "Kyiv City Community"
    assert body["petition_threshold"] == community.petition_threshold
    assert body["martial_law_mode"] is True


def test_lists_are_read_only(client, rows, resident):
    client.force_login(resident)
    response = client.post("/c/kyiv/api/v1/community/departments/", {"name_uk": "Новий"})
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
