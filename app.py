"""Router for the Kazakhstan environment atlas: page config and navigation only."""

import streamlit as st

from kzatlas.config import APP_ICON
from kzatlas.i18n import translator
from kzatlas.ui import state, upload_guard
from kzatlas.ui.signed_in import current_editor

upload_guard.run_started()
state.init()
_ = translator(state.language())
st.set_page_config(page_title=_("Kazakhstan environment atlas"), page_icon=str(APP_ICON), layout="wide")
# Viewers never see the editing page in the menu; a direct link to it only asks them to sign in.
editing = "visible" if current_editor() is not None else "hidden"

st.navigation(
    [
        st.Page("views/map_explorer.py", title=_("Map explorer"), icon=":material/map:", default=True),
        st.Page("views/protected_areas.py", title=_("Protected areas"), icon=":material/park:"),
        st.Page("views/corridors.py", title=_("Ecological corridors"), icon=":material/route:"),
        st.Page("views/region_profile.py", title=_("Region profile"), icon=":material/location_on:"),
        st.Page("views/projects.py", title=_("Projects and programmes"), icon=":material/handshake:"),
        st.Page("views/briefing.py", title=_("Briefing packs"), icon=":material/picture_as_pdf:"),
        st.Page("views/present.py", title=_("Present"), icon=":material/slideshow:"),
        st.Page("views/about_data.py", title=_("About the data"), icon=":material/dataset:"),
        st.Page("views/edit_data.py", title=_("Add and edit data"), icon=":material/edit_note:", visibility=editing),
    ]
).run()
# The uploaders this run showed are now the ones the server takes files for (not reached when a
# rerun cuts the run short).
upload_guard.run_finished()
