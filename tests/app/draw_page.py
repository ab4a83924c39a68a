"""A test-only page: the drawing tools on their own, saved by the editor "tester".

The tests give the server (or AppTest) secrets with a ``[editors.tester]`` account, so the
write's own check that "tester" is still an editor passes as it would for a signed-in person.

AppTest cannot draw on a Leaflet map, so a test may put what the map would return under
``FAKE_DRAWINGS`` in session state; the browser tests run this page with the real map.
"""

import streamlit as st

from kzatlas import ui
from kzatlas.edit.accounts import METHOD_PASSWORD, Editor
from kzatlas.ui import cache, drawing, live_map

FAKE_DRAWINGS = "test.fake_drawings"

context = ui.page_setup("Draw on the map")
saved_data = cache.data_store(cache.store_url(), context.geodata_dir)
fake = st.session_state.get(FAKE_DRAWINGS)
original = live_map.render_edit_map
if fake is not None:
    live_map.render_edit_map = lambda *args, **kwargs: fake
try:
    drawing.draw_and_edit(context, Editor(username="tester", name="tester", method=METHOD_PASSWORD), saved_data)
finally:
    live_map.render_edit_map = original
