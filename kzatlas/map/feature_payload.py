"""What the map sends to the browser, made small enough for thousands of features.

Pure data preparation (no Streamlit): the folium side is in :mod:`kzatlas.map.folium_maps`.

* **Zoom bands.** ``st_folium`` builds the map once for the view it opens with, and pan and zoom
  never come back to the server, so geometry is prepared for one *band*: the opening zoom plus
  ``DETAIL_HEADROOM`` levels, so shapes still look right after zooming in a few steps.
  Polygons are simplified to half a pixel of that band and every coordinate is rounded to what
  it can show (:func:`band_tolerance`, :func:`band_decimals`).
* **Prepared once per catalogue version.** :func:`prepare_features` does the expensive part
  (simplifying, rounding, tooltips, serialising) for every feature at once; a filter change
  only picks the matching ids out of the result (:meth:`PreparedFeatures.collection`,
  :meth:`PreparedFeatures.point_rows`).
* **Many points on a canvas.** UNDP sites are drawn as one canvas layer
  (:class:`kzatlas.map.site_canvas.CanvasPoints`) once there are ``CANVAS_POINTS_FROM`` of them:
  each is sent as a short row (position, id, escaped name, index of a shared tooltip tail), not a
  GeoJSON feature.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2.utils import htmlsafe_json_dumps

from kzatlas.config import KIND_UNDP_SITE, NAME_COLUMNS
from kzatlas.i18n import local_names
from kzatlas.safety import escape_html

MIN_BAND = 4
MAX_BAND = 12  # the map's maximum zoom
DETAIL_HEADROOM = 2
# Latitude whose pixel size sets the tolerance (Kazakhstan's middle; the north is finer).
REFERENCE_LATITUDE = 48.0
TILE_SIZE_PX = 256
# From this many sites on, they are drawn on a canvas instead of as SVG elements.
CANVAS_POINTS_FROM = 500
# Columns the tooltip of a point reads besides its name (see ``maps.feature_tooltip_html``).
TOOLTIP_COLUMNS = (
    "kind", "relationship", "origin", "area_ha", "geometry_quality", "area_drawn_ha", "region_codes", "year",
    "undp_supported",
)  # fmt: skip
NAME_LINE = "<b>{}</b><br>"


def zoom_band(zoom: float) -> int:
    """The detail band for a map opened at ``zoom``: a few levels finer, within the map's range."""
    return int(min(MAX_BAND, max(MIN_BAND, math.floor(zoom) + DETAIL_HEADROOM)))


def pixel_degrees(band: int) -> float:
    """Size of one screen pixel at zoom ``band``, in degrees of latitude at Kazakhstan's middle."""
    return 360.0 / (TILE_SIZE_PX * 2**band) * math.cos(math.radians(REFERENCE_LATITUDE))


def band_tolerance(band: int) -> float:
    """Simplification tolerance (degrees) for ``band``: half a pixel, invisible on screen."""
    return pixel_degrees(band) / 2.0


def band_decimals(band: int) -> int:
    """Decimals of the coordinates for ``band``: the rounding stays under half a pixel."""
    return int(min(5, max(2, math.ceil(-math.log10(pixel_degrees(band) / 2.0)))))


def point_decimals(band: int) -> int:
    """Decimals of point positions: one more than polygons (a marker's offset shows sooner)."""
    return min(5, band_decimals(band) + 1)


def simplify_for_band(geometries: Iterable, band: int) -> np.ndarray:
    """Shapes simplified to ``band``'s tolerance and rounded to its decimals.

    Every shape is kept: one that simplification would empty is rounded only. Missing and
    empty shapes stay as they are.

    Parameters
    ----------
    geometries : array-like of shapely geometries (or None)
        WGS 84 shapes.
    band : int
        The detail band (see :func:`zoom_band`).

    Returns
    -------
    numpy.ndarray
        One shape (or None) per input, in order.
    """
    shapes = np.asarray(list(geometries), dtype=object)
    present = np.array([shape is not None and not shape.is_empty for shape in shapes], dtype=bool)
    result = shapes.copy()
    if not present.any():
        return result
    drawn = shapes[present]
    decimals = band_decimals(band)
    simple = shapely.simplify(drawn, band_tolerance(band), preserve_topology=True)
    lost = shapely.is_empty(simple)
    simple[lost] = drawn[lost]
    polygons = np.isin(shapely.get_type_id(simple), (3, 6))
    simple[polygons] = shapely.transform(simple[polygons], lambda xy: np.round(xy, decimals))
    points = ~polygons
    simple[points] = shapely.transform(simple[points], lambda xy: np.round(xy, point_decimals(band)))
    result[present] = simple
    return result


def _anchors(geometries: np.ndarray, decimals: int) -> list[list[float]]:
    """``[lat, lng]`` of a point inside each shape (the shape itself for a point)."""
    inside = shapely.point_on_surface(geometries)
    xy = np.round(shapely.get_coordinates(inside), decimals)
    return [[float(y), float(x)] for x, y in xy]


