"""About the data: layers, sources, licences, quality and limits."""

import streamlit as st

from kzatlas import provenance, ui
from kzatlas.i18n import TRANSLATION_NOTE
from kzatlas.safety import escape_markdown
from kzatlas.ui import downloads, history, table_display

context = ui.page_setup("About the data")
_ = context.translate
manifest = context.catalogue.manifest

st.markdown(
    _(
        "Every feature carries its source, the date the source was read, and how good its shape is. "
        "Nothing is estimated: a value no source gives is left empty and shown as a dash (—)."
    )
)
if manifest is None:
    st.error(_("The data catalogue (manifest.json) could not be read, so no layer is described."))
else:
    st.subheader(_("Layers"))
    table_display.show_table(provenance.layer_table(context.catalogue, _))
    st.subheader(_("Shape quality"))
    st.markdown(provenance.quality_explanation(_))
    st.subheader(_("Items without a map position"))
    unlocated = provenance.unlocated_table(context.catalogue, _, context.name_column)
    if unlocated.empty:
        st.write(_("Every item has a map position."))
    else:
        table_display.show_table(unlocated)
    st.subheader(_("Where the names come from"))
    st.markdown(escape_markdown(_(provenance.NAMES_EXPLANATION)))
    st.caption(escape_markdown(_(TRANSLATION_NOTE)))
    names = provenance.name_origin_table(context.catalogue, _, context.name_column)
    table_display.show_table(
        names,
        {_(provenance.NAME_SOURCE_COLUMN): table_display.link_column(_(provenance.NAME_SOURCE_COLUMN))},
    )
    st.subheader(_("Region boundaries"))
    st.markdown(provenance.region_source_text(context.catalogue, _))
    st.subheader(_("Map credits"))
    st.caption(_("Every source the map's boundaries and basemap are drawn from, with its licence and vintage."))
    table_display.show_table(
        provenance.map_credits(context.catalogue, _),
        {
            _("Link"): table_display.link_column(_("Link")),
            _("Licence page"): table_display.link_column(_("Licence page")),
        },
    )
    st.subheader(_("Download the whole catalogue"))
    downloads.catalogue_downloads(context)
    st.caption(_("Every file carries the citation, licence, data version and the UN boundary disclaimer."))
    st.subheader(_("Sources"))
    table_display.show_table(provenance.source_table(context.catalogue, _), {_("Link"): table_display.link_column(_("Link"))})
history.changes_section("about_data", context)
st.subheader(_("Data changelog"))
if context.language != "en":
    st.caption(_("The data changelog is kept in English."))
st.markdown(provenance.changelog_text())
ui.footer(context)
