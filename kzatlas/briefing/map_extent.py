"""What the pack's map shows: the shape it centres on, and the view around it.

Coordinates are degrees in EPSG:4326; the view is widened so shapes keep their ground
proportions at its centre and the picture is filled.
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from kzatlas import spatial
from kzatlas.briefing.content import SCOPE_FEATURE, SCOPE_REGION, Scope
from kzatlas.briefing.items import has_position
from kzatlas.catalog import split_list
from kzatlas.config import CRS, KAZAKHSTAN_BOUNDS, NEARBY_KM, POINT_KINDS

Extent = tuple[float, float, float, float]  # (west, south, east, north)


def focus_geometry(
    scope: Scope, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None
) -> tuple[object | None, tuple[str, ...]]:
    """The shape the map centres on, and the region codes to highlight.

    A region centres on itself; a feature on its shape, a UNDP site on the ``NEARBY_KM``
    circle around it; an item without a map position on the regions it names (never a
    guessed point); the country on nothing (the whole country is shown).

    Parameters
    ----------
    scope : Scope
        What the pack is about.
    features : geopandas.GeoDataFrame
        All features.
    regions : geopandas.GeoDataFrame or None
        The regions with ``iso_code``; ``None`` when the layer is missing.

    Returns
    -------
    tuple
        ``(geometry or None, region codes)``.
    """
    if scope.kind == SCOPE_REGION:
        if regions is None:
            return None, (scope.id,)
        chosen = regions[regions["iso_code"] == scope.id]
        return (None if chosen.empty else chosen.geometry.iloc[0]), (scope.id,)
    if scope.kind == SCOPE_FEATURE:
        match = features[features["id"] == scope.id]
        if match.empty:
            return None, ()
        return _feature_focus(match.iloc[0], regions)
    return None, ()


def _feature_focus(row, regions: gpd.GeoDataFrame | None) -> tuple[object | None, tuple[str, ...]]:
    codes = tuple(split_list(row["region_codes"]))
    if has_position(row.geometry):
        geometry = row.geometry
        if row["kind"] in POINT_KINDS:
            geometry = circle(geometry, NEARBY_KM)
        return geometry, codes
    # No map position: show the regions it names (never a guessed point).
    if regions is not None and codes:
        chosen = regions[regions["iso_code"].isin(codes)]
        if not chosen.empty:
            return shapely.union_all(chosen.geometry.values), codes
    return None, codes


def circle(point, radius_km: float):
    """A true-distance circle around ``point``, built in a local equidistant projection.

    Parameters
    ----------
    point : shapely geometry
        In EPSG:4326; a non-point shape is replaced by its representative point.
    radius_km : float
        Radius on the ground.

    Returns
    -------
    shapely.Polygon
        The circle in EPSG:4326.
    """
    anchor = point.representative_point()
    local = spatial.equidistant_crs(anchor.y, anchor.x)
    ring = gpd.GeoSeries([anchor], crs=CRS).to_crs(local).buffer(radius_km * 1000.0, 64)
    return ring.to_crs(CRS).iloc[0]


def extent(focus) -> Extent:
    """The area to show: ``focus`` with a margin, else the whole country.

    Parameters
    ----------
    focus : shapely geometry or None
        What the map centres on.

    Returns
    -------
    tuple of float
        ``(west, south, east, north)``.
    """
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    if focus is None or focus.is_empty:
        return west, south, east, north
    x0, y0, x1, y1 = focus.bounds
    # Keep the surroundings in view (at least about 6 by 4 degrees, a few hundred km), so a
    # small reserve is seen next to its neighbours; larger shapes get 12 % on each side.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) * 0.62, 3.0)
    half_h = max((y1 - y0) * 0.62, 2.0)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def fit_to_box(area: Extent, box_ratio: float) -> Extent:
    """Widen ``area`` in x or y so its ground proportions match the axes' ``box_ratio``.

    A degree of longitude is ``cos(latitude)`` of a degree of latitude; scaling x by that
    factor at the centre keeps shapes undistorted there, and the image is filled.

    Parameters
    ----------
    area : tuple of float
        ``(west, south, east, north)``.
    box_ratio : float
        Width over height of the axes.

    Returns
    -------
    tuple of float
        The widened ``(west, south, east, north)``.
    """
    west, south, east, north = area
    squash = max(math.cos(math.radians((south + north) / 2)), 0.2)
    span_x, span_y = (east - west) * squash, north - south
    if span_x / span_y < box_ratio:
        grow = (span_y * box_ratio / squash - (east - west)) / 2
        return west - grow, south, east + grow, north
    grow = (span_x / box_ratio - span_y) / 2
    return west, south - grow, east, north + grow
