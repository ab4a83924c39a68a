"""Editing a shape in place (AppTest): only a signed-in editor gets the controls; what is saved has the stated quality."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest
from test_draw_form import SQUARE, fill_source, own_store, start  # noqa: F401  (own_store is a fixture)
from test_edit_data import app, editor_secrets, sign_in, store_url  # noqa: F401  (store_url is a fixture)

from kzatlas.store import open_store

FEATURE = "pa-aksu-zhabagly"
OPEN_LABEL = "Open its shape for editing"


def labels(at: AppTest) -> list[str]:
    return [button.label for button in at.button]


def test_a_viewer_sees_no_edit_controls(store_url):  # noqa: F811
    at = app(secrets=editor_secrets()).run()
    assert not at.exception, at.exception
    assert OPEN_LABEL not in labels(at) and not at.radio
    assert [box.key for box in at.selectbox] == ["sidebar.language"]


def test_a_viewer_with_a_feature_selected_in_the_link_sees_no_edit_controls(store_url):  # noqa: F811
    at = app(secrets=editor_secrets())
    at.query_params["sel"] = FEATURE
    at.run()
    assert not at.exception, at.exception
    assert OPEN_LABEL not in labels(at) and "Save" not in labels(at)


def test_a_signed_in_editor_opens_the_feature_selected_on_the_map(store_url):  # noqa: F811
    at = app(secrets=editor_secrets())
    at.query_params["sel"] = FEATURE
    sign_in(at)
    assert OPEN_LABEL not in labels(at)  # a new feature is drawn by default
    at.radio(key="draw.mode").set_value("change").run()
    # The feature selected on the map is the one offered.
    assert at.selectbox(key="draw.0.feature").value == FEATURE
    assert OPEN_LABEL in labels(at)
    at.button(key="draw.0.open").click().run()
    assert not at.exception, at.exception
    captions = " | ".join(caption.value for caption in at.caption)
    assert "Its shape is on the drawing layer" in captions


def test_the_quality_the_editor_states_is_saved(own_store):  # noqa: F811
    at = start([SQUARE])
    at.radio(key="draw.mode").set_value("change").run()
    at.selectbox(key="draw.0.feature").set_value(FEATURE).run()
    at.selectbox(key="draw.0.quality").set_value("surveyed")
    fill_source(at)
    at.text_input(key="draw.0.comment").set_value("Corners moved onto the survey")
    at.run()
    assert "Shape quality: surveyed boundary" in " | ".join(item.value for item in at.markdown)
    at.button(key="draw.0.save").click().run()
    assert not at.exception, at.exception
    with open_store(own_store) as saved:
        state = saved.feature_history(FEATURE)[0]
        change = saved.history(limit=1)[0]
    assert (change.action, change.comment) == ("draw", "Corners moved onto the survey")
    assert state.record["geometry_quality"] == "surveyed"
    assert state.record["source_title"] == "Decree No. 123, annex map" and state.record["source_date"] == str(date(2024, 5, 1))
