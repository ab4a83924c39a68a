"""Spatial joins and distances, against values worked out by hand or by closed formulas."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import Point, box

from kzatlas import spatial
from kzatlas.catalog import FEATURE_COLUMNS
from kzatlas.config import CRS

GEOD = Geod(ellps="WGS84")


def make_features(rows: list[dict]) -> gpd.GeoDataFrame:
    defaults = {col: ("" if dtype == "str" else None) for col, dtype in FEATURE_COLUMNS.items()}
    defaults["undp_supported"] = False
    return gpd.GeoDataFrame([{**defaults, **row} for row in rows], geometry="geometry", crs=CRS)


def circle(lat: float, lon: float, radius_m: float):
    local = spatial.equidistant_crs(lat, lon)
    return gpd.GeoSeries([Point(0, 0).buffer(radius_m, quad_segs=64)], crs=local).to_crs(CRS).iloc[0]


def moved(lat: float, lon: float, azimuth: float, metres: float) -> Point:
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return Point(lon2, lat2)


def test_distance_between_two_points_is_the_geodesic_distance():
    astana, almaty = Point(71.4161, 51.1061), Point(76.915, 43.24)
    targets = gpd.GeoDataFrame(geometry=[almaty], crs=CRS)
    km = spatial.distances_km(astana, targets).iloc[0]
    _, _, metres = GEOD.inv(71.4161, 51.1061, 76.915, 43.24)
    assert km == pytest.approx(metres / 1000, abs=0.01)
    assert 960 < km < 985  # Astana-Almaty is about 970 km as the crow flies


def test_distance_to_an_area_is_to_its_edge_and_zero_inside():
    reserve = circle(48.0, 68.0, 10_000)
    site_out = moved(48.0, 68.0, 0, 20_000)  # 20 km north of the centre: 10 km from the edge
    site_in = moved(48.0, 68.0, 90, 5_000)
    features = make_features(
        [
            {"id": "pa", "kind": "national_park", "geometry": reserve, "area_ha": 31_416.0},
            {"id": "out", "kind": "undp_site", "geometry": site_out},
            {"id": "in", "kind": "undp_site", "geometry": site_in},
            {"id": "nowhere", "kind": "undp_programme", "geometry": None},
        ]
    )
    near = spatial.features_near("out", features, ("national_park",))
    assert [n.id for n in near] == ["pa"]
    assert near[0].distance_km == pytest.approx(10.0, abs=0.02)
    assert [n.id for n in spatial.undp_sites_in("pa", features)] == ["in"]
    assert spatial.features_near("out", features, ("national_park",), within_km=9.9) == []
    assert spatial.nearest("pa", features, ("undp_site",)).id == "in"
    assert spatial.features_near("nowhere", features, ("national_park",)) == []


def band_area_ha(lat1: float, lat2: float, dlon: float) -> float:
    """Area of a lat/lon cell on the WGS84 ellipsoid (closed formula for the authalic band)."""
    a, f = 6_378_137.0, 1 / 298.257223563
    e = math.sqrt(f * (2 - f))
    b2 = (a * (1 - f)) ** 2

    def q(phi: float) -> float:
        s = math.sin(math.radians(phi))
        return s / (1 - e * e * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return b2 / 2 * (q(lat2) - q(lat1)) * math.radians(dlon) / 10_000


def test_areas_in_hectares_match_the_ellipsoid_formula():
    cells = gpd.GeoSeries([box(0, 0, 1, 1), box(60, 45, 61, 46)], crs=CRS)
    measured = spatial.area_hectares(cells)
    assert measured.iloc[0] == pytest.approx(band_area_ha(0, 1, 1), rel=1e-6)
    assert measured.iloc[1] == pytest.approx(band_area_ha(45, 46, 1), rel=1e-6)
    assert measured.iloc[0] == pytest.approx(1_230_880, rel=1e-3)  # about 12,309 km2 at the equator


def test_corridor_links_and_share_outside_protected_areas():
    # A 1 x 0.2 degree band; a park covers exactly its western half (same latitudes).
    corridor = box(70.0, 45.0, 71.0, 45.2)
    park = box(69.5, 44.9, 70.5, 45.3)
    far_park = box(80.0, 45.0, 80.1, 45.1)
    features = make_features(
        [
            {"id": "c", "kind": "ecological_corridor", "geometry": corridor},
            {"id": "p", "kind": "national_park", "geometry": park},
            {"id": "q", "kind": "strict_nature_reserve", "geometry": far_park},
        ]
    )
    assert spatial.protected_areas_linked_by("c", features) == ["p"]
    # Equal-area measure: the two halves of a band between the same latitudes are equal.
    assert spatial.share_outside_protected_areas("c", features) == pytest.approx(0.5, abs=1e-6)
    assert spatial.share_outside_protected_areas("p", features) is None


def test_region_profile_of_kostanay(features, regions):
    profile = spatial.region_profile("KZ-39", features, regions)
    assert set(profile.protected_ids) == {"pa-naurzum", "pa-altyn-dala"}
    assert profile.official_protected_ha == pytest.approx(191_381 + 489_766)
    land = float(regions.loc[regions["iso_code"] == "KZ-39", "area_km2"].iloc[0]) * 100
    assert profile.official_share == pytest.approx(681_147 / land)
    # Both circles lie inside Kostanay, so the drawn share is close to the official one.
    assert profile.drawn_share == pytest.approx(profile.official_share, rel=0.02)
    assert "corr-yrgyz-torgay-zhylanshyk" in profile.corridor_ids
    assert spatial.region_profile("KZ-00", features, regions) is None


def test_real_catalogue_kapshagay_corridor_meets_the_areas_its_sources_name(features):
    linked = spatial.protected_areas_linked_by("corr-kapshagay-balkhash", features)
    assert {"pa-altyn-emel", "pa-ile-balkhash"} <= set(linked)


def test_region_profile_joins_sites_by_location_as_well_as_by_listed_region(features, regions):
    unlisted = features.copy()
    alley = unlisted["id"] == "undp-siberian-pine-alley-astana"
    unlisted.loc[alley, "region_codes"] = ""  # as if no source had named the region
    profile = spatial.region_profile("KZ-71", unlisted, regions)
    assert "undp-siberian-pine-alley-astana" in profile.undp_ids
    assert "undp-siberian-pine-alley-astana" not in spatial.region_profile("KZ-11", unlisted, regions).undp_ids
