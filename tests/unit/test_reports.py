"""Tables and figures the pages show, checked against the catalogue and by hand."""

from __future__ import annotations

import json

import pytest

from kzatlas import analysis, provenance, reports
from kzatlas.config import GEODATA_DIR, KAZAKHSTAN_AREA_KM2
from kzatlas.i18n import translator

BUNDLED_VERSION = json.loads((GEODATA_DIR / "manifest.json").read_text(encoding="utf-8"))["data_version"]

english = translator("en")


def test_target_tracker_picks_latest_status_and_computes_the_national_share(bundled, features):
    tracker = reports.target_tracker(bundled.tables["targets"], features, KAZAKHSTAN_AREA_KM2)
    assert tracker.latest["share_pct"] == 11.37 and tracker.latest["as_of"] == "2025-01-01"
    # The approved concept publishes 33.2 million ha by 2035: 33.2 / 272.49 million ha = 12.18 %.
    assert tracker.national_target["by_year"] == 2035
    assert tracker.national_target_share_computed
    assert tracker.national_target_share_pct == pytest.approx(12.18, abs=0.01)
    assert tracker.global_target["target_pct"] == 30 and tracker.global_target["by_year"] == 2030
    # Akzhayik, Altyn Dala, Ile-Balkhash, Buyratau, Zhongar-Alatau, Tarbagatai.
    assert tracker.undp_in_atlas_count == 6
    assert tracker.undp_in_atlas_ha == pytest.approx(111_500 + 489_766 + 415_164.2 + 88_968 + 356_022 + 143_550.5)
    assert tracker.undp_share_of(30_900_000) == pytest.approx(tracker.undp_in_atlas_ha / 30_900_000)


def test_target_tracker_without_figures_is_empty_not_an_error(features):
    tracker = reports.target_tracker(None, features, KAZAKHSTAN_AREA_KM2)
    assert tracker.latest is None and tracker.national_target is None and tracker.status.empty


def test_every_target_figure_has_a_source(bundled):
    targets = bundled.tables["targets"]
    for record in targets["national_status"] + targets["national_targets"]:
        assert record["source"]["url"].startswith("http")


def test_cumulative_growth_adds_up_to_the_network(features):
    growth = analysis.cumulative_growth(features)
    areas = analysis.protected_areas(features)
    assert growth["year"].is_monotonic_increasing
    assert growth["cumulative_count"].iloc[-1] == areas["year"].notna().sum()
    assert growth["cumulative_area_ha"].iloc[-1] == pytest.approx(areas.dropna(subset=["year"])["area_ha"].sum())
    assert growth.loc[growth["year"] == 1926, "cumulative_area_ha"].iloc[0] == 131_934  # Aksu-Zhabagly alone


def test_area_by_region_and_kind(features, regions):
    by_region = analysis.area_by_region(features, regions)
    kostanay = by_region[by_region["iso_code"] == "KZ-39"]["area_ha"].sum()
    assert kostanay == pytest.approx(191_381 + 489_766)
    by_kind = analysis.area_by_kind(features).set_index("kind")
    assert by_kind.loc["national_park", "count"] == 14
    assert by_kind["area_ha"].sum() == pytest.approx(analysis.protected_hectares(features))


def test_corridor_table_reports_links_and_share_outside(features):
    table = reports.corridor_table(features, english)
    assert len(table) == 2
    kapshagay = table[table["Corridor"].str.startswith("Kapshagay")].iloc[0]
    assert "Altyn-Emel" in kapshagay["Meets on the map"] and "Ile-Balkhash" in kapshagay["Meets on the map"]
    outside = kapshagay["Outside reserves and parks"]
    assert outside.endswith("\u00a0%") and 0 < float(outside.removesuffix("\u00a0%")) < 100
    assert list(table.columns[-2:]) == ["Source", "Source link"]
    assert kapshagay["Source link"].startswith("https://")


def test_feature_facts_show_official_and_drawn_area_and_leave_out_empty_fields(features):
    row = features[features["id"] == "pa-naurzum"].iloc[0]
    facts = dict(reports.feature_facts(row, english, {"KZ-39": "Kostanay Region"}).values)
    assert facts["Official area"] == "191,381 ha"
    assert facts["Drawn area"].endswith(" ha") and facts["Region"] == "Kostanay Region"
    assert facts["Shape"] == "approximate shape" and "Budget (US$)" not in facts
    sources = reports.feature_sources(row, english)
    assert len(sources) >= 2 and sources["Link"].str.startswith("http").all()


def test_portfolio_years_and_filters(features):
    items = reports.undp_portfolio(features)
    assert len(items) == 13 and items["located"].sum() == 5
    semipalatinsk = items.set_index("id").loc["undp-semipalatinsk-rehabilitation"]
    assert (semipalatinsk["first_year"], semipalatinsk["last_year"]) == (1997, 2009)
    assert set(reports.portfolio_filter(items, ("health",), "")["id"]) >= {"undp-semey-diagnostic-centre"}
    gef = reports.portfolio_filter(items, (), "Global Environment FACILITY")
    assert {"undp-drei-renewables", "undp-green-finance", "undp-biodiversity-forest-restoration"} <= set(gef["id"])
    assert reports.portfolio_filter(items, ("health",), "Global Environment Facility").empty


def test_changelog_is_shown_without_its_title():
    text = provenance.changelog_text()
    assert BUNDLED_VERSION in text and not text.lstrip().startswith("# ")
