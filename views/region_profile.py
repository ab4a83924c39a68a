"""Region profile: what is protected in a region and what UNDP does there."""

import streamlit as st

from kzatlas import spatial, ui
from kzatlas.catalog import region_frame
from kzatlas.config import REGIONS_LAYER
from kzatlas.facts import region_facts
from kzatlas.ui import downloads, links, live_map, summary_panels, table_display

PAGE = "region_profile"

context = ui.page_setup("Region profile")
_ = context.translate
everything = context.all_features()
regions = region_frame(context.catalogue)
if regions is None:
    st.error(_("Region boundaries are not available, so regions cannot be profiled."))
    ui.footer(context)
    st.stop()

names = context.region_names()
iso_code = links.region_choice(PAGE, context, sorted(names, key=names.get))


def _profile():
    """The region's profile, its features and its statement (once per region, language and data version)."""
    profile = spatial.region_profile(iso_code, everything, regions)
    manifest = context.catalogue.manifest
    layer = manifest.layers.get(REGIONS_LAYER) if manifest else None
    statement = region_facts.region_statement(
        profile,
        regions[regions["iso_code"] == iso_code].iloc[0],
        everything,
        context.catalogue.tables.get("targets"),
        _,
        layer.sources if layer else (),
    )
    sections = tuple(
        (title, ids, everything[everything["id"].isin(ids)])
        for title, ids in (
            (_("Reserves and national parks"), profile.protected_ids),
            (_("Ecological corridors"), profile.corridor_ids),
            (_("UNDP's work: sites, programmes and UNDP-supported areas"), profile.undp_ids),
            (_("UN partner sites (not UNDP projects)"), profile.partner_ids),
        )
    )
    return profile, everything[everything["id"].isin(profile.listed_ids)], statement, sections


profile, in_region, statement, sections = context.remembered(("region profile", iso_code), None, _profile)
shown = {figure.label: figure for figure in statement.figures}
summary_panels.figure_row(
    [shown[_(label)] for label in ("Land area", "Reserves and parks", region_facts.UNDP_WORK_LABEL)]
    + [statement.protection.atlas]
)
summary_panels.sentences(statement.notes)
live_map.render_region_locator(PAGE, context, in_region, iso_code)
st.caption(_("Click a region on the map to profile it."))

for title, ids, items in sections:
    if items.empty and ids is profile.partner_ids:
        continue
    st.subheader(title)
    if items.empty:
        st.caption(_("None in this region."))
    else:
        table_display.feature_links_table(context, items)
st.caption(_("National UNDP programmes without a single location are listed under Projects and programmes."))
downloads.download_buttons(PAGE, context, in_region, _("Atlas features in {region}").format(region=names[iso_code]))
ui.footer(context)
