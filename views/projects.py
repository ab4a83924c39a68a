"""Projects and programmes: UNDP's work in the catalogue by theme, partner, donor and years."""

import streamlit as st

from kzatlas import reports, spatial, ui
from kzatlas.catalog import split_list
from kzatlas.formats import format_number
from kzatlas.i18n import theme_label
from kzatlas.ui import downloads, summary_panels, table_display

PAGE = "projects"

context = ui.page_setup("Projects and programmes")
_ = context.translate
portfolio = context.remembered("undp portfolio", None, lambda: reports.undp_portfolio(context.all_features()))

themes_present = sorted({theme for value in portfolio["themes"] for theme in split_list(value)})
left, right = st.columns(2)
themes = left.multiselect(
    _("Theme"),
    themes_present,
    format_func=lambda theme: theme_label(theme, _),
    key=f"{PAGE}.themes",
    placeholder=_("All themes"),
    help=_("An item is shown when it has any of the chosen themes (themes combine with 'or')."),
)
partner = right.text_input(
    _("Partner or donor"),
    key=f"{PAGE}.partner",
    max_chars=60,
    placeholder=_("e.g. Global Environment Facility, akimat"),
)
shown = context.remembered(
    ("portfolio shown", tuple(themes), partner), None, lambda: reports.portfolio_filter(portfolio, tuple(themes), partner)
)
footprint = context.remembered(("portfolio footprint", tuple(themes), partner), None, lambda: spatial.undp_footprint(shown))
first, second, third = st.columns(3)
first.metric(_("UNDP sites"), format_number(footprint.sites, _))
second.metric(_("Of them with a map position"), format_number(footprint.located_sites, _))
third.metric(_("National programmes (no single location)"), format_number(footprint.programmes, _))
partners = footprint.partners
if partners:
    st.caption(
        _("{count} UN partner sites are listed below but not counted: UNDP did not build them.").format(
            count=format_number(partners, _)
        )
    )
if shown.empty:
    st.info(_("No item matches. Clear the theme or partner filter."))
else:
    table_display.portfolio_table(context, shown)
    st.subheader(_("Timeline"))
    summary_panels.portfolio_timeline(context, shown)
    downloads.download_buttons(
        PAGE,
        context,
        shown.drop(columns=["first_year", "last_year", "located"]),
        _("UNDP project sites and programmes in Kazakhstan"),
    )
st.caption(
    _(
        "Only the UNDP work named in the atlas's source documents is listed; it is not UNDP's full portfolio in Kazakhstan."
    )
)
ui.footer(context)
