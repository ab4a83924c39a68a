"""The naive baseline map of ``bench_large_map.py``: plain folium, nothing trimmed.

Full-resolution protected areas with every property in a ``GeoJsonTooltip``, and one
``folium.Marker`` per UNDP site with its own tooltip, built anew for every filter change.
Leaflet comes from the app's static files (as in the atlas), so both apps load the same library
from 127.0.0.1 and only the map differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kzatlas import analysis  # noqa: E402
from kzatlas.config import LEAFLET_CSS_URL, LEAFLET_JS_URL  # noqa: E402


class LocalMap(folium.Map):
    default_js = [("leaflet", LEAFLET_JS_URL)]
    default_css = [("leaflet_css", LEAFLET_CSS_URL)]


class LocalMarker(folium.Marker):
    default_js: list = []
    default_css: list = []


def naive_map(regions, features) -> folium.Map:
    fmap = LocalMap(location=[48.5, 69.0], zoom_start=4.5, tiles=None)
    folium.GeoJson(regions.to_json(default=str), name="regions").add_to(fmap)
    drawn = analysis.located(features)
    shapes = drawn[drawn.geom_type != "Point"]
    if not shapes.empty:
        folium.GeoJson(
            shapes.to_json(default=str),
            name="areas",
            tooltip=folium.GeoJsonTooltip(fields=[c for c in shapes.columns if c != "geometry"]),
        ).add_to(fmap)
    for row in drawn[drawn.geom_type == "Point"].itertuples():
        LocalMarker(
            [row.geometry.y, row.geometry.x],
            tooltip=f"{row.name_en} ({row.kind}, {row.region_codes}, {row.year})",
        ).add_to(fmap)
    return fmap
