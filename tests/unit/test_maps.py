"""The folium builders: offline assets, one layer per kind, escaping, a filter-independent base."""

from __future__ import annotations

import json
import re

import folium
import pytest

from kzatlas import analysis
from kzatlas.analysis import Filters
from kzatlas.config import LEAFLET_CSS_URL, LEAFLET_JS_URL
from kzatlas.i18n import translator
from kzatlas.map import base_layers, folium_maps

EVIL = "<img src=x onerror=alert(1)>${alert(2)}`tick`\\"
english = translator("en")


def region_names(regions):
    return dict(zip(regions["iso_code"], regions["name_en"]))


def render(features, regions, translate=english):
    fmap = folium_maps.build_full_map(regions, features, translate, "name_en", region_names(regions))
    return fmap.get_root().render()


def test_map_html_loads_leaflet_from_the_app_and_nothing_from_the_web(features, regions):
    html = render(features, regions)
    assert f'src="{LEAFLET_JS_URL}"' in html and f'href="{LEAFLET_CSS_URL}"' in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    # The only web address in the page is the optional tile layer, which is off by default.
    assert re.findall(r"https?://[^\s\"')]+", html) == ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]


def test_every_plugin_asset_of_the_map_is_local(features, regions):
    fmap = folium_maps.build_full_map(regions, features, english, "name_en", region_names(regions))
    links = []

    def walk(element):
        links.extend(url for _, url in getattr(element, "default_js", []) + getattr(element, "default_css", []))
        for child in element._children.values():
            walk(child)

    walk(fmap)
    assert links and all(url.startswith("/app/static/") for url in links)


def test_feature_groups_one_per_kind_with_the_right_features(features, regions):
    groups = folium_maps.build_feature_groups(features, english, "name_en", region_names(regions))
    assert len(groups) == len(folium_maps.MAP_KINDS)
    for kind, group in zip(folium_maps.MAP_KINDS, groups):
        [layer] = [child for child in group._children.values() if isinstance(child, folium.GeoJson)]
        drawn = [f["properties"]["kind"] for f in layer.data["features"]]
        expected = analysis.located(features[features["kind"] == kind])
        assert len(drawn) == len(expected) and set(drawn) <= {kind}


def test_filtered_groups_hold_only_matching_features(features, regions):
    matching = analysis.filter_features(features, Filters(name_query="Naurzum"))
    groups = folium_maps.build_feature_groups(matching, english, "name_en", region_names(regions))
    counts = {kind: len(next(iter(g._children.values())).data["features"]) for kind, g in zip(folium_maps.MAP_KINDS, groups)}
    assert counts == {kind: (1 if kind == "strict_nature_reserve" else 0) for kind in folium_maps.MAP_KINDS}


def test_base_map_does_not_depend_on_the_filters(features, regions):
    """The part st_folium hashes must be identical whatever the filters, or the iframe remounts."""
    from streamlit_folium import _get_map_string  # noqa: TID251 - only inspecting the hash input

    def script():
        fmap = folium_maps.build_base_map(regions, english, "name_en")
        fmap.get_root().render()
        return re.sub(r"_[0-9a-f]{32}", "", _get_map_string(fmap))

    first = script()
    folium_maps.build_feature_groups(analysis.filter_features(features, Filters(name_query="Naurzum")), english, "name_en", {})
    assert script() == first


def test_coordinates_sent_to_the_browser_are_rounded(features, regions):
    collection = base_layers.to_feature_collection(features, ["id"])
    text = json.dumps(collection)
    decimals = [len(m) for m in re.findall(r"\.(\d+)", text)]
    assert max(decimals) <= 5


def test_approximate_shapes_are_dashed_and_say_so_in_the_tooltip(features, regions):
    row = features[features["id"] == "pa-naurzum"].iloc[0]
    tip = folium_maps.feature_tooltip_html(row, english, "name_en", region_names(regions))
    assert "approximate shape" in tip and "191,381 ha" in tip and "Kostanay" in tip
    style = folium_maps._style_function({"properties": {"kind": "strict_nature_reserve", "geometry_quality": "approximate"}})
    assert style["dashArray"] and style["className"] == "kz-layer-strict_nature_reserve"


@pytest.fixture()
def evil_features(features):
    frame = features.copy()
    for column in ("name_en", "name_ru", "name_kk"):
        frame[column] = EVIL
    return frame


@pytest.fixture()
def evil_regions(regions):
    frame = regions.copy()
    frame["name_en"] = EVIL
    return frame


def assert_inert(html: str):
    assert "<img src=x" not in html
    assert "${alert(2)}" not in html
    assert "`tick`" not in html


def test_names_in_tooltips_are_escaped(evil_features, evil_regions):
    html = render(evil_features, evil_regions)
    assert_inert(html)
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;\\u0026#x24;\\u0026#x7B;alert(2)\\u0026#x7D;" in html


@pytest.mark.parametrize(
    "name",
    ["ZZ{{ 7*7 }}ZZ", "ZZ{{ lipsum.__globals__ }}ZZ", "ZZ{% for x in range(3) %}X{% endfor %}ZZ", "ZZ{# hidden #}ZZ"],
)
def test_template_syntax_in_a_name_stays_text_on_every_map(features, regions, name):
    """A name is shown as written; folium compiles each rendered part again as a template."""
    frame = features.copy()
    site = frame.index[frame["kind"] == "undp_site"][0]
    park = frame.index[frame["kind"] == "national_park"][0]
    frame.loc[[site, park], "name_en"] = name
    names = region_names(regions) | {regions["iso_code"].iloc[0]: name}
    html = folium_maps.build_full_map(regions, frame, english, "name_en", names).get_root().render()
    shown = name.replace("{", "&#x7B;").replace("}", "&#x7D;")
    assert html.count(shown.replace("&", "\\u0026")) >= 2  # the tooltips of the park and the site
    assert "ZZ49ZZ" not in html and "ZZXXXZZ" not in html and "ZZZZ" not in html
    assert "{{" not in html.split("ZZ", 1)[1].split("ZZ", 1)[0]


def test_layer_names_and_legend_are_escaped_even_if_a_translation_is_hostile(features, regions):
    # Format strings keep their placeholders (the catalogue test guarantees that for real translations).
    html = render(features, regions, translate=lambda message: message if "{" in message else EVIL + message)
    assert_inert(html)
    overlays = html[html.index("overlays") : html.index("L.control.layers")]
    # Every layer-control entry (kind layers, regions, web tiles) is the escaped text.
    assert overlays.count("\\u0026lt;img src=x onerror=alert(1)\\u0026gt;") == len(folium_maps.MAP_KINDS) + 2
    legend = html[html.index("kz-legend") :]
    assert "\\u0026lt;img src=x" in legend
    # The note along the bottom edge (the UN disclaimer and the basemap's credit) comes after the key.
    note = html[html.index("kz-map-note") :]
    assert "\\u0026lt;img src=x" in note


def test_map_without_regions_still_builds(features):
    html = folium_maps.build_full_map(None, features, english, "name_en", {}).get_root().render()
    assert "kz-layer-national_park" in html and "kz-layer-regions" not in html


def test_groups_render_when_a_kind_has_no_feature(features, regions):
    nothing = features.iloc[0:0]
    html = folium_maps.build_full_map(regions, nothing, english, "name_en", {}).get_root().render()
    assert "kz-layer-regions" in html
