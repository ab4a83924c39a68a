"""Ecological corridors: what each links, how much lies outside protected areas, and where."""

import streamlit as st

from kzatlas import reports, tables, ui
from kzatlas.config import AREA_KINDS, KIND_CORRIDOR
from kzatlas.ui import downloads, live_map, table_display

PAGE = "corridors"

context = ui.page_setup("Ecological corridors")
_ = context.translate
everything = context.all_features()
corridors = everything[everything["kind"] == KIND_CORRIDOR]

st.markdown(
    _(
        "Ecological corridors keep migration routes open between protected areas. No boundary is "
        "published for these corridors, so the map draws schematic bands along the places the sources "
        "say they link; what they meet on the map and the share outside reserves and parks are measured "
        "from those approximate shapes."
    )
)
if corridors.empty:
    st.info(_("No ecological corridor is loaded."))
else:
    table = reports.corridor_table(everything, _, context.name_column)
    band_area = {_("Area of the schematic band (ha)"): table_display.number_column(tables.grouped_format(_))}
    table_display.show_table(table, {**table_display.number_columns(_), **band_area}, translate=_)
    nearby = everything[everything["kind"].isin(AREA_KINDS)]
    live_map.render_map(PAGE, context, nearby)
    downloads.download_buttons(PAGE, context, corridors, _("Ecological corridors of Kazakhstan"))
ui.footer(context)
