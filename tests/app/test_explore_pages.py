"""The exploring pages under AppTest: seeded selections, links, and widgets that change what is shown."""

from __future__ import annotations

import json

import pytest
from pagetest import ROUTER, TIMEOUT, headings, metric, page_path, router_pages, run_page, shown
from streamlit.testing.v1 import AppTest

from kzatlas.config import GEODATA_DIR
from kzatlas.config import ROOT_DIR as ROUTER_DIR

BUNDLED_VERSION = json.loads((GEODATA_DIR / "manifest.json").read_text(encoding="utf-8"))["data_version"]

PAGES = router_pages()
run = run_page


def test_router_lists_every_page_file():
    """The smoke tests below cover what the router serves; a page file it forgot is a defect."""
    on_disk = sorted(path.stem for path in (ROUTER_DIR / "views").glob("*.py"))
    assert sorted(PAGES) == on_disk


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_alone_with_footer(page):
    at = run(page)
    assert any(f"Data version: {BUNDLED_VERSION}" in shown(c.value) for c in at.caption)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_after_switch_page(page):
    at = AppTest.from_file(ROUTER, default_timeout=TIMEOUT).run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception


def test_selection_from_the_link_opens_the_details_panel():
    at = run("map_explorer", sel="pa-ile-balkhash")
    assert "Ile-Balkhash State Nature Reserve" in headings(at)
    facts = at.dataframe[0].value
    values = dict(zip(facts.iloc[:, 0], facts.iloc[:, 1]))
    assert values["Official area"] == "415,164 ha" and values["Supported by UNDP"] == "yes"
    assert "What UNDP does here" in " ".join(m.value for m in at.markdown)
    assert at.query_params["sel"] == "pa-ile-balkhash"


def test_selected_site_lists_protected_areas_within_the_chosen_distance():
    at = run("map_explorer", sel="undp-siberian-pine-alley-astana")
    assert "Siberian pine alley for UNDP's 60th anniversary, Astana Botanical Garden" in headings(at)
    slider = at.slider(key="map_explorer.nearby_km")
    slider.set_value(500).run()
    assert not at.exception
    nearby = at.dataframe[2].value
    assert "Korgalzhyn State Nature Reserve" in set(nearby["Name"])
    assert nearby["Distance (km)"].is_monotonic_increasing and nearby["Distance (km)"].max() <= 500
    slider.set_value(10).run()
    assert any("None within 10 km" in c.value for c in at.caption)


def test_a_click_seeded_in_session_state_selects_and_an_empty_click_clears():
    at = AppTest.from_file(page_path("map_explorer"), default_timeout=TIMEOUT).run()
    key = "map_explorer.map.en"
    at.session_state[key] = {"last_object_clicked": {"lat": 51.5, "lng": 64.4, "id": "pa-naurzum"}}
    at.run()
    assert "Naurzum State Nature Reserve" in headings(at)
    at.session_state[key] = {"last_object_clicked": None}
    at.run()
    assert "Naurzum State Nature Reserve" not in headings(at)
    assert "sel" not in at.query_params


def test_filters_from_the_link_fill_the_widgets_and_bad_values_warn():
    at = run("map_explorer", q="Naurzum", undp="0", regions="KZ-39,ZZ-1")
    assert at.text_input(key="map_explorer.query").value == "Naurzum"
    assert at.multiselect(key="map_explorer.regions").value == ["KZ-39"]
    assert metric(at, "Matching features") == "1"
    assert any("was not understood" in w.value for w in at.warning)


def test_changing_a_filter_writes_it_into_the_link():
    at = run("map_explorer")
    at.checkbox(key="map_explorer.undp_only").check().run()
    assert at.query_params["undp"] == "1"
    at.checkbox(key="map_explorer.undp_only").uncheck().run()
    assert "undp" not in at.query_params


def test_protected_areas_page_shows_the_target_tracker():
    at = run("protected_areas")
    assert metric(at, "Reserves and national parks") == "31"
    assert metric(at, "Official national figure (2025-01-01)") == "11.37\u00a0%"
    assert metric(at, "Global target by 2030") == "30\u00a0%"
    # The atlas's own share stands beside the official one, with why they differ.
    assert metric(at, "Reserves and parks in this atlas") == "2.86\u00a0%"
    assert any("Why the figures differ" in caption.value for caption in at.caption)
    assert metric(at, "National target by 2035").startswith("≈ 12.2")
    assert len(at.dataframe[0].value) == 31


