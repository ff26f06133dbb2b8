"""Small GeoJSON helpers: validation and point-in-polygon without a GIS database.

Coordinates are GeoJSON order: (longitude, latitude).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Ring = Sequence[Sequence[float]]


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(_("A polygon ring needs at least four positions."), code="bad_ring")
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position[:2])
            or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)
        ):
            raise ValidationError(_("Invalid coordinate %(position)r."), params={"position": position},
                                  code="bad_position")
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise ValidationError(_("A polygon ring must end where it starts."), code="open_ring")


def validate_area(geometry: Any) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon geometry, or raise ValidationError."""
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."), code="bad_type")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("The boundary has no coordinates."), code="empty")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("The boundary has an empty polygon."), code="empty")
        for ring in polygon:
            _check_ring(ring)


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def area_contains(geometry: dict, lon: float, lat: float) -> bool:
    """True when the point lies inside the Polygon/MultiPolygon (holes excluded)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        outer, *holes = polygon
        if _in_ring(lon, lat, outer) and not any(_in_ring(lon, lat, hole) for hole in holes):
            return True
    return False
