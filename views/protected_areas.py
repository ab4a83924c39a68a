"""Protected areas: every reserve and park, the network's growth, and the national target."""

import altair as alt
import streamlit as st

from kzatlas import analysis, spatial, ui
from kzatlas.area_history import AREA_RULE
from kzatlas.catalog import region_frame
from kzatlas.formats import format_hectares, format_number
from kzatlas.ui import downloads, summary_panels, table_display

PAGE = "protected_areas"

context = ui.page_setup("Protected areas")
_ = context.translate
everything = context.all_features()
regions = region_frame(context.catalogue)


def _figures():
    """Everything this page shows, worked out once per language and data version (read-only)."""
    areas = analysis.protected_areas(everything)
    by_region = None if regions is None else analysis.area_by_region(areas, regions, context.name_column)
    return (
        areas,
        analysis.protected_hectares(areas),
        spatial.undp_work(areas).sum(),
        by_region,
        analysis.area_by_kind(areas),
        analysis.cumulative_growth(areas),
    )


areas, hectares, supported, by_region, by_kind_table, growth_table = context.remembered("protected areas", None, _figures)

first, second, third = st.columns(3)
first.metric(_("Reserves and national parks"), format_number(len(areas), _))
second.metric(_("Official area"), format_hectares(hectares, _))
third.metric(_("Supported by UNDP"), format_number(supported, _))

st.subheader(_("Target tracker"))
summary_panels.target_tracker(context, everything)

st.subheader(_("All reserves and parks"))
table_display.protected_area_table(context, areas)
downloads.download_buttons(PAGE, context, areas, _("Nature reserves and national parks of Kazakhstan"))

st.subheader(_("Area by region"))
if by_region is not None:
    summary_panels.kind_bars(
        by_region,
        alt.X("region:N", sort="-y", title=_("Region")),
        "area_ha",
        _("Official area (ha)"),
        _,
    )
    st.caption(_("An area that spans several regions counts in full in each of them."))
by_kind, growth = st.columns(2)
with by_kind:
    st.subheader(_("By kind"))
    summary_panels.kind_bars(
        by_kind_table, alt.X("kind_label:N", title=_("Kind")), "area_ha", _("Official area (ha)"), _
    )
with growth:
    st.subheader(_("Growth of the network"))
    summary_panels.growth_chart(growth_table, _)
    st.caption(_(AREA_RULE))
ui.footer(context)
