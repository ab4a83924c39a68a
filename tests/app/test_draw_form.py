"""Drawing on the map and saving: the form, the preview and the store change (AppTest)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from draw_page import FAKE_DRAWINGS
from pagetest import TIMEOUT, shown
from streamlit.testing.v1 import AppTest

from kzatlas.edit.accounts import hash_password
from kzatlas.store import open_store

PAGE = str(Path(__file__).with_name("draw_page.py"))
SQUARE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[[71.2, 51.1], [71.4, 51.1], [71.4, 51.3], [71.2, 51.3], [71.2, 51.1]]]},
}
TESTER_HASH = hash_password("a long enough test password")
MARKER = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [70.62, 42.33]}}


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """Each test saves into its own store, so other suites keep seeing the shipped catalogue."""
    url = f"sqlite:///{tmp_path / 'drawn.sqlite'}"
    monkeypatch.setenv("KZATLAS_STORE_URL", url)
    return url


def start(drawings: list | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.secrets["editors"] = {"tester": {"name": "tester", "password_hash": TESTER_HASH}}
    if drawings is not None:
        at.session_state[FAKE_DRAWINGS] = {"all_drawings": drawings, "last_active_drawing": None}
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return " | ".join(shown(item.value) for item in [*at.info, *at.warning, *at.success, *at.error, *at.markdown])


def fill_source(at: AppTest, round_: int = 0) -> None:
    at.text_input(key=f"draw.{round_}.source_title").set_value("Decree No. 123, annex map")
    at.date_input(key=f"draw.{round_}.source_date").set_value(date(2024, 5, 1))
    at.text_input(key=f"draw.{round_}.comment").set_value("Traced from the decree map")


def test_nothing_drawn_means_nothing_to_save():
    at = start(None)
    assert "Nothing is drawn yet" in texts(at)
    assert at.button(key="draw.0.save").disabled


def test_a_drawn_boundary_is_saved_as_a_new_digitised_feature(own_store):
    at = start([SQUARE])
    at.text_input(key="draw.0.name_en").set_value("Tengiz <b>wetland</b>")
    at.selectbox(key="draw.0.kind").set_value("nature_reserve")
    fill_source(at)
    at.run()
    assert not at.exception, at.exception
    shown_text = texts(at)
    assert "Tengiz <b>wetland</b>" in shown_text  # escaped, shown as typed
    assert "Area drawn" in shown_text and "Astana" in shown_text
    save = at.button(key="draw.0.save")
    assert not save.disabled
    save.click().run()
    assert not at.exception, at.exception
    assert "Saved as version" in texts(at)
    assert at.text_input(key="draw.1.name_en").value == "", "the next drawing starts with an empty form"
    with open_store(own_store) as saved:
        change = saved.history(limit=1)[0]
        assert (change.action, change.who, change.comment) == ("draw", "tester", "Traced from the decree map")
        frame = saved.saved()
    row = frame[frame["id"] == change.feature_ids[0]].iloc[0]
    assert row["name_en"] == "Tengiz <b>wetland</b>" and row["geometry_quality"] == "digitised"
    assert row["source_title"] == "Decree No. 123, annex map" and row["source_date"] == "2024-05-01"
    assert row["area_drawn_ha"] > 20_000 and "KZ-71" in row["region_codes"].split(";")


def test_a_marker_moves_an_existing_feature_and_a_missing_comment_blocks_saving(own_store):
    at = start([MARKER])
    at.radio(key="draw.mode").set_value("change").run()
    at.selectbox(key="draw.0.feature").set_value("pa-aksu-zhabagly")
    fill_source(at)
    at.text_input(key="draw.0.comment").set_value("  ")
    at.run()
    assert not at.exception, at.exception
    assert at.button(key="draw.0.save").disabled
    assert "This replaces a boundary with a single point" in texts(at)
    at.text_input(key="draw.0.comment").set_value("Moved to the office")
    at.run()
    at.button(key="draw.0.save").click().run()
    assert not at.exception, at.exception
    with open_store(own_store) as saved:
        change = saved.history(limit=1)[0]
        assert change.feature_ids == ("pa-aksu-zhabagly",)
        state = saved.feature_history("pa-aksu-zhabagly")[0]
    assert state.record["geometry_quality"] == "point"
    assert state.record["name_en"] == "Aksu-Zhabagly State Nature Reserve"


def test_a_line_is_refused_in_plain_words():
    at = start([{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[71, 51], [72, 52]]}}])
    assert "Only points and boundaries" in texts(at)
    assert at.button(key="draw.0.save").disabled