@dataclass(frozen=True)
class PreparedFeatures:
    """Every drawable feature made ready to send, for one band and language (read-only).

    ``features`` maps an id to a GeoJSON feature (simplified geometry, properties ``id``,
    ``kind``, ``geometry_quality``, ``tip`` and ``anchor`` only). ``points`` maps a UNDP site's
    id to its compact canvas row (JSON text); ``tails`` are the tooltip tails those rows index.
    """

    band: int
    features: dict[str, dict]
    kinds: dict[str, str]
    points: dict[str, str]
    tails: tuple[str, ...]

    def collection(self, ids: Iterable[str], selected_id: str | None = None) -> dict:
        """A FeatureCollection of ``ids`` (unknown ids and undrawable ones left out)."""
        features = []
        for feature_id in ids:
            feature = self.features.get(feature_id)
            if feature is None:
                continue
            if feature_id == selected_id:
                feature = {**feature, "properties": {**feature["properties"], "selected": True}}
            features.append(feature)
        return {"type": "FeatureCollection", "features": features}

    def sites_on_canvas(self, ids: Iterable[str]) -> bool:
        """Whether the UNDP sites among ``ids`` are many enough to go on one canvas layer."""
        return sum(1 for i in ids if i in self.points) >= CANVAS_POINTS_FROM

    def point_rows(self, ids: Iterable[str]) -> str:
        """The canvas rows of ``ids`` as one JSON array (text)."""
        return "[" + ",".join(row for row in (self.points.get(i) for i in ids) if row is not None) + "]"

    def payload_bytes(self, ids: Iterable[str]) -> int:
        """Rough size of ``ids`` on the wire (for benchmarks and tests)."""
        ids = list(ids)
        shapes = [i for i in ids if i not in self.points]
        return len(json.dumps(self.collection(shapes), separators=(",", ":")).encode()) + len(
            self.point_rows(ids).encode()
        )


def prepare_features(
    features: gpd.GeoDataFrame,
    band: int,
    name_column: str,
    tooltip: Callable[[pd.Series], str],
) -> PreparedFeatures:
    """Prepare every drawable feature of ``features`` for ``band`` in one pass.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        The catalogue's features (see ``catalog.feature_frame``).
    band : int
        The detail band (see :func:`zoom_band`).
    name_column : str
        The name column of the language shown.
    tooltip : callable
        ``row -> HTML`` of a feature's tooltip, escaping every value, that starts with the
        escaped name in ``NAME_LINE``; it is called once per polygon and once per distinct
        combination of ``TOOLTIP_COLUMNS`` among points.

    Returns
    -------
    PreparedFeatures
        Ready-to-send features keyed by id.
    """
    geoms = features.geometry
    drawn = features[geoms.notna() & ~geoms.is_empty]
    shapes = simplify_for_band(drawn.geometry.values, band)
    anchors = _anchors(np.asarray(drawn.geometry.values, dtype=object), point_decimals(band))
    geometry_json = shapely.to_geojson(shapes)
    is_site = (drawn["kind"] == KIND_UNDP_SITE).to_numpy() & (drawn.geom_type == "Point").to_numpy()

    tips = [""] * len(drawn)
    names = local_names(drawn, name_column).map(escape_html).tolist()
    site_rows = np.flatnonzero(is_site)
    tails: tuple[str, ...] = ()
    tail_index = np.zeros(len(drawn), dtype=int)
    if len(site_rows):
        combos = drawn.iloc[site_rows][[column for column in TOOLTIP_COLUMNS if column in drawn.columns]].astype(str)
        keys = pd.MultiIndex.from_frame(combos)
        codes, unique = pd.factorize(keys)
        firsts = pd.Series(range(len(codes))).groupby(codes).first().sort_index().to_numpy()
        tail_list = []
        for first in firsts:
            row = drawn.iloc[site_rows[first]].copy()
            # No name in any language, so the name falls back to none and the tail is the rest.
            row[[column for column in NAME_COLUMNS if column in row.index]] = ""
            tail_list.append(tooltip(row).removeprefix(NAME_LINE.format("")))
        tails = tuple(tail_list)
        tail_index[site_rows] = codes
        for position in site_rows:
            tips[position] = NAME_LINE.format(names[position]) + tails[tail_index[position]]
    for position in np.flatnonzero(~is_site):
        tips[position] = tooltip(drawn.iloc[position])

    prepared: dict[str, dict] = {}
    points: dict[str, str] = {}
    ids = drawn["id"].tolist()
    kinds = drawn["kind"].tolist()
    qualities = drawn["geometry_quality"].tolist()
    for position, feature_id in enumerate(ids):
        prepared[feature_id] = {
            "type": "Feature",
            "geometry": json.loads(geometry_json[position]),
            "properties": {
                "id": feature_id,
                "kind": kinds[position],
                "geometry_quality": qualities[position],
                "tip": tips[position],
                "anchor": anchors[position],
            },
        }
        if is_site[position]:
            lat, lng = anchors[position]
            points[feature_id] = script_json([lat, lng, feature_id, names[position], int(tail_index[position])])
    return PreparedFeatures(band, prepared, dict(zip(ids, kinds)), points, tails)


def script_json(value) -> str:
    """``value`` as compact JSON that is safe inside a script element."""
    return str(htmlsafe_json_dumps(value, separators=(",", ":"), ensure_ascii=False))
