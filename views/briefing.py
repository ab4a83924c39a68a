"""Briefing packs: a PDF and slides about the country, a region or one place, made on the server."""

import streamlit as st

from kzatlas import ui
from kzatlas.safety import escape_markdown
from kzatlas.ui import briefing_page

PAGE = "briefing"

context = ui.page_setup("Briefing packs")
_ = context.translate
everything = context.all_features()

st.markdown(
    _(
        "A briefing pack is a PDF and a PowerPoint deck with a map drawn on the server, the key numbers, "
        "the sites and programmes, the sources with their dates, the UN boundary disclaimer, the data "
        "version and a QR code back to the same view in the atlas."
    )
)
scope, name, link = briefing_page.briefing_scope(PAGE, context, everything)
st.subheader(escape_markdown(name))
briefing_page.briefing_export(PAGE, context, scope, link)
ui.footer(context)
