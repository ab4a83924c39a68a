"""The details panel under the map: everything about the selected feature."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from kzatlas import reports, tables
from kzatlas.config import KIND_UNDP_SITE, NEARBY_KM
from kzatlas.facts import surroundings
from kzatlas.i18n import TRANSLATION_NOTE, has_translation_marker, shown_name
from kzatlas.safety import escape_markdown
from kzatlas.ui.frame import PageContext
from kzatlas.ui.table_display import link_column, show_table

NEARBY_KM_RANGE = (10, 500)
DETAILS_ANCHOR = "kz-details"  # the panel heading's id, scrolled into view after a click
NEARBY_KM_STEP = 10


def details_panel(
    page: str,
    context: PageContext,
    features: gpd.GeoDataFrame,
    selected_id: str,
    shown_ids: frozenset[str] | None = None,
) -> None:
    """Everything about the selected feature: facts, sources, and what UNDP does there (or nearby)."""
    translate = context.translate
    match = features[features["id"] == selected_id]
    if match.empty:
        return
    row = match.iloc[0]
    title = shown_name(row, context.name_column, translate)
    st.subheader(escape_markdown(title), anchor=DETAILS_ANCHOR)
    if shown_ids is not None and selected_id not in shown_ids:
        st.caption(translate("Not on the map with the current filters."))
    facts = reports.feature_facts(row, translate, context.region_names())
    sources = reports.feature_sources(row, translate)
    facts_column, sources_column = st.columns([3, 2])
    show_table(facts, container=facts_column)
    show_table(sources, {translate("Link"): link_column(translate("Link"))}, container=sources_column)
    shown_texts = [title, *facts.iloc[:, 1].astype(str), *sources[translate("What it supports")].astype(str)]
    if any(has_translation_marker(text, translate) for text in shown_texts):
        st.caption(escape_markdown(translate(TRANSLATION_NOTE)))
    within = NEARBY_KM
    has_position = row.geometry is not None and not row.geometry.is_empty
    if has_position and row["kind"] == KIND_UNDP_SITE:
        within = st.slider(
            translate("Protected areas and corridors within (km)"),
            *NEARBY_KM_RANGE,
            NEARBY_KM,
            step=NEARBY_KM_STEP,
            key=f"{page}.nearby_km",
        )
    hood = surroundings.neighbourhood(selected_id, features, within)
    if hood.located:
        if hood.is_undp_site:
            heading = translate("Protected areas and corridors nearby")
        else:
            heading = translate("What UNDP does here")
        st.markdown("**" + escape_markdown(heading) + "**")
        if hood.nearby:
            nearby = tables.nearby_table(features, list(hood.nearby), translate, context.name_column)
            show_table(nearby)
    for note in surroundings.neighbourhood_notes(hood, features, translate, context.name_column):
        st.caption(escape_markdown(note))
