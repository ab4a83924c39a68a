"""The map on every screen: scenes' extents, the zoom cap, and what the map body asks the browser to fit."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import pytest

from kzatlas import scenes
from kzatlas.analysis import Filters
from kzatlas.config import BASEMAP_BOUNDS, BASEMAP_DETAIL_ZOOM, GEODATA_DIR, KAZAKHSTAN_BOUNDS, VIEW_FRAME_PX
from kzatlas.i18n import translator
from kzatlas.map import browser_code, folium_maps
from kzatlas.map.offline_kit import standalone_map_html
from kzatlas.selection import Allowed, MapView

ENGLISH = translator("en")
COUNTRY = [list(corner) for corner in KAZAKHSTAN_BOUNDS]


def inside(inner, outer, slack=1e-6) -> bool:
    (s1, w1), (n1, e1) = inner
    (s2, w2), (n2, e2) = outer
    return s1 >= s2 - slack and w1 >= w2 - slack and n1 <= n2 + slack and e1 <= e2 + slack


def screen_fit_settings(html: str) -> dict:
    match = re.search(r"var settings = (\{.*?\});", html)
    assert match, "the map has no ScreenFit script"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- extents


def test_a_view_stands_for_the_area_its_frame_shows_and_fits_back_to_it():
    view = MapView(47.1, 70.4, 6.25)
    extent = scenes.view_extent(view)
    (south, west), (north, east) = extent
    assert south < view.lat < north and west < view.lng < east
    # At zoom 6.25 a 1000 px frame spans about 16.6 degrees of longitude.
    assert east - west == pytest.approx(VIEW_FRAME_PX[0] / (256 * 2**6.25) * 360, rel=1e-3)
    again = scenes.extent_view(extent, VIEW_FRAME_PX)
    assert again.zoom == pytest.approx(view.zoom, abs=0.25)
    assert again.lat == pytest.approx(view.lat, abs=0.01) and again.lng == pytest.approx(view.lng, abs=0.01)
    # The same extent on a 4K wall: about two zoom levels closer, never past the basemap's detail.
    assert scenes.extent_view(extent, (3800, 1900)).zoom == pytest.approx(8.0, abs=0.25)
    assert scenes.extent_view(extent, (3800, 1900)).zoom <= BASEMAP_DETAIL_ZOOM


def test_extent_view_fits_a_region_a_city_and_a_point(regions):
    def extent(code):
        west, south, east, north = regions.loc[regions["iso_code"] == code].total_bounds
        return [[south, west], [north, east]]

    kostanay = scenes.extent_view(extent("KZ-39"), (900, 420))
    (south, west), (north, east) = extent("KZ-39")
    assert south < kostanay.lat < north and west < kostanay.lng < east
    assert 5 <= kostanay.zoom <= 7 and kostanay.zoom * 4 == int(kostanay.zoom * 4)
    assert scenes.extent_view(extent("KZ-75"), (900, 420)).zoom > kostanay.zoom  # a city is closer
    assert scenes.extent_view([[43.2, 76.9], [43.2, 76.9]], (900, 420)).zoom == BASEMAP_DETAIL_ZOOM


def test_a_scene_is_fitted_to_its_view_else_its_regions_else_its_feature_else_the_country():
    region = [[42.3, 59.0], [47.8, 68.1]]
    feature = [[45.4, 59.6], [45.8, 60.2]]
    regions = {("KZ-43",): region}.get
    features = {"pa-barsakelmes": feature}.get
    view = MapView(45.2, 63.0, 6)

    def extent(**kwargs):
        return scenes.scene_extent(scenes.Scene("x", **kwargs), regions, features)

    assert extent(view=view, filters=Filters(regions=("KZ-43",))) == scenes.view_extent(view)
    assert extent(filters=Filters(regions=("KZ-43",)), selected="pa-barsakelmes") == region
    assert extent(selected="pa-barsakelmes") == feature
    assert extent(selected="not-shown") == COUNTRY
    assert extent() == COUNTRY


def test_scenes_never_ask_for_a_zoom_the_basemap_cannot_fill():
    assert scenes.capped_view(MapView(51.1, 71.4, 10)) == MapView(51.1, 71.4, BASEMAP_DETAIL_ZOOM)
    assert scenes.capped_view(MapView(51.1, 71.4, 6)) == MapView(51.1, 71.4, 6)
    assert scenes.capped_view(None) is None
    allowed = Allowed(frozenset(), frozenset(), frozenset(), frozenset(), (1926, 2025))
    document = {"format": scenes.DECK_FORMAT, "version": 1, "scenes": [{"params": {"view": "51.1061,71.4161,10"}}]}
    deck, warnings = scenes.parse_deck(json.dumps(document).encode(), allowed)
    assert deck.scenes[0].view == MapView(51.1061, 71.4161, BASEMAP_DETAIL_ZOOM) and warnings == []
    assert "71.4161%2C8" in deck.scenes[0].explorer_url()


def test_the_shipped_scenes_fit_their_places_not_a_fixed_zoom(features):
    shipped = json.loads(scenes.DEFAULT_DECK_PATH.read_text(encoding="utf-8"))
    assert all("view" not in scene["params"] for scene in shipped["scenes"])
    known = set(features["id"])
    for scene in shipped["scenes"]:
        assert scene["params"].get("sel") in known | {None}, scene


# ---------------------------------------------------------------- the map body


def test_the_map_opens_fitted_to_the_country_inside_the_basemap(regions):
    fmap = folium_maps.build_base_map(regions, ENGLISH, "name_en", basemap=False)
    html = fmap.get_root().render()
    settings = screen_fit_settings(html)
    assert settings["home"] == COUNTRY
    assert settings["basemap"] == [list(corner) for corner in BASEMAP_BOUNDS]
    assert settings["detailZoom"] == BASEMAP_DETAIL_ZOOM
    assert inside(COUNTRY, settings["basemap"])
    assert fmap.options["maxBounds"] == [[37.1, 30.0], [65.0, 110.0]] and '"maxBoundsViscosity": 1.0' in html
    assert "kzFit" in html and "--kz-scale" in html


def test_the_basemap_window_is_what_the_basemap_covers():
    land = gpd.read_file(GEODATA_DIR / "basemap_land.geojson")
    west, south, east, north = land.total_bounds
    (b_south, b_west), (b_north, b_east) = BASEMAP_BOUNDS
    assert (west, south, east, north) == pytest.approx((b_west, b_south, b_east, b_north), abs=0.01)


def test_a_saved_view_opens_as_saved_and_a_file_without_one_fits_the_country(regions, features):
    features = features.iloc[0:0]
    kept = standalone_map_html(regions, features, ENGLISH, "name_en", {}, title="t", view=MapView(51.2, 63.9, 7.25))
    assert screen_fit_settings(kept)["home"] is None
    fitted = standalone_map_html(regions, features, ENGLISH, "name_en", {}, title="t")
    assert screen_fit_settings(fitted)["home"] == COUNTRY


def test_flights_fit_in_the_browser_no_closer_than_the_basemap_is_drawn_for():
    fmap = folium.Map()
    browser_code.fly_group("scene-1", bounds=[[51.1, 71.4], [51.1, 71.4]]).add_to(fmap)
    html = fmap.get_root().render()
    assert f"window.kzFit(bounds, {float(BASEMAP_DETAIL_ZOOM)}, !first)" in html
    assert browser_code.FIT_MAX_ZOOM == BASEMAP_DETAIL_ZOOM


def test_controls_legend_and_tooltips_scale_with_the_frame_but_the_scale_bar_keeps_its_length():
    css = browser_code.MAP_STYLE_CSS
    assert ".leaflet-control:not(.leaflet-control-scale) { zoom: var(--kz-scale, 1); }" in css
    assert "calc(12px * var(--kz-scale, 1))" in css
