"""The charts pages show, as Altair specifications.

Pure builders: a table in, an ``alt.Chart`` out, or ``None`` when there is nothing to chart.
Each takes ``translate`` (the page's translation function, for titles and labels) and, where
names are shown, ``name_column`` (the names in the page's language). The Streamlit layer only
draws the charts.
"""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol

from kzatlas import analysis
from kzatlas.catalog import split_list
from kzatlas.config import KIND_COLOURS, KINDS
from kzatlas.i18n import KIND_SHORT_LABELS, Translate, babel_locale, shown_name, theme_label

CHART_HEIGHT_PX = 300
TARGET_CHART_HEIGHT_PX = 280
TARGET_YEARS = [2015, 2036]
TARGET_SHARE_PCT = [0, 32]
TIMELINE_NAME_CHARS = 60


def number_locale(translate: Translate) -> dict:
    """Vega's number locale for the page's language (decimal mark and digit grouping from Babel).

    With it, axis labels and ``,``-grouped tooltip formats (``",.0f"``) group digits the way
    the language does (``191 381`` in Russian and Kazakh) instead of always with commas.
    """
    locale = babel_locale(translate)
    return {
        "decimal": get_decimal_symbol(locale),
        "thousands": get_group_symbol(locale),
        "grouping": [3],
        "currency": ["", ""],
    }


def localised(chart, translate: Translate):
    """``chart`` configured with the page's number locale (call last: a configured chart is final)."""
    return chart.configure(locale={"number": number_locale(translate)})


def kind_scale(translate: Translate) -> alt.Scale:
    """The colour of each kind, keyed by its translated short label (as in the map's legend)."""
    return alt.Scale(
        domain=[translate(KIND_SHORT_LABELS[kind]) for kind in KINDS],
        range=[KIND_COLOURS[kind] for kind in KINDS],
    )


def kind_bars(table: pd.DataFrame, x: alt.X, value: str, value_title: str, translate: Translate) -> alt.Chart | None:
    """Stacked bars coloured by kind: ``value`` summed on the y axis (titled ``value_title``).

    ``table`` has a ``kind`` column, the column ``value`` and whatever ``x`` encodes (region,
    year or kind).
    """
    if table.empty:
        return None
    data = table.assign(kind_label=[translate(KIND_SHORT_LABELS[kind]) for kind in table["kind"]])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(f"sum({value}):Q", title=value_title),
            color=alt.Color("kind_label:N", scale=kind_scale(translate), title=translate("Kind")),
            tooltip=[
                alt.Tooltip("kind_label:N", title=translate("Kind")),
                alt.Tooltip(f"sum({value}):Q", title=value_title, format=",.0f"),
            ],
        )
        .properties(height=CHART_HEIGHT_PX)
    )
    return localised(chart, translate)


def counts_chart(
    matching: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None, by: str, translate: Translate, name_column: str
) -> alt.Chart | None:
    """Features counted by region (``by="region"``, when regions are loaded) or else by year, by kind."""
    if by == "region" and regions is not None:
        table = analysis.counts_by_region(matching, regions, name_column)
        x = alt.X("region:N", sort="-y", title=translate("Region"))
    else:
        table = analysis.counts_by_year(matching)
        x = alt.X("year:O", title=translate("Year"))
    return kind_bars(table, x, "count", translate("Number of features"), translate)


def growth_chart(growth: pd.DataFrame, translate: Translate) -> alt.Chart | None:
    """Cumulative hectares of the network by year (:func:`kzatlas.analysis.cumulative_growth`).

    The years are those an area was established or its area changed, so the axis says "Year".
    """
    if growth.empty:
        return None
    chart = (
        alt.Chart(growth)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("year:Q", title=translate("Year"), axis=alt.Axis(format="d")),
            y=alt.Y("cumulative_area_ha:Q", title=translate("Cumulative official area (ha)")),
            tooltip=[
                alt.Tooltip("year:Q", title=translate("Year"), format="d"),
                alt.Tooltip("cumulative_count:Q", title=translate("Areas")),
                alt.Tooltip("cumulative_area_ha:Q", title=translate("Hectares"), format=",.0f"),
            ],
        )
        .properties(height=CHART_HEIGHT_PX)
    )
    return localised(chart, translate)


def target_chart(tracker, translate: Translate) -> alt.LayerChart | None:
    """The published protected share by year, with the national and global targets as dashed rules.

    ``tracker`` is a :class:`kzatlas.reports.TargetTracker`; its ``status`` table has ``year``,
    ``share_pct`` and ``publisher``. Years without a published share are left out.
    """
    series = tracker.status.dropna(subset=["share_pct", "year"])
    if series.empty:
        return None
    points = (
        alt.Chart(series)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title=translate("Year"), axis=alt.Axis(format="d"), scale=alt.Scale(domain=TARGET_YEARS)),
            y=alt.Y(
                "share_pct:Q",
                title=translate("Share of territory protected (%)"),
                scale=alt.Scale(domain=TARGET_SHARE_PCT),
            ),
            tooltip=[
                alt.Tooltip("year:Q", title=translate("Year"), format="d"),
                alt.Tooltip("share_pct:Q", title=translate("Share of territory protected (%)"), format=",.2f"),
                alt.Tooltip("publisher:N", title=translate("Source")),
            ],
        )
    )
    rules = []
    if tracker.national_target_share_pct is not None:
        rules.append({"target": translate("National target"), "share_pct": tracker.national_target_share_pct})
    if tracker.global_target:
        rules.append(
            {"target": translate("Global target (30x30)"), "share_pct": float(tracker.global_target["target_pct"])}
        )
    lines = (
        alt.Chart(pd.DataFrame(rules))
        .mark_rule(strokeDash=[6, 4])
        .encode(y="share_pct:Q", color=alt.Color("target:N", title=translate("Target")))
    )
    return localised((points + lines).properties(height=TARGET_CHART_HEIGHT_PX), translate)


def portfolio_timeline(items: pd.DataFrame, translate: Translate, name_column: str) -> alt.Chart | None:
    """One bar per dated UNDP item from its first to its last known year, coloured by its first theme."""
    dated = items.dropna(subset=["first_year"])
    if dated.empty:
        return None
    data = pd.DataFrame(
        {
            "name": [shown_name(row, name_column, translate)[:TIMELINE_NAME_CHARS] for _, row in dated.iterrows()],
            "start": dated["first_year"].astype(int).to_numpy(),
            "end": (dated["last_year"].astype(int) + 1).to_numpy(),
            "theme": [theme_label(split_list(v)[0], translate) if split_list(v) else "" for v in dated["themes"]],
        }
    )
    chart = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            x=alt.X("start:Q", title=translate("Year"), axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)),
            x2="end:Q",
            y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("start")),
            color=alt.Color("theme:N", title=translate("Theme")),
            tooltip=[
                alt.Tooltip("name:N", title=translate("Name")),
                alt.Tooltip("start:Q", title=translate("Year"), format="d"),
                alt.Tooltip("theme:N", title=translate("Theme")),
            ],
        )
        .properties(height=32 * len(data) + 40)
    )
    return localised(chart, translate)
