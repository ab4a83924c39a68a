"""Presentation mode under AppTest: build, save, open and play scene lists."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kzatlas.config import ROOT_DIR

TIMEOUT = 60
PRESENT = str(ROOT_DIR / "views" / "present.py")
ROUTER = str(ROOT_DIR / "app.py")


def caption_html(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'class="kz-caption"' in m.value)


def test_the_shipped_scene_list_is_ready_to_play():
    at = AppTest.from_file(PRESENT, default_timeout=TIMEOUT).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 7 and table["Present from here"].iloc[2] == "/present?scene=3"
    at.button(key="present.start").click().run()
    assert not at.exception and at.query_params["scene"] == "1"
    assert "Scene 1 of 7" in caption_html(at)


def test_next_and_previous_step_through_scenes_and_stop_at_the_ends():
    at = AppTest.from_file(PRESENT, default_timeout=TIMEOUT)
    at.query_params["scene"] = "1"
    at.run()
    assert at.button(key="present.previous").disabled
    at.button(key="present.next").click().run()
    assert "Scene 2 of 7" in caption_html(at) and "Kapshagay-Balkhash" in caption_html(at)
    assert at.query_params["scene"] == "2"
    at.button(key="present.previous").click().run()
    assert "Scene 1 of 7" in caption_html(at)
    at.button(key="present.stop").click().run()
    assert "scene" not in at.query_params and at.dataframe  # back to the editor


def test_a_scene_number_out_of_range_warns_and_shows_the_editor():
    at = AppTest.from_file(PRESENT, default_timeout=TIMEOUT)
    at.query_params["scene"] = "99"
    at.run()
    assert not at.exception
    assert any("was not understood" in w.value for w in at.warning)
    assert len(at.dataframe[0].value) == 7


def test_reordering_and_deleting_scenes():
    at = AppTest.from_file(PRESENT, default_timeout=TIMEOUT).run()
    first = at.dataframe[0].value["Caption"].iloc[0]
    at.button(key="present.down").click().run()
    assert at.dataframe[0].value["Caption"].iloc[1] == first
    at.button(key="present.delete").click().run()
    assert len(at.dataframe[0].value) == 6


def test_a_scene_added_in_the_explorer_shows_up_in_the_list():
    at = AppTest.from_file(ROUTER, default_timeout=TIMEOUT)  # the explorer is the default page
    at.query_params["sel"] = "pa-naurzum"
    at.query_params["view"] = "51.5,64.4,7"
    at.run()
    at.text_input(key="map_explorer.scene_caption").input("Naurzum, a steppe reserve").run()
    at.button(key="map_explorer.add_scene").click().run()
    assert not at.exception
    assert any("Added as scene 8" in s.value for s in at.success)
    at.switch_page("views/present.py").run()
    table = at.dataframe[0].value
    assert table["Caption"].iloc[-1] == "Naurzum, a steppe reserve"
    assert table["In the map explorer"].iloc[-1] == "/?sel=pa-naurzum&view=51.5000%2C64.4000%2C7"
