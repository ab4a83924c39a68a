"""The chart specifications pages draw, checked through ``chart.to_dict()`` on made-up tables."""

from __future__ import annotations

import altair as alt
import pandas as pd
from shapely.geometry import Point
from test_spatial import make_features

from kzatlas import charts
from kzatlas.config import KIND_COLOURS, KINDS
from kzatlas.i18n import KIND_SHORT_LABELS, translator
from kzatlas.reports import TargetTracker

EN = translator("en")
RU = translator("ru")


def test_kind_bars_stack_by_kind_with_the_map_colours():
    table = pd.DataFrame(
        {"region": ["A", "A", "B"], "kind": ["national_park", "strict_nature_reserve", "national_park"]}
    )
    table["area_ha"] = [10.0, 5.0, 7.0]
    spec = charts.kind_bars(table, alt.X("region:N", title="Region"), "area_ha", "Official area (ha)", EN).to_dict()
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert encoding["x"]["field"] == "region"
    assert encoding["y"]["aggregate"] == "sum" and encoding["y"]["field"] == "area_ha"
    assert encoding["y"]["title"] == "Official area (ha)"
    assert encoding["color"]["field"] == "kind_label"
    scale = encoding["color"]["scale"]
    assert scale["domain"] == [KIND_SHORT_LABELS[kind] for kind in KINDS]
    assert scale["range"] == [KIND_COLOURS[kind] for kind in KINDS]
    assert spec["height"] == charts.CHART_HEIGHT_PX


def test_kind_bars_label_kinds_in_the_page_language():
    table = pd.DataFrame({"year": [2000], "kind": ["national_park"], "count": [1]})
    chart = charts.kind_bars(table, alt.X("year:O"), "count", "n", RU)
    assert chart.data["kind_label"].tolist() == [RU(KIND_SHORT_LABELS["national_park"])]
    assert chart.to_dict()["encoding"]["color"]["scale"]["domain"][0] == RU(KIND_SHORT_LABELS[KINDS[0]])


def test_nothing_to_chart_gives_none():
    empty = pd.DataFrame({"kind": [], "count": []})
    assert charts.kind_bars(empty, alt.X("year:O"), "count", "n", EN) is None
    assert charts.growth_chart(pd.DataFrame(), EN) is None
    assert charts.portfolio_timeline(pd.DataFrame({"first_year": [None]}), EN, "name_en") is None


def test_counts_chart_counts_by_year_without_regions():
    features = make_features(
        [
            {"id": "a", "kind": "national_park", "year": 2001, "geometry": Point(70, 45)},
            {"id": "b", "kind": "national_park", "year": 2001, "geometry": Point(71, 45)},
            {"id": "c", "kind": "undp_site", "year": 2010, "geometry": Point(72, 45)},
        ]
    )
    chart = charts.counts_chart(features, None, "region", EN, "name_en")
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["field"] == "year" and spec["encoding"]["x"]["type"] == "ordinal"
    assert spec["encoding"]["y"]["title"] == "Number of features"
    assert chart.data.groupby("year")["count"].sum().to_dict() == {2001: 2, 2010: 1}


def test_growth_chart_is_a_step_line_of_cumulative_hectares():
    growth = pd.DataFrame({"year": [1990, 2000], "cumulative_count": [1, 3], "cumulative_area_ha": [100.0, 400.0]})
    spec = charts.growth_chart(growth, EN).to_dict()
    assert spec["mark"] == {"type": "line", "interpolate": "step-after", "point": True}
    assert spec["encoding"]["y"]["field"] == "cumulative_area_ha"
    assert spec["encoding"]["x"]["axis"]["format"] == "d"


def _tracker(status: pd.DataFrame, national: float | None, global_pct: float | None) -> TargetTracker:
    return TargetTracker(
        status=status,
        latest=None,
        national_target=None,
        national_target_share_pct=national,
        national_target_share_computed=False,
        global_target=None if global_pct is None else {"target_pct": global_pct},
        undp_stated=None,
        undp_in_atlas_ha=0.0,
        undp_in_atlas_count=0,
    )


def test_target_chart_draws_the_series_and_one_dashed_rule_per_target():
    status = pd.DataFrame({"year": [2020, 2024, None], "share_pct": [9.5, 11.37, 12.0], "publisher": ["a", "b", "c"]})
    chart = charts.target_chart(_tracker(status, 12.2, 30), EN)
    spec = chart.to_dict()
    points, rules = spec["layer"]
    assert points["mark"]["type"] == "line"
    assert points["encoding"]["x"]["scale"]["domain"] == charts.TARGET_YEARS
    assert rules["mark"] == {"type": "rule", "strokeDash": [6, 4]}
    datasets = list(spec["datasets"].values())
    assert [row["share_pct"] for row in datasets[0]] == [9.5, 11.37]  # the row without a year is left out
    assert datasets[1] == [
        {"target": "National target", "share_pct": 12.2},
        {"target": "Global target (30x30)", "share_pct": 30.0},
    ]
    assert spec["height"] == charts.TARGET_CHART_HEIGHT_PX


def test_target_chart_needs_a_published_share():
    status = pd.DataFrame({"year": [2020], "share_pct": [None], "publisher": ["a"]})
    assert charts.target_chart(_tracker(status, 12.2, 30), EN) is None


def test_portfolio_timeline_runs_each_item_to_the_end_of_its_last_year():
    items = pd.DataFrame(
        {
            "name_en": ["Seed bank", "Aral Sea", "No year"],
            "first_year": [2018, 2020, None],
            "last_year": [2018, 2023, None],
            "themes": ["biodiversity;forests", "", "energy"],
        }
    )
    chart = charts.portfolio_timeline(items, EN, "name_en")
    assert chart.data.to_dict("list") == {
        "name": ["Seed bank", "Aral Sea"],
        "start": [2018, 2020],
        "end": [2019, 2024],
        "theme": ["Biodiversity", ""],
    }
    spec = chart.to_dict()
    assert spec["encoding"]["x2"]["field"] == "end"
    assert spec["encoding"]["color"]["title"] == "Theme"
    assert spec["height"] == 32 * 2 + 40
