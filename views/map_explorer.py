"""Map explorer: the atlas map with filters, a details panel and summary panels."""

import streamlit as st

from kzatlas import analysis, timeline, ui
from kzatlas.i18n import shown_names
from kzatlas.safety import escape_markdown
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
# In a container: a notice that comes and goes must not move the map frame (a moved frame reloads).
with st.container():
    if matching.empty:
        st.info(_("No feature matches these filters. Clear a filter in the sidebar to see more."))
live_map.render_map(PAGE, context, matching, selected, time_line=True)
if selected:
    details.details_panel(PAGE, context, everything, selected, frozenset(matching["id"]))

unlocated = context.remembered("unlocated", filters, lambda: analysis.unlocated(matching))
if not unlocated.empty:
    st.caption(
        _("{count} matching items have no verifiable location and are listed below without a map position.").format(
            count=len(unlocated)
        )
    )


def _undated() -> tuple[int, str]:
    items = timeline.undated(matching)
    return len(items), ", ".join(shown_names(items, context.name_column, _))


undated = context.remembered("undated", filters, _undated)
if undated[0]:
    st.caption(
        _(
            "Time line: {count} matching items have no known year, so they are on the map only at today's "
            "position of the time line, never in a guessed year: {names}."
        ).format(count=undated[0], names=escape_markdown(undated[1]))
    )

# With thousands of features, what is below the map comes once the map is on screen (the browser
# then draws the map first instead of sharing its time with the summary, the chart and the table).
later = live_map.below_map_later(PAGE, matching)
if later:
    st.caption(_("The summary, the list of features and the downloads follow as soon as the map is drawn."))
else:
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
    PAGE,
    allowed,
    report_view=True,
    scroll_to=details.DETAILS_ANCHOR,
    scroll_nonce=live_map.details_scroll_nonce(PAGE),
    report_drawn=later,
)
