"""Borders on the basemap: no neighbour over Kazakhstan, disputed areas as the United Nations shows them.

Measured on the shipped files (``geodata/basemap_land.geojson`` against the regions layer) in an
equal-area projection, and on the maps the atlas draws from them.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from kzatlas.config import GEODATA_DIR
from kzatlas.i18n import translator
from kzatlas.map import folium_maps
from kzatlas.spatial import EQUAL_AREA_CRS

# Rounding of the shared border (5 decimals, about 1 m) leaves well under a square kilometre.
OVERLAP_TOLERANCE_KM2 = 1.0


@pytest.fixture(scope="module")
def land() -> gpd.GeoDataFrame:
    return gpd.read_file(GEODATA_DIR / "basemap_land.geojson")


@pytest.fixture(scope="module")
def kazakhstan(regions):
    return shapely.union_all(regions.geometry.values)


def km2(geometry) -> float:
    return float(gpd.GeoSeries([geometry], crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.iloc[0]) / 1e6


def test_no_neighbour_covers_any_part_of_kazakhstan(land, kazakhstan):
    neighbours = land[land["country_code"] != "KZ"]
    overlaps = {row["name_en"]: km2(row.geometry.intersection(kazakhstan)) for _, row in neighbours.iterrows()}
    assert sum(overlaps.values()) < OVERLAP_TOLERANCE_KM2, {name: round(a, 2) for name, a in overlaps.items() if a}


def test_kazakhstan_is_covered_to_its_border(land, kazakhstan):
    own = land.loc[land["country_code"] == "KZ", "geometry"].iloc[0]
    assert km2(kazakhstan.difference(own)) < OVERLAP_TOLERANCE_KM2
    # ...and the neighbours meet that border: no strip of nothing opens along the land borders.
    everything = shapely.union_all(land.geometry.values)
    ring = kazakhstan.buffer(0.05).difference(kazakhstan)
    water = shapely.union_all(gpd.read_file(GEODATA_DIR / "basemap_water.geojson").geometry.values)
    assert km2(ring.difference(everything).difference(water.buffer(0.05))) < 50


@pytest.mark.parametrize(
    ("place", "lon", "lat", "country"),
    [
        ("Simferopol (Crimea)", 34.10, 44.95, "Ukraine"),
        ("Sevastopol", 33.52, 44.60, "Ukraine"),
        ("Novosibirsk", 82.92, 55.03, "Russia"),
        ("Omsk", 73.37, 54.99, "Russia"),
        ("Tashkent", 69.24, 41.31, "Uzbekistan"),
        ("Bishkek", 74.59, 42.87, "Kyrgyzstan"),
        ("Urumqi", 87.62, 43.83, "China"),
        ("between Pavlodar and Semey", 78.60, 51.60, "Kazakhstan"),
        ("Semey", 80.23, 50.41, "Kazakhstan"),
    ],
)
def test_the_country_of_known_places(land, place, lon, lat, country):
    point = shapely.Point(lon, lat)
    holders = list(land.loc[land.contains(point), "name_en"])
    assert holders == [country], f"{place} lies in {holders}"


@pytest.mark.parametrize(("place", "lon", "lat"), [("Srinagar", 74.80, 34.08), ("Leh", 77.58, 34.16), ("Gilgit", 74.31, 35.92)])
def test_no_boundary_is_drawn_in_jammu_and_kashmir(land, place, lon, lat):
    # Its final status has not been agreed upon by the parties: the basemap draws nothing there.
    assert not land.intersects(shapely.Point(lon, lat).buffer(0.5)).any(), place


def test_no_neighbour_cuts_into_a_protected_area(land, features):
    neighbours = shapely.union_all(land.loc[land["country_code"] != "KZ", "geometry"].values)
    drawn = features[features.geometry.notna() & ~features.geometry.is_empty]
    cut = {row["id"]: km2(row.geometry.intersection(neighbours)) for _, row in drawn.iterrows()}
    assert not {key: round(value, 2) for key, value in cut.items() if value > OVERLAP_TOLERANCE_KM2}


def test_the_map_credits_leaflet_without_a_flag(regions, features):
    html = folium_maps.build_full_map(regions, features, translator("en"), "name_en", {}).get_root().render()
    assert "attributionControl.setPrefix" in html
    prefix = html.split("attributionControl.setPrefix(", 1)[1].split(");", 1)[0]
    assert "Leaflet" in prefix and "<svg" not in prefix and "img" not in prefix
