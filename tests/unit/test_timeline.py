"""The time line's numbers: years, the curve and the events, checked against the catalogue and targets.json."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kzatlas import timeline
from kzatlas.catalog import split_list
from kzatlas.config import GEODATA_DIR, KAZAKHSTAN_AREA_KM2, PROTECTED_KINDS, UNDP_KINDS
from kzatlas.i18n import translator

english = translator("en")
LAND_HA = KAZAKHSTAN_AREA_KM2 * 100.0


@pytest.fixture(scope="module")
def targets():
    return json.loads((GEODATA_DIR / "targets.json").read_text(encoding="utf-8"))


def test_each_area_appears_in_its_decree_year_and_undp_work_in_its_first_year(features):
    years = timeline.appearance_years(features)
    for row in features.itertuples():
        listed = [int(value) for value in split_list(row.years)] if isinstance(row.years, str) else []
        if row.kind in UNDP_KINDS and listed:
            assert years[row.id] == min(listed), row.id
        elif pd.isna(row.year):
            assert row.id not in years, row.id  # never placed in a guessed year
        else:
            assert years[row.id] == int(row.year), row.id
    assert min(years.values()) == 1926 and years["pa-aksu-zhabagly"] == 1926
    undated = timeline.undated(features)
    assert set(undated["id"]) == set(features["id"]) - set(years)
    assert "corr-kapshagay-balkhash" in set(undated["id"])


def test_the_curve_adds_each_reserve_and_park_at_its_official_area_in_its_year(features, targets):
    curve = timeline.network_curve(features, targets, 1926, 2026, english)
    assert [point.year for point in curve.points] == list(range(1926, 2027))
    areas = features[features["kind"].isin(PROTECTED_KINDS) & features["year"].notna()]
    for point in curve.points:
        founded = areas[areas["year"] <= point.year]
        expected = 100.0 * founded["area_ha"].fillna(0).sum() / LAND_HA
        supported = founded[founded["undp_supported"].fillna(False).astype(bool)]
        assert point.listed_pct == pytest.approx(expected, abs=0.001), point.year
        assert point.undp_pct == pytest.approx(100.0 * supported["area_ha"].fillna(0).sum() / LAND_HA, abs=0.001)
        assert point.undp_pct <= point.listed_pct
    by_year = {point.year: point for point in curve.points}
    # Aksu-Zhabagly alone in 1926: 131,934 ha of 272.49 million.
    assert by_year[1926].listed_pct == pytest.approx(100 * 131934 / LAND_HA, abs=0.001)
    # Ile-Balkhash (415,164.2 ha, UNDP-supported) and Tarbagatai join in 2018.
    added = by_year[2018].listed_pct - by_year[2017].listed_pct
    assert added == pytest.approx(100 * (415164.2 + 143550.5) / LAND_HA, abs=0.001)
    assert all(a.listed_pct <= b.listed_pct for a, b in zip(curve.points, curve.points[1:]))


def test_the_official_series_and_the_targets_come_from_targets_json(features, targets):
    curve = timeline.network_curve(features, targets, 1926, 2026, english)
    published = sorted(
        (int(record["year"]), float(record["share_pct"]))
        for record in targets["national_status"]
        if record.get("share_pct") is not None and record.get("year") is not None
    )
    assert sorted((point.year, point.share_pct) for point in curve.official) == published
    assert all(point.publisher for point in curve.official)
    national = targets["national_targets"][0]
    assert curve.national_target.year == int(national["by_year"]) == 2035
    assert curve.global_target.year == 2030 and curve.global_target.share_pct == 30.0


def test_each_year_lists_what_appeared_with_its_area_undp_part_and_source(features):
    events = timeline.year_events(features, english, "name_en")
    in_2018 = {item["id"]: item for item in events[2018]}
    balkhash = in_2018["pa-ile-balkhash"]
    assert balkhash["name"] == "Ile-Balkhash State Nature Reserve"
    assert "415,164 ha" in balkhash["facts"] and "supported by UNDP" in balkhash["facts"]
    assert balkhash["source"] and balkhash["url"].startswith("https://")
    assert [item["id"] for item in events[1926]] == ["pa-aksu-zhabagly"]
    every = [item["id"] for items in events.values() for item in items]
    assert sorted(every) == sorted(timeline.appearance_years(features))


def test_the_events_read_in_russian(features):
    events = timeline.year_events(features, translator("ru"), "name_ru")
    balkhash = next(item for item in events[2018] if item["id"] == "pa-ile-balkhash")
    assert "при поддержке ПРООН" in balkhash["facts"] and "га" in balkhash["facts"]
