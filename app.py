"""Router for the Kazakhstan environment atlas: page config and navigation only."""

import streamlit as st

from kzatlas import state
from kzatlas.config import APP_ICON
from kzatlas.i18n import translator

state.init()
_ = translator(state.language())
st.set_page_config(page_title=_("Kazakhstan environment atlas"), page_icon=str(APP_ICON), layout="wide")

st.navigation(
    [
        st.Page("views/map_explorer.py", title=_("Map explorer"), icon=":material/map:", default=True),
        st.Page("views/about_data.py", title=_("About the data"), icon=":material/dataset:"),
    ]
).run()
