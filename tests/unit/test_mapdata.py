"""Payload preparation for large catalogues: trimmed properties, rounding per band, canvas points."""

from __future__ import annotations

import json
import re
import sys

import folium
import numpy as np
import pytest
import shapely

from kzatlas import analysis, catalog
from kzatlas.config import ROOT_DIR
from kzatlas.i18n import translator
from kzatlas.map import feature_payload, folium_maps, site_canvas

english = translator("en")
EVIL = "<img src=x onerror=alert(1)>${alert(2)}"


def region_names(regions):
    return dict(zip(regions["iso_code"], regions["name_en"]))


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A medium synthetic catalogue: 800 extra sites, protected areas with 60,000 vertices."""
    sys.path.insert(0, str(ROOT_DIR / "bench"))
    from make_large_catalogue import make_large_catalogue

    folder = make_large_catalogue(tmp_path_factory.mktemp("large") / "geodata", sites=800, vertices=60_000)
    loaded = catalog.load_catalogue(folder)
    assert loaded.problems == []
    return catalog.region_frame(loaded), catalog.feature_frame(loaded)


def test_bands_follow_the_zoom_and_stay_in_range():
    assert feature_payload.zoom_band(4.5) == 6 and feature_payload.zoom_band(0) == feature_payload.MIN_BAND
    assert feature_payload.zoom_band(11.75) == feature_payload.MAX_BAND
    tolerances = [feature_payload.band_tolerance(band) for band in range(feature_payload.MIN_BAND, feature_payload.MAX_BAND + 1)]
    assert tolerances == sorted(tolerances, reverse=True)
    for band in range(feature_payload.MIN_BAND, feature_payload.MAX_BAND + 1):
        # rounding error (half a unit of the last decimal) stays under half a pixel
        assert 0.5 * 10 ** -feature_payload.band_decimals(band) <= feature_payload.pixel_degrees(band) / 2


def test_simplification_keeps_every_feature_and_rounds_to_the_band(large):
    _regions, features = large
    drawn = analysis.located(features)
    band = feature_payload.zoom_band(4.5)
    shapes = feature_payload.simplify_for_band(drawn.geometry.values, band)
    assert len(shapes) == len(drawn) and not any(shape is None or shape.is_empty for shape in shapes)
    assert list(shapely.get_type_id(shapes)) == list(shapely.get_type_id(drawn.geometry.values))
    before = shapely.get_num_coordinates(drawn.geometry.values).sum()
    after = shapely.get_num_coordinates(shapes).sum()
    assert after < before / 10
    polygons = shapes[np.isin(shapely.get_type_id(shapes), (3, 6))]
    coords = shapely.get_coordinates(polygons)
    decimals = feature_payload.band_decimals(band)
    assert np.allclose(coords, np.round(coords, decimals), atol=1e-12)


def test_prepared_features_carry_only_what_the_tooltip_and_click_need(features, regions):
    prepared = folium_maps.prepare_map_features(features, english, "name_en", region_names(regions))
    assert set(prepared.features) == set(analysis.located(features)["id"])
    for feature in prepared.features.values():
        assert set(feature["properties"]) == {"id", "kind", "geometry_quality", "tip", "anchor"}


def test_prepared_tooltips_equal_the_full_ones(features, regions):
    names = region_names(regions)
    prepared = folium_maps.prepare_map_features(features, english, "name_en", names)
    for _, row in analysis.located(features).iterrows():
        assert prepared.features[row["id"]]["properties"]["tip"] == folium_maps.feature_tooltip_html(
            row, english, "name_en", names
        )


def test_many_sites_go_on_one_canvas_layer_with_every_site(large):
    regions, features = large
    groups = folium_maps.build_feature_groups(features, english, "name_en", region_names(regions))
    html = folium_maps.build_full_map(regions, features, english, "name_en", region_names(regions)).get_root().render()
    assert "L.canvas(" in html
    [site_group] = [g for kind, g in zip(folium_maps.MAP_KINDS, groups) if kind == "undp_site"]
    [layer] = list(site_group._children.values())
    assert isinstance(layer, site_canvas.CanvasPoints)
    sites = analysis.located(features)
    assert len(json.loads(layer.rows)) == int((sites["kind"] == "undp_site").sum())
    # every other kind is still an SVG GeoJSON layer with its own class
    for kind, group in zip(folium_maps.MAP_KINDS, groups):
        if kind != "undp_site":
            assert any(isinstance(child, folium.GeoJson) for child in group._children.values())


def test_filter_change_payload_is_small_and_has_only_matching_sites(large):
    regions, features = large
    prepared = folium_maps.prepare_map_features(features, english, "name_en", region_names(regions))
    matching = analysis.filter_features(features, analysis.Filters(regions=("KZ-19",)))
    groups = folium_maps.build_feature_groups(matching, english, "name_en", region_names(regions), prepared=prepared)
    rows = [
        json.loads(child.rows)
        for group in groups
        for child in group._children.values()
        if isinstance(child, site_canvas.CanvasPoints)
    ]
    ids = {row[2] for layer in rows for row in layer}
    assert ids <= set(matching["id"])
    assert prepared.payload_bytes(analysis.located(features)["id"]) < 1_000_000


def test_canvas_points_escape_names_and_use_local_assets_only(large):
    regions, features = large
    frame = features.copy()
    frame["name_en"] = EVIL
    html = folium_maps.build_full_map(regions, frame, english, "name_en", region_names(regions)).get_root().render()
    assert "<img src=x" not in html and "${alert(2)}" not in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
