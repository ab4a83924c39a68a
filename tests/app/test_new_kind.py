"""A kind is added by configuration: the web map, the pack's map and both legends draw it.

The test adds a made-up kind ("Test wetland", drawn as an area in a colour no other kind or
basemap layer uses) to a copy's ``kzatlas/config.py``, gives one reserve that kind in a copy of the
data, and looks at the maps the copy makes: a layer (with its swatch in the layer list that is
the web map's legend) and the shape in it on the web map; the shape and a legend entry in the
kind's colour on the pack's map; the kind in the explorer's filter.
"""

from __future__ import annotations

import json

import pytest
from sandbox import CONFIG_ANCHOR, copy_app, copy_geodata, extend_config, run_probe

KIND = "test_wetland"
COLOUR = "#117733"
FEATURE = "pa-markakol"
SETTINGS = {"label": "Test wetland", "short_label": "Test wetlands", "colour": COLOUR, "drawn_as": "area"}


def make_wetland(layer: str, _record: dict, document: dict) -> bool:
    if layer != "protected_areas":
        return False
    for feature in document["features"]:
        if feature["properties"]["id"] == FEATURE:
            feature["properties"]["kind"] = KIND
            return True
    raise AssertionError(f"{FEATURE} is not in the bundled data")


PROBE = r"""
import io, json, sys
import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest
from kzatlas import briefing, catalog
from kzatlas.config import MAP_KINDS
from kzatlas.i18n import translator
from kzatlas.map import folium_maps

kind, colour, feature = sys.argv[1:4]
english = translator("en")
loaded = catalog.load_catalogue()
features, regions = catalog.feature_frame(loaded), catalog.region_frame(loaded)
html = folium_maps.build_full_map(regions, features, english, "name_en", {}).get_root().render()
groups = folium_maps.build_feature_groups(features, english, "name_en", {})
layer = next((group for group in groups if "Test wetland" in group.layer_name), None)
in_layer = layer is not None and feature in json.dumps([child.data for child in layer._children.values() if hasattr(child, "data")])
rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))

def colour_pixels(scope):
    image = np.asarray(Image.open(io.BytesIO(briefing.static_map_png(loaded, scope, translate=english))).convert("RGB"))
    return int((np.abs(image.astype(int) - rgb).sum(axis=2) <= 6).sum())

at = AppTest.from_file("views/map_explorer.py", default_timeout=90)
at.run()
kinds = [list(m.options) for m in at.multiselect]
print(json.dumps({
    "problems": [p.message for p in loaded.problems],
    "map_kinds": list(MAP_KINDS),
    "web_layer": layer is not None,
    "web_layer_has_feature": in_layer,
    "web_colour_in_html": html.count(colour),
    "pack_feature_pixels": colour_pixels(briefing.Scope("feature", feature)),
    "pack_country_pixels": colour_pixels(briefing.Scope("country")),
    "explorer_exception": [str(e.value) for e in at.exception],
    "explorer_kind_options": kinds,
}))
"""


@pytest.fixture(scope="module")
def with_new_kind(tmp_path_factory) -> dict:
    root = copy_app(tmp_path_factory.mktemp("wetland"))
    extend_config(root, CONFIG_ANCHOR, f"KIND_SETTINGS[{KIND!r}] = {SETTINGS!r}\n")
    copy_geodata(root / "geodata", make_wetland)
    return run_probe(root, PROBE, KIND, COLOUR, FEATURE)


def test_the_new_kind_loads_and_has_a_map_layer(with_new_kind):
    assert with_new_kind["problems"] == []
    assert KIND in with_new_kind["map_kinds"]


def test_the_web_map_draws_the_new_kind_with_its_legend_entry(with_new_kind):
    assert with_new_kind["web_layer"]
    assert with_new_kind["web_layer_has_feature"]
    # The swatch in the layer list (the map's legend) and the shape's style carry the colour.
    assert with_new_kind["web_colour_in_html"] >= 2


def test_the_pack_map_draws_the_new_kind_and_its_legend_entry(with_new_kind):
    # The legend's swatch alone is about 30 x 15 pixels of the exact colour.
    assert with_new_kind["pack_feature_pixels"] > 300
    assert with_new_kind["pack_country_pixels"] > 200


def test_the_explorer_offers_the_new_kind(with_new_kind):
    assert with_new_kind["explorer_exception"] == []
    assert any(SETTINGS["label"] in options for options in with_new_kind["explorer_kind_options"]), json.dumps(
        with_new_kind["explorer_kind_options"]
    )
