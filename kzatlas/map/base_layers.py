"""The base map's unchanging shapes, prepared once per language. Nothing here talks to Streamlit.

The region outlines and the offline basemap do not change with filters. They are prepared
once (:func:`base_shapes`) into GeoJSON and into the one JSON file the live map fetches (see
:mod:`kzatlas.map.static_files`); saved maps carry the same GeoJSON inside them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely

from kzatlas.config import COORDINATE_DECIMALS
from kzatlas.i18n import local_names
from kzatlas.map.basemap import BasemapData, bundled_basemap
from kzatlas.map.name_labels import basemap_layers
from kzatlas.safety import escape_html


def round_geometry(geometry):
    """``geometry`` with coordinates rounded to ``COORDINATE_DECIMALS`` (about a metre)."""
    if geometry is None or geometry.is_empty:
        return geometry
    return shapely.transform(geometry, lambda coords: np.round(coords, COORDINATE_DECIMALS))


def to_feature_collection(frame: gpd.GeoDataFrame, properties: list[str]) -> dict:
    """A GeoJSON FeatureCollection with only ``properties`` and rounded coordinates.

    The pseudo-property ``"anchor"`` adds ``[lat, lng]`` of a point inside each shape (the
    value a click reports). Rows without geometry are left out (they cannot be drawn).
    """
    features = []
    for _, row in frame.iterrows():
        geometry = row.geometry
        if geometry is None or geometry.is_empty:
            continue
        values = {name: row[name] for name in properties if name != "anchor"}
        if "anchor" in properties:
            point = geometry.representative_point()
            values["anchor"] = [round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)]
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(round_geometry(geometry))),
                "properties": values,
            }
        )
    return {"type": "FeatureCollection", "features": features}


class FetchedGeoJson(folium.GeoJson):
    """A GeoJSON layer created empty in the page; the base map's script fetches its features.

    The features are checked (style, tooltip fields) as for any layer, then only a shapeless
    stand-in with the same property names stays in the page; Leaflet skips a feature without
    geometry.
    """

    def __init__(self, data: dict, **kwargs):
        super().__init__(data, **kwargs)
        if self.data["features"]:
            properties = dict.fromkeys(self.data["features"][0]["properties"], "")
            stand_in = {"type": "Feature", "geometry": None, "properties": properties}
            self.data = {"type": "FeatureCollection", "features": [stand_in]}


def region_collection(regions: gpd.GeoDataFrame | None, name_column: str) -> dict | None:
    """The region outlines as the map draws them: ``id`` (ISO code), escaped name ``tip``, ``anchor``.

    ``None`` when there are no regions (the layer failed to load).
    """
    if regions is None or regions.empty:
        return None
    shown = regions.copy()
    shown["tip"] = [escape_html(name) for name in local_names(shown, name_column)]
    shown["id"] = shown["iso_code"]
    return to_feature_collection(shown, ["id", "tip", "anchor"])


def base_layers_payload(regions: dict | None, basemap: BasemapData | None) -> bytes:
    """The unchanging shapes of a base map as one JSON file: region outlines and the basemap.

    Parameters
    ----------
    regions : dict or None
        The regions' FeatureCollection (see :func:`region_collection`).
    basemap : BasemapData or None
        The offline basemap in the map's language.

    Returns
    -------
    bytes
        Compact UTF-8 JSON: ``regions`` plus what :func:`kzatlas.map.name_labels.basemap_layers` gives.
    """
    payload = {"regions": regions, **basemap_layers(basemap)}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class BaseShapes:
    """A base map's unchanging shapes in one language, prepared once and shared (read-only).

    Attributes
    ----------
    regions : dict or None
        The regions' FeatureCollection (see :func:`region_collection`).
    basemap : BasemapData or None
        The offline basemap.
    payload : bytes
        Both as the JSON file the live map fetches (see :func:`base_layers_payload`).
    """

    regions: dict | None
    basemap: BasemapData | None
    payload: bytes


def base_shapes(
    regions: gpd.GeoDataFrame | None, name_column: str, basemap: BasemapData | None | bool = True
) -> BaseShapes:
    """Prepare the region outlines and the basemap (``True``: the bundled one) for :func:`kzatlas.map.folium_maps.build_base_map`."""
    collection = region_collection(regions, name_column)
    data = bundled_basemap(name_column) if basemap is True else (basemap or None)
    return BaseShapes(collection, data, base_layers_payload(collection, data))
