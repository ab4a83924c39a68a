"""Map explorer: the atlas map with filters, a details panel and summary panels."""

import streamlit as st

from kzatlas import analysis, ui
from kzatlas.selection import filters_in_words, filters_text
from kzatlas.ui import bridge, details, downloads, links, live_map, presenting, summary_panels, table_display

PAGE = "map_explorer"

context = ui.page_setup("Map explorer")
_ = context.translate
everything = context.all_features()
allowed = links.read_link(PAGE, context, everything)
bridge.sync_view(PAGE)
presenting.restore_saved_deck(PAGE, allowed)
filters = links.sidebar_filters(PAGE, context, allowed)
live_map.follow_region_filter(PAGE, context, filters)
matching = context.filtered(filters)
selected = live_map.current_selection(PAGE, context, allowed.feature_ids)

st.caption(
    _(
        "Nature reserves, national parks, ecological corridors and UNDP project sites in Kazakhstan. "
        "Dashed outlines are approximate or schematic shapes, not boundaries. Click a shape for its details."
    )
)
if matching.empty:
    st.info(_("No feature matches these filters. Clear a filter in the sidebar to see more."))
live_map.render_map(PAGE, context, matching, selected)
if selected:
    details.details_panel(PAGE, context, everything, selected, frozenset(matching["id"]))

unlocated = context.remembered("unlocated", filters, lambda: analysis.unlocated(matching))
if not unlocated.empty:
    st.caption(
        _("{count} matching items have no verifiable location and are listed below without a map position.").format(
            count=len(unlocated)
        )
    )

st.subheader(_("Summary"))
summary_panels.summary_metrics(context, matching, filters)
summary_panels.summary_chart(PAGE, context, matching, filters)
st.subheader(_("Matching features"))
table_display.feature_list(context, matching, filters)
presenting.add_scene_control(PAGE, context, allowed, filters, selected)
downloads.download_buttons(
    PAGE, context, matching, _("Atlas features matching the map explorer's filters"), filters_text(filters)
)
in_words = filters_in_words(filters, _, context.region_names(), allowed.year_bounds)
downloads.offline_map_export(PAGE, context, matching, selected, in_words)
ui.footer(context)
presenting.keep_deck_in_browser(
    PAGE, allowed, report_view=True, scroll_to=details.DETAILS_ANCHOR, scroll_nonce=live_map.details_scroll_nonce(PAGE)
)
