"""Names on the maps: seas and lakes, regional centres and towns, the neighbours, and the map's chrome.

The built basemap is checked against its curated sources (every water name inside its water,
every name in three languages), the web map's HTML against what the browser must get (label
sizes that follow ``--kz-scale``, a scale bar in the map's language, a layer list that decides
its own folding, a click that quiets the tooltip), and the pack's map against the same name order.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import box

from kzatlas import briefing
from kzatlas.briefing.pack_map import static_map_names
from kzatlas.config import GEODATA_DIR, MAP_ZOOM
from kzatlas.i18n import translator
from kzatlas.map import basemap, chrome, folium_maps, name_labels, name_order
from scripts.geodata_build.basemap_names import place_water_names

CYRILLIC = re.compile(r"^[\u0400-\u04FF][\u0400-\u04FF \-]*$")
# The seas and large lakes every map names from country zoom, in English, Russian and Kazakh.
SEAS = {
    "water-caspian-sea": ("Caspian Sea", "Каспийское море", "Каспий теңізі"),
    "water-north-aral-sea": ("North Aral Sea", "Малое Аральское море", "Кіші Арал"),
    "water-south-aral-sea": ("South Aral Sea", "Большое Аральское море", "Үлкен Арал"),
    "water-lake-balkhash": ("Lake Balkhash", "озеро Балхаш", "Балқаш көлі"),
}
LAKES = {"water-alakol", "water-sasykkol", "water-lake-zaysan", "water-kapchagay-reservoir", "water-bukhtarma-reservoir",
         "water-lake-tengiz", "water-issyk-kul"}  # fmt: skip


@pytest.fixture(scope="module")
def frames() -> dict[str, gpd.GeoDataFrame]:
    return basemap.read_basemap_frames(GEODATA_DIR)


@pytest.fixture(scope="module")
def labels(frames) -> gpd.GeoDataFrame:
    return frames["basemap_labels"].set_index("id", drop=False)


def test_every_water_name_lies_inside_its_water_polygon(frames, labels):
    waters = labels[labels["kind"] == "water"]
    assert set(SEAS) | LAKES <= set(waters.index)
    water = frames["basemap_water"]
    for _, row in waters.iterrows():
        holders = water[water.contains(row.geometry)]
        assert len(holders) == 1, f"{row['id']} lies in {len(holders)} water polygons"
        # Well inside, not on the shore: about 2 km of water all round at least.
        assert holders.geometry.iloc[0].boundary.distance(row.geometry) > 0.02, f"{row['id']} is on the shore"
        assert all(CYRILLIC.match(row[column]) for column in ("name_ru", "name_kk")), row["id"]


def test_the_seas_and_large_lakes_are_named_from_country_zoom_in_each_language(labels):
    for ident, names in SEAS.items():
        row = labels.loc[ident]
        assert (row["name_en"], row["name_ru"], row["name_kk"]) == names
        assert name_order.place_group("water", row["rank"]) == name_order.GROUP_SEA
    assert name_labels.LABEL_STYLE[name_order.GROUP_SEA][1] <= MAP_ZOOM
    assert name_labels.LABEL_STYLE[name_order.GROUP_LAKE][1] > MAP_ZOOM


def test_kyrgyzstan_is_named_as_in_kazakhstan(labels, regions, features):
    assert labels.loc["country-kg", "name_ru"] == "Кыргызстан"
    assert labels.loc["country-kg", "name_kk"] == "Қырғызстан"
    data = basemap.read_basemap(GEODATA_DIR, "name_ru")
    html = folium_maps.build_full_map(regions, features, translator("ru"), "name_ru", {}, basemap=data).get_root().render()
    assert "Кыргызстан" in html and "Киргизия" not in html and "КИРГИЗИЯ" not in html


def test_every_regional_centre_is_named_from_country_zoom_and_towns_closer_in(labels):
    data = basemap.read_basemap(GEODATA_DIR, "name_en")
    items = {item[2]: item for item in name_labels.basemap_label_items(data.labels)}
    centres = labels[(labels["kind"] == "city") & (labels["rank"] <= name_order.CITY_RANK)]
    assert len(centres) == 20 and "Semey" in set(centres["name_en"])
    assert all(items[name][5] <= MAP_ZOOM for name in centres["name_en"])
    towns = labels[(labels["kind"] == "city") & (labels["rank"] > name_order.CITY_RANK)]
    assert len(towns) >= 50
    assert all(CYRILLIC.match(name) for name in towns["name_ru"]) and all(CYRILLIC.match(name) for name in towns["name_kk"])
    assert {"Temirtau", "Ekibastuz", "Aral", "Zaysan"} <= set(towns["name_en"])
    assert all(MAP_ZOOM < items[name][5] <= 7 for name in towns["name_en"])
    # A town never outranks a regional centre, nor a lake a sea.
    town, centre = items["Temirtau"], items["Karaganda"]
    assert centre[4] < town[4]


def test_the_build_places_each_water_name_in_its_share_and_refuses_one_outside_every_polygon():
    water = gpd.GeoDataFrame(geometry=[box(0, 0, 4, 1), box(10, 10, 11, 11)], crs="EPSG:4326")
    records = [
        {"id": "west", "name_en": "West", "lat": 0.5, "lon": 0.5},
        {"id": "east", "name_en": "East", "lat": 0.5, "lon": 3.5},
        {"id": "dry", "name_en": "Dry", "lat": 5.0, "lon": 5.0},
    ]
    rows, problems = place_water_names(water, records)
    assert problems == ["dry: its coordinate (5.0, 5.0) lies in no water polygon of the basemap"]
    spots = {row["id"]: row["geometry"] for row in rows}
    # One polygon, two names: each in the half nearer its own coordinate.
    assert spots["water-west"].x < 2 < spots["water-east"].x
    assert all(water.geometry.iloc[0].contains(point) for point in spots.values())


def test_label_sizes_follow_the_map_scale():
    sizes = re.findall(r"font(?:-size)?:([^;}]+)", name_labels.LABEL_CSS)
    assert len(sizes) >= 6
    assert all(size.startswith("calc(") and "var(--kz-scale, 1)" in size for size in sizes), sizes
    # The scale is set by whoever fits the map to a screen, never by the labels themselves.
    assert "--kz-scale:" not in name_labels.LABEL_CSS
    assert re.search(r"\.kz-label-water>span\{[^}]*font-style:italic", name_labels.LABEL_CSS)


@pytest.mark.parametrize(("language", "km", "m"), [("en", "km", "m"), ("ru", "км", "м"), ("kk", "км", "м")])
def test_the_scale_bar_speaks_the_maps_language(language, km, m):
    translate = translator(language)
    assert chrome.scale_units(translate) == {"km": f"{{distance}} {km}", "m": f"{{distance}} {m}"}
    html = folium_maps.build_base_map(None, translate, f"name_{language}", web_tiles=False).get_root().render()
    units = json.loads(re.search(r"var units = (.*?);\n", html).group(1))
    assert units == {"km": f"{{distance}} {km}", "m": f"{{distance}} {m}"}
    assert "L.control.scale(" not in html


def test_the_layer_list_decides_its_folding_in_the_browser_and_a_click_quiets_the_tooltip(regions, features):
    html = folium_maps.build_full_map(regions, features, translator("en"), "name_en", {}).get_root().render()
    assert "window.kzLayerList = function" in html
    assert re.search(r"let layer_control_\w+ = \(window\.kzLayerList \|\|", html)
    assert f"frame.clientWidth >= {chrome.LAYER_LIST_FOLD_BELOW_PX}" in html
    assert 'fire("kzpicked", {id: props.id})' in html
    assert 'map.on("tooltipopen"' in html


def test_the_pack_map_names_the_seas_across_the_country_and_lakes_and_towns_closer_in(bundled):
    names = static_map_names(bundled, briefing.Scope("country"), translate=translator("en"))
    kinds = {name.kind for name in names}
    assert {"sea"} <= kinds and not kinds & {"lake", "town", "site"}
    assert {"Caspian Sea", "Lake Balkhash"} & {name.text for name in names if name.kind == "sea"}
    abai = static_map_names(bundled, briefing.Scope("region", "KZ-10"), translate=translator("kk"))
    assert "Семей" in {name.text for name in abai if name.kind == "city"}
    assert {"lake", "town"} & {name.kind for name in abai}


def test_a_label_items_group_follows_kind_and_rank():
    assert name_order.place_group("water", 1) == name_order.GROUP_SEA
    assert name_order.place_group("water", 2) == name_order.GROUP_LAKE
    assert name_order.place_group("city", 3) == name_order.GROUP_CITY
    assert name_order.place_group("city", 4) == name_order.GROUP_TOWN
    order = name_order.NAME_GROUPS
    assert order.index(name_order.GROUP_SEA) < order.index(name_order.GROUP_CITY) < order.index(name_order.GROUP_TOWN)
