"""UNDP's work is counted once, by one rule, wherever a page or a pack counts or lists it."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from test_spatial import make_features

from kzatlas import reports, spatial, tables
from kzatlas.config import CRS
from kzatlas.facts import region_facts, surroundings
from kzatlas.i18n import translator

EN = translator("en")
RU = translator("ru")


@pytest.fixture()
def region():
    return gpd.GeoDataFrame(
        [{"iso_code": "KZ-01", "name_en": "Region", "area_km2": 10_000.0, "area_official_km2": 9_990.0}],
        geometry=[box(60, 50, 61, 51)],
        crs=CRS,
    )


@pytest.fixture()
def places():
    return make_features(
        [
            # A UNDP-supported reserve listed in the region.
            {"id": "reserve", "kind": "nature_reserve", "region_codes": "KZ-01", "area_ha": 1000.0,
             "undp_supported": True, "geometry": box(60.1, 50.1, 60.3, 50.3)},
            # A reserve UNDP did not support.
            {"id": "other", "kind": "strict_nature_reserve", "region_codes": "KZ-01", "area_ha": 500.0,
             "geometry": box(60.6, 50.6, 60.7, 50.7)},
            # A UNDP-supported corridor listed elsewhere whose band reaches into the region.
            {"id": "band", "kind": "ecological_corridor", "region_codes": "KZ-02", "undp_supported": True,
             "geometry": box(60.2, 50.2, 62.0, 50.25)},
            # A UNDP-supported park that only shares the region's border.
            {"id": "neighbour", "kind": "national_park", "region_codes": "KZ-03", "undp_supported": True,
             "geometry": box(61.0, 50.0, 61.5, 50.5)},
            # A UNDP site inside the region that no source placed in it.
            {"id": "site", "kind": "undp_site", "undp_supported": True, "geometry": Point(60.2, 50.2)},
            # A UN entity listed with UNDP's work, not built by UNDP.
            {"id": "partner", "kind": "undp_site", "region_codes": "KZ-01", "relationship": "un_partner",
             "geometry": Point(60.5, 50.5)},
            # A national programme attributed to the region.
            {"id": "programme", "kind": "undp_programme", "region_codes": "KZ-01", "undp_supported": True,
             "geometry": None},
        ]
    )


def test_the_rule_counts_sites_programmes_and_supported_areas_but_not_partners(places):
    work = dict(zip(places["id"], spatial.undp_work(places)))
    assert work == {
        "reserve": True,
        "other": False,
        "band": True,
        "neighbour": True,
        "site": True,
        "partner": False,
        "programme": True,
    }
    assert list(places.loc[spatial.un_partner(places), "id"]) == ["partner"]


def test_a_frame_without_the_relationship_column_treats_every_undp_item_as_undp_work(places):
    built_today = places.drop(columns=["relationship"])
    assert not spatial.un_partner(built_today).any()
    assert bool(spatial.undp_work(built_today)[built_today["id"] == "partner"].iloc[0])


def test_region_profile_counts_undp_supported_areas_and_keeps_partners_apart(places, region):
    profile = spatial.region_profile("KZ-01", places, region)
    assert set(profile.undp_ids) == {"reserve", "band", "site", "programme"}
    assert "neighbour" not in profile.undp_ids  # only shares the border
    assert profile.partner_ids == ("partner",)
    assert "partner" not in profile.undp_ids
    assert profile.official_land_km2 == 9_990.0


def test_region_statement_counts_what_the_profile_counts(places, region):
    profile = spatial.region_profile("KZ-01", places, region)
    statement = region_facts.region_statement(profile, region.iloc[0], places, None, EN)
    figures = {figure.label: figure.value for figure in statement.figures}
    assert figures["UNDP's work here"] == "4"
    assert figures["UN partner sites"] == "1"
    assert figures["Reserves and parks in this atlas"] == "0.15\u00a0%"  # 1,500 ha of 1,000,000 ha
    assert statement.protection.official is None
    assert statement.notes[0].plain().startswith("No official protected share is published for a region")


def test_an_area_lists_the_undp_supported_areas_it_meets_but_no_partner_site(places):
    hood = surroundings.neighbourhood("reserve", places)
    assert {item.id for item in hood.nearby} == {"site", "band"}
    hood = surroundings.neighbourhood("other", places)
    assert "partner" not in {item.id for item in hood.nearby}
    assert hood.nearest is not None and hood.nearest.id == "site"


def test_partner_sites_are_labelled_as_such_in_tables_and_facts(places):
    table = tables.feature_table(places, EN, "name_en", {})
    kinds = dict(zip(places["id"], table["Kind"]))
    assert kinds["partner"] == "UN partner site (not a UNDP project)"
    assert kinds["site"] == "UNDP project site"
    facts_table = reports.feature_facts(places[places["id"] == "partner"].iloc[0], EN, {})
    values = dict(facts_table.values)
    assert values["Kind"] == "UN partner site (not a UNDP project)" and values["Supported by UNDP"] == "no"
    assert RU("UN partner site (not a UNDP project)") != "UN partner site (not a UNDP project)"


def test_kostanay_counts_altyn_dala_and_the_corridor_as_undp_work(features, regions):
    profile = spatial.region_profile("KZ-39", features, regions)
    assert {"pa-altyn-dala", "corr-yrgyz-torgay-zhylanshyk"} <= set(profile.undp_ids)
    assert "pa-naurzum" not in profile.undp_ids  # not UNDP-supported
    hood = surroundings.neighbourhood("pa-altyn-dala", features)
    assert "corr-yrgyz-torgay-zhylanshyk" in {item.id for item in hood.nearby}
