"""District boundaries: which district a reported point falls in, and what boundaries are accepted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hromada.core.geo import area_contains, validate_area


def _square(x0: float, y0: float, size: float) -> list[list[float]]:
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


WITH_HOLE = {"type": "Polygon", "coordinates": [_square(30.0, 50.0, 1.0), _square(30.25, 50.25, 0.5)]}
TWO_ISLANDS = {"type": "MultiPolygon", "coordinates": [[_square(30.0, 50.0, 1.0)], [_square(32.0, 50.0, 1.0)]]}
TRIANGLE = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [30.5, 51.0], [30.0, 50.0]]]}


@pytest.mark.parametrize(("lon", "lat", "inside"), [
    (30.1, 50.1, True),   # in the ring around the hole
    (30.9, 50.9, True),
    (30.5, 50.5, False),  # in the hole
    (30.3, 50.7, False),  # in the hole, off-centre
    (29.9, 50.5, False),  # west of the polygon
    (30.5, 51.1, False),  # north of it
])
def test_polygon_with_hole(lon, lat, inside):
    assert area_contains(WITH_HOLE, lon, lat) is inside


@pytest.mark.parametrize(("lon", "lat", "inside"), [
    (30.5, 50.5, True),
    (32.5, 50.5, True),
    (31.5, 50.5, False),  # the gap between the islands
    (33.5, 50.5, False),
])
def test_multipolygon(lon, lat, inside):
    assert area_contains(TWO_ISLANDS, lon, lat) is inside


@pytest.mark.parametrize(("lon", "lat", "inside"), [
    (30.5, 50.5, True),
    (30.1, 50.9, False),  # inside the bounding box, outside the triangle
    (30.9, 50.9, False),
])
def test_non_rectangular_polygon(lon, lat, inside):
    assert area_contains(TRIANGLE, lon, lat) is inside


def test_longitude_comes_first():
    narrow = {"type": "Polygon", "coordinates": [_square(24.0, 49.8, 0.1)]}  # Lviv: lon 24, lat 49.8
    assert area_contains(narrow, 24.05, 49.85)
    assert not area_contains(narrow, 49.85, 24.05)


@pytest.mark.parametrize("geometry", [WITH_HOLE, TWO_ISLANDS, TRIANGLE])
def test_valid_geometries_pass(geometry):
    validate_area(geometry)


@pytest.mark.parametrize(("geometry", "code"), [
    (None, "bad_type"),
    ("POLYGON((30 50, 31 50, 31 51, 30 50))", "bad_type"),
    ({"type": "Point", "coordinates": [30.0, 50.0]}, "bad_type"),
    ({"type": "LineString", "coordinates": [[30.0, 50.0], [31.0, 51.0]]}, "bad_type"),
    ({"coordinates": [_square(30.0, 50.0, 1.0)]}, "bad_type"),
    ({"type": "Polygon"}, "empty"),
    ({"type": "Polygon", "coordinates": []}, "empty"),
    ({"type": "MultiPolygon", "coordinates": [[]]}, "empty"),
    ({"type": "MultiPolygon", "coordinates": [_square(30.0, 50.0, 1.0)]}, "bad_ring"),  # a level missing
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [30.0, 50.0]]]}, "bad_ring"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0]]]}, "open_ring"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.1]]]},
     "open_ring"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], ["31", 51.0], [30.0, 50.0]]]}, "bad_position"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0], [30.0, 50.0]]]}, "bad_position"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [181.0, 50.0], [31.0, 51.0], [30.0, 50.0]]]},
     "bad_position"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 91.0], [31.0, 51.0], [30.0, 50.0]]]},
     "bad_position"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [True, 51.0], [30.0, 50.0]]]},
     "bad_position"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [float("nan"), 51.0], [30.0, 50.0]]]},
     "bad_position"),
])
def test_malformed_geojson_is_rejected(geometry, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_area(geometry)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]


def test_district_refuses_a_malformed_boundary(community):
    from hromada.apps.communities.models import District
    from hromada.core import tenancy

    district = District(community=community, name_uk="Район", boundary={"type": "Point", "coordinates": [30, 50]})
    with tenancy.scope(community), pytest.raises(ValidationError) as excinfo:
        district.full_clean()
    assert "boundary" in excinfo.value.message_dict
