"""Add and edit data: editors import files into the atlas; viewers are asked to sign in."""

import streamlit as st

from kzatlas import ui
from kzatlas.safety import escape_markdown
from kzatlas.ui import drawing, file_import
from kzatlas.ui.history import data_store
from kzatlas.ui.signed_in import current_editor, sign_in_offered

PAGE = "edit_data"

context = ui.page_setup("Add and edit data")
_ = context.translate
editor = current_editor()
if editor is None:
    # Checked here too: a direct link must not give a viewer any way to write.
    if sign_in_offered():
        st.info(_("Sign in as an editor to change data. Editors sign in from the sidebar."))
    else:
        st.info(
            _(
                "Editing is not set up on this server, so the atlas is view-only. "
                "An administrator adds editor accounts in the server's secrets (see the README, \"Your own data\")."
            )
        )
    ui.footer(context)
    st.stop()
if context.store_problem:
    st.error(_("Nothing can be saved while the data store is unreachable."))
    ui.footer(context)
    st.stop()

st.caption(
    _("Signed in as {name}. Every change is saved as a new version with your name, the file and your comment.").format(
        name=escape_markdown(editor.who)
    )
)
st.header(_("Import a file"))
# Each section in a container of its own: what one section adds or removes never moves the
# other's elements (a moved map frame is reloaded by the browser and loses its link to the page).
with st.container():
    file_import.import_section(PAGE, context, editor)
st.header(_("Draw on the map"))
saved = data_store(context)
if saved is not None:
    with st.container():
        drawing.draw_and_edit(context, editor, saved)
st.caption(_("The history of changes, and undo, are on the page About the data."))
ui.footer(context)
