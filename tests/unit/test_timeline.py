"""The time line's numbers: years, the curve and the events, checked against the catalogue and targets.json."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kzatlas import area_history, timeline
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
        then = founded.assign(area_ha=[
            area_history.area_in_year(area_history.parse(text), area, point.year)
            for text, area in zip(founded["area_history_json"], founded["area_ha"])
        ])
        expected = 100.0 * then["area_ha"].fillna(0).sum() / LAND_HA
        supported = then[then["undp_supported"].fillna(False).astype(bool)]
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


def share_of(features, feature_id: str, year: int) -> float:
    """The curve's share for one feature alone, in hectares."""
    alone = features[features["id"] == feature_id]
    points = {point.year: point for point in timeline.network_curve(alone, None, 1926, 2026, english).points}
    return points[year].listed_pct * LAND_HA / 100.0


@pytest.mark.parametrize(
    ("feature_id", "sizes"),
    [
        # Created with 93,150 ha by decree No. 213 of 2004, expanded to 127,050 ha by decree No. 121 of 2009.
        ("pa-charyn", {2003: 0, 2004: 93150, 2008: 93150, 2009: 127050, 2026: 127050}),
        # 71,367 ha in 1976, 75,048 ha from 1987, 102,971 ha after decree No. 1214 of 2007.
        ("pa-markakol", {1976: 71367, 1986: 71367, 1987: 75048, 2006: 75048, 2007: 102971}),
        # 258,963 ha as published before the 2008 expansion to 543,171 ha.
        ("pa-korgalzhyn", {1968: 258963, 2007: 258963, 2008: 543171}),
        # The 2026 decree adds land but no new total is published: the area stays as published.
        ("pa-ile-balkhash", {2018: 415164.2, 2026: 415164.2}),
        # No dated change: the latest official area from the first year.
        ("pa-aksu-zhabagly", {1926: 131934, 2026: 131934}),
    ],
)
def test_an_area_counts_at_its_size_in_each_year_from_its_dated_changes(features, feature_id, sizes):
    for year, hectares in sizes.items():
        # The curve keeps three decimals of a percent: 0.001 % of the territory is about 2,725 ha.
        assert share_of(features, feature_id, year) == pytest.approx(hectares, abs=LAND_HA * 1e-5), (feature_id, year)


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
    # Each dated change is an event of its own year, with its act and the source it rests on.
    charyn = {item["id"]: item for item in events[2009]}["pa-charyn"]
    assert charyn["facts"] == "expanded to 127,050 ha (Government decree No. 121 of 2009-02-06)"
    assert charyn["url"] == "http://charyn.kz/eng/about-the-park/"
    created = {item["id"]: item for item in events[2004]}["pa-charyn"]
    assert "created with 93,150 ha (Government decree No. 213 of 2004-02-23)" in created["facts"]
    later = {item["id"]: item for item in events[2026]}["pa-ile-balkhash"]
    assert later["facts"].startswith("expanded by 35,088.47 ha (new total not published)")
    assert "zakon.kz" in later["url"]
    assert [item["id"] for item in events[1926]] == ["pa-aksu-zhabagly"]
    # Every dated feature appears once in its first year; its dated changes come in later years.
    years = timeline.appearance_years(features)
    firsts = [item["id"] for year, items in events.items() for item in items if years.get(item["id"]) == year]
    assert sorted(firsts) == sorted(years)


def test_the_events_read_in_russian_and_kazakh_with_their_numbers_and_dates():
    from kzatlas.catalog import feature_frame, load_catalogue

    features = feature_frame(load_catalogue())
    russian = {item["id"]: item for item in timeline.year_events(features, translator("ru"), "name_ru")[2009]}
    assert russian["pa-charyn"]["facts"] == "расширен до 127\u00a0050 га (Постановление Правительства № 121 от 06.02.2009)"
    kazakh = {item["id"]: item for item in timeline.year_events(features, translator("kk"), "name_kk")[2009]}
    assert kazakh["pa-charyn"]["facts"] == "127\u00a0050 га дейін кеңейтілді (06.02.2009 № 121 Үкімет қаулысы)"


def test_the_events_read_in_russian(features):
    events = timeline.year_events(features, translator("ru"), "name_ru")
    balkhash = next(item for item in events[2018] if item["id"] == "pa-ile-balkhash")
    assert "при поддержке ПРООН" in balkhash["facts"] and "га" in balkhash["facts"]


def test_undp_work_with_a_known_end_ends_in_that_year(features):
    ends = timeline.end_years(features)
    assert ends == {"undp-biodiversity-forest-restoration": 2024}  # implemented 2018-2024 (UNDP, 17 Oct 2024)
    events = timeline.year_events(features, english, "name_en")
    ended = {item["id"]: item for item in events[2024]}["undp-biodiversity-forest-restoration"]
    assert ended["facts"] == "work ended in 2024 (begun in 2018)" and ended["url"].startswith("https://")
    # An end year before the first year is not believed.
    odd = features[features["id"] == "undp-biodiversity-forest-restoration"].assign(end_year=2001)
    assert timeline.end_years(odd) == {}
