"""Summary numbers and charts on the pages.

The charts are specified in :mod:`kzatlas.charts` and the target statement in
:mod:`kzatlas.facts`; this module draws them.
"""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from kzatlas import analysis, charts, facts
from kzatlas.analysis import Filters
from kzatlas.catalog import region_frame
from kzatlas.config import KINDS
from kzatlas.i18n import KIND_SHORT_LABELS, Translate, format_hectares
from kzatlas.safety import escape_markdown, markdown_link
from kzatlas.ui.frame import PageContext


def show_chart(chart: alt.TopLevelMixin | None, translate: Translate) -> None:
    """Draw ``chart`` across the page, or say there is nothing to chart."""
    if chart is None:
        st.caption(translate("Nothing to chart."))
        return
    st.altair_chart(chart, width="stretch")


def _summary_notes(matching: gpd.GeoDataFrame, filters: Filters, translate: Translate) -> str:
    """What the headline area does and does not include."""
    notes = []
    missing = analysis.missing_official_area(matching)
    if missing:
        notes.append(
            translate("{count} reserves or parks have no published area and are not in the total.").format(
                count=missing
            )
        )
    if filters.regions:
        notes.append(translate("Areas that span several regions count in full when one of them is selected."))
    notes.append(translate("Ecological corridors are not protected areas and are not in the total."))
    notes.append(
        translate(
            "The total covers only the reserves and national parks in this atlas; other kinds of protected "
            "area in Kazakhstan (sanctuaries, regional parks, natural monuments) are not included."
        )
    )
    return " ".join(notes)


def summary_metrics(context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> None:
    """Headline numbers that follow the filters: counts by kind, hectares, share of land."""
    translate = context.translate
    hectares = analysis.protected_hectares(matching)
    regions = region_frame(context.catalogue)
    share = None if regions is None else analysis.protected_share(matching, regions, filters.regions)
    where = translate("selected regions") if filters.regions else translate("Kazakhstan")
    first, second, third = st.columns(3)
    first.metric(translate("Matching features"), len(matching))
    second.metric(translate("Official area of reserves and parks"), format_hectares(hectares, translate))
    third.metric(
        translate("Share of land area ({where})").format(where=where),
        "—" if share is None else f"{share:.2%}",
    )
    counts = analysis.counts_by_kind(matching)
    if not counts.empty:
        for column, (_, row) in zip(st.columns(len(KINDS)), counts.iterrows()):
            column.metric(translate(KIND_SHORT_LABELS[row["kind"]]), int(row["count"]))
    st.caption(_summary_notes(matching, filters, translate))


def summary_chart(page: str, context: PageContext, matching: gpd.GeoDataFrame) -> None:
    """Matching features counted by region or by year, as the reader picks."""
    translate = context.translate
    by = st.radio(
        translate("Chart"),
        ("region", "year"),
        format_func=lambda value: translate("By region") if value == "region" else translate("By year"),
        horizontal=True,
        key=f"{page}.chart_by",
    )
    chart = charts.counts_chart(matching, region_frame(context.catalogue), by, translate, context.name_column)
    show_chart(chart, translate)


def kind_bars(table: pd.DataFrame, x: alt.X, value: str, value_title: str, translate: Translate) -> None:
    """Stacked bars coloured by kind (``table`` has ``kind`` and ``value`` columns)."""
    show_chart(charts.kind_bars(table, x, value, value_title, translate), translate)


def growth_chart(growth: pd.DataFrame, translate: Translate) -> None:
    """Cumulative hectares of the network by year established (step line)."""
    show_chart(charts.growth_chart(growth, translate), translate)


def _markdown(sentences: tuple[facts.Sentence, ...]) -> str:
    """Sentences as Markdown: data text escaped, each source a link where its address may be one."""
    return " ".join(
        sentence.render(escape_markdown, lambda source: markdown_link(source.label, source.url))
        for sentence in sentences
    )


def target_tracker(context: PageContext, features: gpd.GeoDataFrame) -> None:
    """Kazakhstan's protected share against its national target and 30 % by 2030, with sources."""
    translate = context.translate
    statement = facts.target_statement(context.catalogue.tables.get("targets"), features, translate)
    if not statement.available:
        st.info(translate("The target figures are not available."))
        return
    for column, figure in zip(st.columns(3), statement.figures):
        column.metric(escape_markdown(figure.label), figure.value)
    st.markdown(_markdown(statement.notes))
    chart = charts.target_chart(statement.tracker, translate)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    st.markdown(_markdown(statement.contribution))


def portfolio_timeline(context: PageContext, items: pd.DataFrame) -> None:
    """One bar per item from its first to its last known year."""
    translate = context.translate
    chart = charts.portfolio_timeline(items, translate, context.name_column)
    show_chart(chart, translate)
    if chart is not None:
        st.caption(
            translate("Bars run from the first to the last year a source gives; items with no year are not shown.")
        )
