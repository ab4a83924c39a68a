"""Map explorer: the atlas map with filters, a details panel and summary panels."""

import streamlit as st

from kzatlas import analysis, ui

PAGE = "map_explorer"

context = ui.page_setup("Map explorer")
_ = context.translate
everything = ui.all_features(context)
allowed = ui.read_link(PAGE, context, everything)
filters = ui.sidebar_filters(PAGE, context, allowed)
matching = context.filtered(filters)
selected = ui.current_selection(PAGE, allowed.feature_ids, ui.map_key(PAGE, context))

st.caption(
    _(
        "Nature reserves, national parks, ecological corridors and UNDP project sites in Kazakhstan. "
        "Dashed outlines are approximate or schematic shapes, not boundaries. Click a shape for its details."
    )
)
if matching.empty:
    st.info(_("No feature matches these filters. Clear a filter in the sidebar to see more."))
ui.render_map(PAGE, context, matching, selected)
if selected:
    ui.details_panel(PAGE, context, everything, selected, frozenset(matching["id"]))

unlocated = analysis.unlocated(matching)
if not unlocated.empty:
    st.caption(
        _("{count} matching items have no verifiable location and are listed below without a map position.").format(
            count=len(unlocated)
        )
    )

st.subheader(_("Summary"))
ui.summary_metrics(context, matching, filters)
ui.summary_chart(PAGE, context, matching)
st.subheader(_("Matching features"))
ui.feature_list(context, matching)
ui.add_scene_control(PAGE, context, allowed, filters, selected)
ui.download_buttons(
    PAGE, context, matching, _("Atlas features matching the map explorer's filters"), ui.filters_text(filters)
)
ui.offline_map_export(PAGE, context, matching, selected, ui.filters_text(filters))
ui.footer(context)
