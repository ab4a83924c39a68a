"""Region profile: what is protected in a region and what UNDP does there."""

import streamlit as st

from kzatlas import spatial, ui
from kzatlas.catalog import region_frame
from kzatlas.i18n import format_number
from kzatlas.ui import downloads, links, mapview, tables

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
profile = spatial.region_profile(iso_code, everything, regions)
in_region = everything[everything["id"].isin(profile.protected_ids + profile.corridor_ids + profile.undp_ids)]

first, second, third, fourth = st.columns(4)
first.metric(_("Land area"), _("{km2} km²").format(km2=format_number(profile.land_ha / 100, _)))
second.metric(_("Reserves and parks"), len(profile.protected_ids))
third.metric(_("Official area protected"), f"{profile.official_share:.1%}")
fourth.metric(_("UNDP sites and programmes"), len(profile.undp_ids))
st.caption(
    _(
        "Official area: the published areas of the reserves and parks listed in this region "
        "({hectares} ha; an area shared with another region counts in full). Measured from the drawn, "
        "approximate shapes, {share} of the region lies inside them."
    ).format(hectares=format_number(profile.official_protected_ha, _), share=f"{profile.drawn_share:.1%}")
)
mapview.render_region_locator(PAGE, context, in_region, iso_code)
st.caption(_("Click a region on the map to profile it."))

for title, ids in (
    (_("Reserves and national parks"), profile.protected_ids),
    (_("Ecological corridors"), profile.corridor_ids),
    (_("UNDP project sites and programmes"), profile.undp_ids),
):
    st.subheader(title)
    items = everything[everything["id"].isin(ids)]
    if items.empty:
        st.caption(_("None in this region."))
    else:
        tables.feature_links_table(context, items)
st.caption(_("National UNDP programmes without a single location are listed under Projects and programmes."))
downloads.download_buttons(PAGE, context, in_region, _("Atlas features in {region}").format(region=names[iso_code]))
ui.footer(context)