def test_corridors_page_lists_both_corridors():
    at = run("corridors")
    table = at.dataframe[0].value
    assert len(table) == 2 and table["Meets on the map"].str.len().gt(0).all()


@pytest.mark.parametrize("page", ["corridors", "about_data", "protected_areas"])
def test_a_value_no_source_gives_shows_as_a_dash_not_none(page):
    at = run(page)
    missing = [frame for frame in at.dataframe if frame.value.isna().any().any()]
    assert missing, "these pages list values no source gives"
    assert all(frame.proto.placeholder == "\u2014" for frame in at.dataframe)


def test_region_profile_follows_the_link_and_the_picker():
    at = run("region_profile", region="KZ-39")
    assert at.selectbox(key="region_profile.region").value == "KZ-39"
    assert metric(at, "Reserves and parks") == "2"
    at.selectbox(key="region_profile.region").set_value("KZ-63").run()
    assert not at.exception
    assert int(metric(at, "Reserves and parks")) >= 3
    assert at.query_params["region"] == "KZ-63"


def test_region_profile_takes_a_map_click_on_a_region():
    at = run("region_profile", region="KZ-39")
    at.session_state["region_profile.map.en"] = {"last_object_clicked": {"lat": 50.0, "lng": 80.0, "id": "KZ-10"}}
    at.run()
    assert at.selectbox(key="region_profile.region").value == "KZ-10"


def test_region_profile_with_an_unknown_region_warns_and_shows_a_default():
    at = run("region_profile", region="KZ-00")
    assert any("was not understood" in w.value for w in at.warning)
    assert at.selectbox(key="region_profile.region").value


def test_projects_page_filters_by_theme_and_partner():
    at = run("projects")
    # UNDP's footprint, told as on every page and in every pack: 5 sites (4 with a map position),
    # 7 national programmes; the UN Regional SDG Centre is a UN partner site, not UNDP's work.
    assert metric(at, "UNDP sites") == "5"
    assert metric(at, "Of them with a map position") == "4"
    assert metric(at, "National programmes (no single location)") == "7"
    at.multiselect(key="projects.themes").select("health").run()
    assert int(metric(at, "UNDP sites")) < 5
    at.text_input(key="projects.partner").input("no such partner").run()
    assert any("No item matches" in i.value for i in at.info)


def test_about_page_offers_whole_catalogue_downloads_and_changelog():
    at = run("about_data")
    assert "Download the whole catalogue" in headings(at) and "Data changelog" in headings(at)
    assert any("First release of the catalogue" in m.value for m in at.markdown)


def test_a_refused_view_is_removed_from_the_link():
    at = run("map_explorer", view="999,999,99")
    assert any("was not understood" in w.value for w in at.warning)
    assert "view" not in at.query_params


def test_selected_feature_hidden_by_the_filters_says_so():
    at = run("map_explorer", sel="pa-buyratau", q="Naurzum")
    assert "Buyratau National Park" in headings(at)
    assert any("Not on the map with the current filters" in c.value for c in at.caption)


@pytest.mark.parametrize(("name", "raw"), __import__("payloads").URL_PARAMS)
def test_hostile_link_values_give_a_notice_never_an_exception(name, raw):
    # `/present?scene=²` and a 5,000-digit scene number once raised ValueError.
    at = run("present" if name == "scene" else "map_explorer", **{name: raw})
    assert not at.exception
    if name != "q":  # a search text is free text: it is shown as typed, not refused
        assert any("was not understood" in w.value for w in at.warning), (name, raw)


def test_every_page_leaves_the_shared_filtered_features_as_they_were():
    """The features matching a filter set are one frame shared by every session: no page may change it."""
    from pandas.testing import assert_frame_equal

    from kzatlas import analysis, catalog
    from kzatlas.analysis import Filters
    from kzatlas.ui import cache

    asked = [Filters(), Filters(regions=("KZ-19",)), Filters(undp_only=True)]
    for page in PAGES:
        run(page)
        run(page, regions="KZ-19", sel="pa-ile-balkhash")
        run(page, undp="1")
    features = catalog.feature_frame(cache.load_catalogue(str(GEODATA_DIR)).catalogue)
    for filters in asked:
        shared = cache.filtered_features(filters, str(GEODATA_DIR))
        assert_frame_equal(shared, analysis.filter_features(features, filters), check_like=False)
