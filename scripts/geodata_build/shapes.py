"""Shapes the build draws: circles of a published area, corridor bands, areas in hectares."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS as PROJ_CRS
from shapely.geometry import LineString, Point

from kzatlas.config import (
    CRS,
)
from kzatlas.map.base_layers import round_geometry
from kzatlas.spatial import area_hectares

CIRCLE_SEGMENTS = 16  # per quarter circle: 64 vertices, smooth at the zooms used
# Schematic corridor band width when no per-corridor area is published, km.
CORRIDOR_DEFAULT_WIDTH_KM = 20.0
# A circle is reported as clipped when the border takes more than this share of it.
BORDER_CLIP_SHARE = 0.001


def equal_area_hectares(geometries: gpd.GeoSeries) -> pd.Series:
    """The app's area measure, rounded to whole hectares; empty where nothing is drawn."""
    return area_hectares(geometries).where(geometries.notna() & ~geometries.is_empty).round(0)


def round_coordinates(geometry):
    """Rounded as the map rounds what it sends, and repaired if rounding broke a ring."""
    rounded = round_geometry(geometry)
    if rounded is None or rounded.is_empty or rounded.is_valid:
        return rounded
    return shapely.make_valid(rounded)


def circle_of_area(lat: float, lon: float, area_ha: float):
    """A circle with the given area (ha) around a point, drawn in a local equal-area projection."""
    local = PROJ_CRS.from_proj4(f"+proj=laea +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    radius = math.sqrt(area_ha * 10_000.0 / math.pi)
    circle = gpd.GeoSeries([Point(0, 0).buffer(radius, quad_segs=CIRCLE_SEGMENTS)], crs=local)
    return circle.to_crs(CRS).iloc[0]


def clip_to_country(geometry, country):
    """``geometry`` cut to the national outline (polygonal parts only); unchanged without one."""
    if country is None or geometry is None or geometry.is_empty:
        return geometry
    clipped = shapely.intersection(geometry, country)
    parts = [g for g in getattr(clipped, "geoms", [clipped]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def hectares_of(geometry) -> float:
    return float(area_hectares(gpd.GeoSeries([geometry], crs=CRS)).iloc[0])


def corridor_band(points: list[list[float]], area_ha: float | None, country=None):
    """A band along the published path points, inside the national outline.

    Where an official area is published, the band's half-width is found by bisection so
    that the drawn band (flat ends, cut to the border, measured with the app's own area
    function) has that area to within ``CORRIDOR_AREA_TOLERANCE``; otherwise it is
    ``CORRIDOR_DEFAULT_WIDTH_KM`` wide.
    """
    local_origin = points[len(points) // 2]
    local = PROJ_CRS.from_proj4(f"+proj=laea +lat_0={local_origin[0]} +lon_0={local_origin[1]} +datum=WGS84 +units=m")
    line = gpd.GeoSeries([LineString([(lon, lat) for lat, lon in points])], crs=CRS).to_crs(local).iloc[0]

    def band(half_width_m: float, cap_style: str):
        shape = line.buffer(half_width_m, quad_segs=8, cap_style=cap_style)
        return clip_to_country(gpd.GeoSeries([shape], crs=local).to_crs(CRS).iloc[0], country)

    if not area_ha:
        method = (
            f"Schematic {CORRIDOR_DEFAULT_WIDTH_KM:.0f} km band along the published places it links"
            + (", cut to the national border" if country is not None else "")
            + "; no boundary or area of its own is published, so the width is a fixed choice."
        )
        return band(CORRIDOR_DEFAULT_WIDTH_KM * 500.0, "round"), method
    low, high = 1.0, area_ha * 10_000.0 / line.length  # the full official area as the half-width
    for _ in range(60):
        middle = (low + high) / 2.0
        if hectares_of(band(middle, "flat")) < area_ha:
            low = middle
        else:
            high = middle
        if high - low < 1.0:
            break
    half_width = (low + high) / 2.0
    method = (
        "Schematic band along the published places it links, "
        f"{2 * half_width / 1000.0:.1f} km wide: the width at which the drawn band "
        "(flat ends, cut to the national border) has the official area. It is not the corridor's boundary."
    )
    return band(half_width, "flat"), method
