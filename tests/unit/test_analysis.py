"""Filters and summaries on the real catalogue, with values checked by hand."""

from __future__ import annotations

import pytest

from kzatlas import analysis
from kzatlas.analysis import Filters


def ids(frame) -> set[str]:
    return set(frame["id"])


def test_no_filter_keeps_everything(features):
    assert len(analysis.filter_features(features, Filters())) == len(features)


@pytest.mark.parametrize(
    "query",
    ["Naurzum", "naurzum", "NAURZUM", "Наурзум", "наурзумский", "Naurzum State Nature Reserve"],
)
def test_name_search_ignores_case_and_script(features, query):
    assert ids(analysis.filter_features(features, Filters(name_query=query))) == {"pa-naurzum"}


def test_name_search_ignores_accents_and_hyphens(features):
    # "Altyn-Emel" typed without the hyphen, with an accent, and in Kazakh Cyrillic.
    for query in ("altyn emel", "Altyn-Émel", "Алтынемел"):
        found = ids(analysis.filter_features(features, Filters(name_query=query)))
        assert "pa-altyn-emel" in found, query


def test_latin_query_finds_kazakh_letters(features):
    # Kazakh name "Ақсу-Жабағылы": қ and ғ transliterate to plain Latin letters.
    found = ids(analysis.filter_features(features, Filters(name_query="Ақсу")))
    assert found == {"pa-aksu-zhabagly"}


def test_unknown_name_matches_nothing(features):
    assert analysis.filter_features(features, Filters(name_query="zzzz-no-such-place")).empty


def test_region_filter_keeps_features_in_any_chosen_region(features):
    east = analysis.filter_features(features, Filters(regions=("KZ-63",)))
    assert ids(east) >= {"pa-markakol", "pa-west-altai", "pa-katon-karagay"}
    assert all("KZ-63" in codes for codes in east["region_codes"])
    both = analysis.filter_features(features, Filters(regions=("KZ-63", "KZ-47")))
    assert ids(both) == ids(east) | {"pa-ustyurt"}


def test_kind_theme_and_undp_filters_combine(features):
    parks = analysis.filter_features(features, Filters(kinds=("national_park",), undp_only=True))
    assert ids(parks) == {"pa-buyratau", "pa-zhongar-alatau", "pa-tarbagatai"}
    health = analysis.filter_features(features, Filters(themes=("health",)))
    assert "undp-semey-diagnostic-centre" in ids(health)
    assert set(health["kind"]) <= {"undp_site", "undp_programme"}


def test_year_range_narrows_and_drops_unknown_years(features):
    full = analysis.year_bounds(features)
    everything = analysis.filter_features(features, Filters(year_range=full))
    assert len(everything) == len(features)  # unknown years stay while the range is untouched
    early = analysis.filter_features(features, Filters(year_range=(full[0], 1939)))
    # Almaty (1931, re-created 1961) and Naurzum (1931, re-created 1966) carry the year of the reserve as it
    # exists today (the convention the About page states).
    assert ids(early) == {"pa-aksu-zhabagly", "pa-barsakelmes"}


def test_counts_by_kind_follow_legend_order(features):
    counts = analysis.counts_by_kind(features)
    assert list(counts["kind"])[:3] == ["strict_nature_reserve", "nature_reserve", "national_park"]
    assert counts["count"].sum() == len(features)


def test_protected_hectares_sum_official_areas_of_reserves_and_parks_only(features):
    two = (
        analysis.filter_features(features, Filters(name_query="Naurzum")),
        analysis.filter_features(features, Filters(name_query="Karatau")),
    )
    assert analysis.protected_hectares(two[0]) == 191_381
    assert analysis.protected_hectares(two[1]) == 34_300
    corridors = analysis.filter_features(features, Filters(kinds=("ecological_corridor",)))
    assert analysis.protected_hectares(corridors) == 0


def test_protected_share_of_a_region(features, regions):
    kostanay = analysis.filter_features(
        features, Filters(regions=("KZ-39",), kinds=("strict_nature_reserve", "nature_reserve", "national_park"))
    )
    land_ha = float(regions.loc[regions["iso_code"] == "KZ-39", "area_km2"].iloc[0]) * 100
    expected = (191_381 + 489_766) / land_ha  # Naurzum + Altyn Dala
    assert analysis.protected_share(kostanay, regions, ("KZ-39",)) == pytest.approx(expected)
    assert 0.033 < expected < 0.036  # 681,147 ha of Kostanay's ~196,000 km2: about 3.5 %


def test_counts_by_region_counts_shared_features_in_each_region(features, regions):
    table = analysis.counts_by_region(analysis.filter_features(features, Filters(name_query="Korgalzhyn")), regions)
    assert set(table["iso_code"]) == {"KZ-11", "KZ-35"}
    assert table["count"].tolist() == [1, 1]


def test_counts_by_year_and_empty_frames(features):
    by_year = analysis.counts_by_year(features)
    assert by_year.loc[by_year["year"] == 1926, "count"].sum() == 1  # Aksu-Zhabagly, the first reserve
    assert by_year.loc[by_year["year"].isin([1961, 1966]), "count"].sum() >= 2  # Almaty and Naurzum as re-created
    empty = features.iloc[0:0]
    assert analysis.counts_by_year(empty).empty
    assert analysis.counts_by_kind(empty).empty


def test_unlocated_items_are_the_ones_without_geometry(features):
    unlocated = analysis.unlocated(features)
    assert "undp-forest-seed-bank" in ids(unlocated)
    assert len(unlocated) + len(analysis.located(features)) == len(features)
