"""A drawing from the map, checked before it becomes a feature record.

The map returns what the editor drew as GeoJSON (``st_folium``'s ``all_drawings``), which is
untrusted input like any uploaded file: :func:`parse_drawing` accepts only points and
polygons with a bounded number of finite longitude/latitude coordinates, and repairs
self-crossing rings, saying so when a repair changes the area noticeably.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from kzatlas.config import CRS
from kzatlas.ingest.messages import N_, Message
from kzatlas.spatial import area_hectares

QUALITY_DRAWN = "digitised"
QUALITY_POINT = "point"
# What one drawing may hold: enough to trace a reserve from a decree map, little enough to
# keep a hostile browser message cheap.
MAX_DRAWN_FEATURES = 50
MAX_DRAWN_VERTICES = 20_000
# A repair that changes the area by more than this is reported.
REPAIR_NOTE_PERCENT = 0.1


class DrawingError(ValueError):
    """A drawing or form that cannot be saved; the message is plain words, safe to show.

    Parameters
    ----------
    message : str or Message
        An English message id (marked with ``N_``) or a ready
        :class:`~kzatlas.ingest.messages.Message`; ``str(error)`` is English, the page shows it
        translated (:func:`~kzatlas.ingest.messages.exception_text`).
    **params
        The message's fields.
    """

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message if isinstance(message, Message) and not params else Message(message, **params))

    @property
    def message(self) -> Message:
        """The problem, as a translatable message."""
        return self.args[0]


@dataclass(frozen=True)
class DrawnShape:
    """A checked drawing.

    Attributes
    ----------
    geometry : shapely geometry
        A Point, Polygon or MultiPolygon in longitude/latitude, valid.
    quality : str
        ``digitised`` for a boundary, ``point`` for a marker.
    notes : tuple of Message
        Repairs made (self-crossing rings, parts joined).
    """

    geometry: BaseGeometry
    quality: str
    notes: tuple[Message, ...] = ()


def _coordinate(value: object) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise DrawingError(N_("The drawing holds a point that is not a longitude/latitude pair."))
    lon, lat = value[0], value[1]
    if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, int | float) or not isinstance(lat, int | float):
        raise DrawingError(N_("The drawing holds a coordinate that is not a number."))
    lon, lat = float(lon), float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise DrawingError(N_("The drawing holds a coordinate that is not a finite number."))
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise DrawingError(
            N_("The drawing reaches outside longitude -180 to 180 or latitude -90 to 90; draw it again over Kazakhstan.")
        )
    return lon, lat


NO_POINTS = N_("The drawing holds a boundary without points.")


class _Budget:
    """Counts coordinates as they are read, so a huge message is refused early."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise DrawingError(N_("The drawing has more than {limit} points; draw it with fewer."), limit=MAX_DRAWN_VERTICES)


def _ring(value: object, budget: _Budget) -> list[tuple[float, float]]:
    if not isinstance(value, list):
        raise DrawingError(N_("The drawing holds a boundary that is not a list of points."))
    budget.take(len(value))
    points = [_coordinate(item) for item in value]
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len({point for point in points}) < 3:
        raise DrawingError(N_("A drawn boundary needs at least three different points."))
    return points


def _polygon(value: object, budget: _Budget) -> shapely.Polygon:
    if not isinstance(value, list) or not value:
        raise DrawingError(NO_POINTS)
    rings = [_ring(ring, budget) for ring in value]
    return shapely.Polygon(rings[0], rings[1:])


