"""Summary numbers and charts on the pages.

The charts are specified in :mod:`kzatlas.charts` and the target statement in
:mod:`kzatlas.facts.surroundings`; this module draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from kzatlas import analysis, charts, spatial
from kzatlas.analysis import Filters
from kzatlas.catalog import feature_frame, region_frame
from kzatlas.config import KINDS, PROTECTED_KINDS
from kzatlas.facts import protection
from kzatlas.facts.sentences import Figure, Sentence
from kzatlas.formats import format_hectares, format_number
from kzatlas.i18n import KIND_SHORT_LABELS, Translate
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
    return " ".join(notes)


@dataclass(frozen=True)
class SummaryFigures:
    """The headline numbers of one filter set, worked out once (see :func:`summary_figures`)."""

    matching: int
    hectares: float
    counts: tuple[tuple[str, int], ...]
    notes: str
    story: protection.ProtectionStory


def summary_figures(context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> SummaryFigures:
    """Counts by kind, hectares, notes and the protection story for the features ``filters`` match."""
    translate = context.translate
    regions = region_frame(context.catalogue)
    land_ha = None
    if filters.regions and regions is not None:
        land_ha = analysis.land_area_hectares(regions, filters.regions)
    story = protection.protection_story(
        context.catalogue.tables.get("targets"),
        matching,
        translate,
        land_ha,
        regional=bool(filters.regions),
        subset=_fewer_reserves_and_parks(context, matching, filters),
    )
    counts = [
        (translate(KIND_SHORT_LABELS[kind]), int(count))
        for kind, count in spatial.counts_by_kind_apart_from_partners(matching).itertuples(index=False)
    ]
    partners = spatial.undp_footprint(matching).partners
    if partners:
        counts.append((translate("UN partner sites"), partners))
    return SummaryFigures(
        matching=len(matching),
        hectares=analysis.protected_hectares(matching),
        counts=tuple(counts),
        notes=_summary_notes(matching, filters, translate),
        story=story,
    )


def summary_metrics(context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> None:
    """Headline numbers that follow the filters: counts by kind, hectares, the protection story.

    Worked out once per filter set, language and data version, and shared by every session.
    """
    translate = context.translate
    figures = context.remembered("summary", filters, lambda: summary_figures(context, matching, filters))
    first, second = st.columns(2)
    first.metric(translate("Matching features"), format_number(figures.matching, translate))
    second.metric(translate("Official area of reserves and parks"), format_hectares(figures.hectares, translate))
    if figures.counts:
        for column, (label, count) in zip(st.columns(len(KINDS) + 1), figures.counts):
            column.metric(label, format_number(count, translate))
    st.caption(figures.notes)
    protection_story(figures.story)


def _fewer_reserves_and_parks(context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> bool:
    """Whether filters other than the region leave out some of the place's reserves and parks."""
    regions = filters.regions
    protected = context.remembered(("reserve and park ids", regions), None, lambda: _protected_ids(context, regions))
    return bool(protected - set(matching["id"]))


def _protected_ids(context: PageContext, regions: tuple[str, ...]) -> frozenset[str]:
    """The ids of the reserves and parks in ``regions`` (all of them when there are none)."""
    everything = feature_frame(context.catalogue)[["id", "kind", "region_codes"]]
    in_place = analysis.filter_features(everything, Filters(regions=regions))
    return frozenset(in_place.loc[in_place["kind"].isin(PROTECTED_KINDS), "id"])


def protection_story(story: protection.ProtectionStory) -> None:
    """The protected share: the official figure beside the atlas's own, with why they differ."""
    figure_row(story.figures)
    sentences(story.notes)


def figure_row(figures: list[Figure] | tuple[Figure, ...]) -> None:
    """Key numbers side by side, one metric each."""
    for column, figure in zip(st.columns(max(len(figures), 1)), figures):
        column.metric(escape_markdown(figure.label), figure.value)


def sentences(notes: tuple[Sentence, ...]) -> None:
    """Sourced sentences as a caption (sources as links)."""
    if notes:
        st.caption(_markdown(notes))


def summary_chart(page: str, context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> None:
    """Matching features counted by region or by year, as the reader picks (each chart made once per filter set)."""
    translate = context.translate
    by = st.radio(
        translate("Chart"),
        ("region", "year"),
        format_func=lambda value: translate("By region") if value == "region" else translate("By year"),
        horizontal=True,
        key=f"{page}.chart_by",
    )
    chart = context.remembered(
        ("counts chart", by),
        filters,
        lambda: charts.counts_chart(matching, region_frame(context.catalogue), by, translate, context.name_column),
    )
    show_chart(chart, translate)


def kind_bars(table: pd.DataFrame, x: alt.X, value: str, value_title: str, translate: Translate) -> None:
    """Stacked bars coloured by kind (``table`` has ``kind`` and ``value`` columns)."""
    show_chart(charts.kind_bars(table, x, value, value_title, translate), translate)


def growth_chart(growth: pd.DataFrame, translate: Translate) -> None:
    """Cumulative hectares of the network by year established (step line)."""
    show_chart(charts.growth_chart(growth, translate), translate)


def _markdown(sentences: tuple[Sentence, ...]) -> str:
    """Sentences as Markdown: data text escaped, each source a link where its address may be one."""
    return " ".join(
        sentence.render(escape_markdown, lambda source: markdown_link(source.label, source.url))
        for sentence in sentences
    )


def target_tracker(context: PageContext, features: gpd.GeoDataFrame) -> None:
    """Kazakhstan's protected share against its national target and 30 % by 2030, with sources."""
    translate = context.translate

    def tracker():
        statement = protection.target_statement(context.catalogue.tables.get("targets"), features, translate)
        return statement, charts.target_chart(statement.tracker, translate) if statement.available else None

    statement, chart = context.remembered(("target tracker", tuple(features["id"])), None, tracker)
    if not statement.available:
        st.info(translate("The target figures are not available."))
        return
    for column, figure in zip(st.columns(3), statement.figures):
        column.metric(escape_markdown(figure.label), figure.value)
    if statement.protection is not None:
        st.metric(escape_markdown(statement.protection.atlas.label), statement.protection.atlas.value)
        st.caption(_markdown(statement.protection.notes))
    st.markdown(_markdown(statement.notes))
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    st.markdown(_markdown(statement.contribution))


def portfolio_timeline(context: PageContext, items: pd.DataFrame) -> None:
    """One bar per item from its first to its last known year."""
    translate = context.translate
    chart = context.remembered(
        ("portfolio timeline", tuple(items["id"])),
        None,
        lambda: charts.portfolio_timeline(items, translate, context.name_column),
    )
    show_chart(chart, translate)
    if chart is not None:
        st.caption(
            translate("Bars run from the first to the last year a source gives; items with no year are not shown.")
        )
