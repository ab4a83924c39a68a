"""The details panel under the map: everything about the selected feature."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from kzatlas import reports, tables
from kzatlas.config import KIND_UNDP_SITE, NEARBY_KM
from kzatlas.facts import surroundings
from kzatlas.i18n import local_name
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
    st.subheader(escape_markdown(local_name(row, context.name_column)), anchor=DETAILS_ANCHOR)
    if shown_ids is not None and selected_id not in shown_ids:
        st.caption(translate("Not on the map with the current filters."))
    facts_column, sources_column = st.columns([3, 2])
    show_table(reports.feature_facts(row, translate, context.region_names()), container=facts_column)
    show_table(
        reports.feature_sources(row, translate),
        {translate("Link"): link_column(translate("Link"))},
        container=sources_column,
    )
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