def _geometry(feature: object, budget: _Budget) -> BaseGeometry:
    if not isinstance(feature, Mapping):
        raise DrawingError(N_("The drawing is not a map shape."))
    geometry = feature.get("geometry") if feature.get("type") == "Feature" else feature
    if not isinstance(geometry, Mapping):
        raise DrawingError(N_("The drawing has no shape."))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Point":
        budget.take(1)
        return shapely.Point(_coordinate(coordinates))
    if kind == "Polygon":
        return _polygon(coordinates, budget)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise DrawingError(NO_POINTS)
        return shapely.MultiPolygon([_polygon(part, budget) for part in coordinates])
    if kind in ("LineString", "MultiLineString", "MultiPoint", "GeometryCollection"):
        raise DrawingError(N_("Only points and boundaries (polygons, rectangles) can be saved, not {kind} shapes."), kind=kind)
    raise DrawingError(N_("Only points and boundaries (polygons, rectangles) can be saved, not other shapes."))


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygon parts of a repaired shape (a repair can leave lines or points behind)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [part for part in getattr(geometry, "geoms", []) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _repair_note(before: BaseGeometry, after: BaseGeometry) -> Message:
    """The note of a self-crossing boundary repaired, with the area's change when it is noticeable."""
    if not after.is_empty:
        series = gpd.GeoSeries([before.buffer(0) if not before.is_valid else before, after], crs=CRS)
        old, new = area_hectares(series).tolist()
        change = (new - old) / old * 100 if old else 0.0
        if abs(change) >= REPAIR_NOTE_PERCENT:
            return Message(
                N_("a boundary that crossed itself was repaired (area changed by {change:+.1} %)"), change=round(change, 1)
            )
    return Message(N_("a boundary that crossed itself was repaired"))


def parse_drawing(all_drawings: object, last_active: object = None) -> DrawnShape:
    """The one shape the editor drew, checked and repaired.

    Parameters
    ----------
    all_drawings : list of dict or None
        GeoJSON features of everything on the drawing layer (``st_folium``'s
        ``all_drawings``).
    last_active : dict, optional
        ``last_active_drawing``, used when ``all_drawings`` is empty.

    Returns
    -------
    DrawnShape
        A single point, or a (Multi)Polygon joining every drawn boundary.

    Raises
    ------
    DrawingError
        For nothing drawn, a line or circle, a point together with boundaries or several
        points, more than :data:`MAX_DRAWN_VERTICES` points, a coordinate that is not a
        finite longitude/latitude, or a boundary that encloses no area.
    """
    drawings = all_drawings if isinstance(all_drawings, list) else []
    if not drawings and isinstance(last_active, Mapping):
        drawings = [last_active]
    if not drawings:
        raise DrawingError(N_("Nothing is drawn yet: draw a boundary or place a marker on the map."))
    if len(drawings) > MAX_DRAWN_FEATURES:
        raise DrawingError(N_("The drawing has more than {limit} shapes; save fewer at a time."), limit=MAX_DRAWN_FEATURES)
    budget = _Budget(MAX_DRAWN_VERTICES)
    shapes = [_geometry(item, budget) for item in drawings]
    points = [shape for shape in shapes if shape.geom_type == "Point"]
    if points:
        if len(shapes) > 1:
            raise DrawingError(
                N_("Draw either one marker or boundaries, not several markers or both; delete the extra shapes.")
            )
        return DrawnShape(points[0], QUALITY_POINT)
    notes: list[Message] = []
    repaired = []
    for shape in shapes:
        if shape.is_valid:
            repaired.append(shape)
            continue
        fixed = _polygonal(shapely.make_valid(shape))
        notes.append(_repair_note(shape, fixed))
        repaired.append(fixed)
    joined = repaired[0] if len(repaired) == 1 else _polygonal(shapely.make_valid(shapely.union_all(repaired)))
    if len(repaired) > 1:
        notes.append(Message(N_("{count} drawn boundaries saved as one shape"), count=len(repaired)))
    joined = shapely.normalize(joined) if joined.is_valid else joined
    if joined.is_empty or joined.area <= 0:
        raise DrawingError(N_("The drawn boundary encloses no area; draw it again."))
    return DrawnShape(joined, QUALITY_DRAWN, tuple(notes))


# An opened shape is edited vertex by vertex in the browser: more handles than this make the
# editing slow, so a larger boundary is simplified (and the editor told) before it is opened.
EDIT_MAX_VERTICES = 2_000


def editable_features(geometry: BaseGeometry | None, max_vertices: int = EDIT_MAX_VERTICES) -> tuple[list[dict], bool]:
    """A feature's shape as GeoJSON features for the drawing layer, and whether it was simplified.

    Parameters
    ----------
    geometry : shapely geometry or None
        The feature's current shape (longitude/latitude).
    max_vertices : int, optional
        The most points the opened shape may have; a larger one is simplified until it fits.

    Returns
    -------
    tuple of (list of dict, bool)
        One GeoJSON feature per part (a marker, or each polygon of a multi-polygon, as
        Leaflet.draw edits one polygon at a time; :func:`parse_drawing` joins them again),
        and ``True`` when the shape had to be simplified. No features for a feature with no
        point or area (a line, or no shape at all).
    """
    if geometry is None or geometry.is_empty:
        return [], False
    if geometry.geom_type == "Point":
        parts = [geometry]
    else:
        parts = [part for part in getattr(geometry, "geoms", [geometry]) if part.geom_type == "Polygon"]
    if not parts:
        return [], False
    shape = shapely.MultiPolygon(parts) if parts[0].geom_type == "Polygon" else parts[0]
    simplified = False
    tolerance = 1e-5
    while shapely.get_num_coordinates(shape) > max_vertices and tolerance < 1.0:
        shape = shapely.MultiPolygon(parts).simplify(tolerance, preserve_topology=True)
        simplified = True
        tolerance *= 2
    pieces = [shape] if shape.geom_type == "Point" else list(getattr(shape, "geoms", [shape]))
    features = [
        {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(piece))}
        for piece in pieces
        if not piece.is_empty
    ]
    return features, simplified
