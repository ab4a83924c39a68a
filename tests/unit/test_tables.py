"""The tables pages show, built from small made-up frames without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import Point, box
from test_spatial import make_features

from kzatlas import reports, tables
from kzatlas.i18n import translator
from kzatlas.spatial import Nearby

EN = translator("en")
RU = translator("ru")
REGIONS = {"KZ-10": "Abai", "KZ-19": "Almaty Region"}


@pytest.fixture()
def places():
    return make_features(
        [
            {
                "id": "park",
                "kind": "national_park",
                "name_en": "Park",
                "name_ru": "Парк",
                "region_codes": "KZ-10;KZ-19",
                "year": 1996,
                "area_ha": 1200.0,
                "area_drawn_ha": 1180.5,
                "geometry_quality": "approximate",
                "undp_supported": True,
                "iucn_category": "II",
                "source_url": "https://example.org/park",
                "source_date": "2025-01-01",
                "geometry": box(70.0, 45.0, 70.1, 45.1),
            },
            {
                "id": "site",
                "kind": "undp_site",
                "name_en": "Site",
                "region_codes": "KZ-99",
                "geometry_quality": "point",
                "geometry": Point(71.0, 51.0),
            },
            {"id": "programme", "kind": "undp_programme", "name_en": "Programme", "geometry": None},
        ]
    )


def test_feature_table_translates_columns_and_spells_out_codes(places):
    table = tables.feature_table(places, EN, "name_en", REGIONS)
    assert list(table.columns) == [
        "Name",
        "Kind",
        "Region",
        "Year",
        "Official area (ha)",
        "Drawn area (ha)",
        "Map position",
        "UNDP-supported",
        "Source",
        "Source link",
    ]
    park = table.iloc[0]
    assert park["Name"] == "Park"
    assert park["Kind"] == "National park"
    assert park["Region"] == "Abai, Almaty Region"
    assert park["Official area (ha)"] == 1200.0
    assert park["Map position"] == "approximate shape"
    assert bool(park["UNDP-supported"]) is True
    assert table.iloc[1]["Region"] == "KZ-99"  # an unknown code is shown as it is
    assert table.iloc[1]["UNDP-supported"] == True  # noqa: E712 - a UNDP site is UNDP's work whatever the flag says


def test_feature_table_speaks_the_page_language_and_falls_back_to_english_names(places):
    table = tables.feature_table(places, RU, "name_ru", REGIONS)
    assert RU("Name") in table.columns and RU("Name") != "Name"
    # A name the sources give only in English says so, instead of silently mixing languages.
    assert list(table[RU("Name")])[:2] == ["Парк", "Site " + RU("(in English)")]
    assert RU("(in English)") != "(in English)"


def test_protected_area_table_adds_the_iucn_category_and_a_map_link(places):
    areas = places[places["kind"] == "national_park"]
    table = tables.protected_area_table(areas, EN, "name_en", REGIONS)
    assert list(table.columns[:2]) == ["Name", "IUCN"]
    assert table.iloc[0]["IUCN"] == "II"
    assert table.iloc[0]["On the map"] == "/?sel=park"


def test_feature_links_table_links_only_what_has_a_map_position(places):
    table = tables.feature_links_table(places, EN, "name_en")
    assert list(table.columns) == ["Name", "Kind", "Official area (ha)", "On the map", "Source", "Source link"]
    links = list(table["On the map"])
    assert links[:2] == ["/?sel=park", "/?sel=site"] and pd.isna(links[2])


def test_portfolio_table_gives_years_budget_and_where_each_item_is(places):
    items = reports.undp_portfolio(
        places.assign(
            years=["", "2019;2023", ""],
            year=[None, None, 2021],
            themes=["", "biodiversity;energy", ""],
            partners=["", "akimat;ministry", ""],
            donors=["", "GEF", ""],
            budget_usd=[None, 1_500_000.0, None],
            location_name=["", "", ""],
        )
    )
    table = tables.portfolio_table(items, EN, "name_en")
    site, programme = table.iloc[0], table.iloc[1]
    assert site["Name"] == "Site" and programme["Name"] == "Programme"
    assert site["Years"] == "2019–2023" and programme["Years"] == "2021"
    assert site["Themes"] == "Biodiversity, Energy"
    assert site["Partners"] == "akimat, ministry"
    assert site["Budget (US$)"] == 1_500_000.0
    assert table["Where"].iloc[0] == "/?sel=site" and pd.isna(table["Where"].iloc[1])
    assert site["Location"] == "see map"
    assert programme["Location"] == "national / no single location"


def test_nearby_table_rounds_distances_and_names_each_place(places):
    found = [Nearby("site", 12.345), Nearby("park", 0.0)]
    table = tables.nearby_table(places, found, EN, "name_en")
    assert table.to_dict("list") == {
        "Name": ["Site", "Park"],
        "Kind": ["UNDP project site", "National park"],
        "Distance (km)": [12.3, 0.0],
        "Source": ["", "https://example.org/park (read 2025-01-01)"],  # no title: the address stands in
        "Source link": ["", "https://example.org/park"],
    }


def test_scene_table_links_each_scene_to_the_presenter():
    table = tables.scene_table(["Aral Sea", "Astana"], ["/?sel=a", "/"], EN)
    assert table.to_dict("list") == {
        "Scene": [1, 2],
        "Caption": ["Aral Sea", "Astana"],
        "Present from here": ["/present?scene=1", "/present?scene=2"],
        "In the map explorer": ["/?sel=a", "/"],
    }


def test_number_formats_cover_the_shared_number_columns():
    assert tables.number_formats(EN) == {"Official area (ha)": "%,.0f", "Drawn area (ha)": "%,.0f", "Year": "%d"}
    assert set(tables.number_formats(RU)) == {RU("Official area (ha)"), RU("Drawn area (ha)"), RU("Year")}


def test_an_empty_frame_gives_an_empty_table_with_the_same_columns(places):
    table = tables.feature_table(places.iloc[0:0], EN, "name_en", REGIONS)
    assert table.empty and "Name" in table.columns
    assert isinstance(table, pd.DataFrame)
