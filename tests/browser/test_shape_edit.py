"""Editing a shape in place in a real browser: open a reserve's boundary, drag a corner, save, see it, undo it."""

from __future__ import annotations

import pytest
import shapely
from mapkit import enter_date, map_frame, map_locator, settle, wait_until
from playwright.sync_api import Page, expect
from test_editing import editor_env, sign_in  # noqa: F401  (editor_env is a fixture)

from kzatlas.store import open_store

pytestmark = pytest.mark.browser

FEATURE_ID = "pa-barsakelmes"
COMMENT = "North-west corner moved onto the decree map"


def commit(page: Page, label: str, text: str) -> None:
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    settle(page)


def test_an_editor_drags_a_corner_of_a_boundary_saves_it_and_undoes_it(page: Page, page_log, launch, editor_env):  # noqa: F811
    server = launch(editor_env)
    url = server.base_url
    store_url = f"sqlite:///{editor_env['KZATLAS_DATA_DIR']}/kzatlas.sqlite"
    page.goto(f"{url}/edit_data?sel={FEATURE_ID}")
    sign_in(page)
    page.get_by_text("A new shape for an existing feature").click()
    settle(page)
    # The feature selected on the map is already chosen; its shape opens on the drawing layer.
    page.get_by_role("button", name="Open its shape for editing").click()
    settle(page)
    page.locator('iframe[title*="streamlit_folium"]').last.scroll_into_view_if_needed()
    wait_until(
        lambda: map_frame(page).evaluate("window.drawnItems ? window.drawnItems.getLayers().length : 0") == 1,
        timeout_s=30,
        page=page,
        message="the boundary was not opened on the drawing layer",
    )
    settle(page)
    fmap = map_locator(page)
    original = shapely.geometry.shape(
        map_frame(page).evaluate("window.drawnItems.getLayers()[0].toGeoJSON().geometry")
    )
    fmap.locator("a.leaflet-draw-edit-edit").click()
    handles = fmap.locator(".leaflet-editing-icon:not(.leaflet-middle-icon)")
    expect(handles.first).to_be_visible(timeout=10_000)
    assert handles.count() >= 60  # every corner of the opened boundary can be moved
    handle = handles.nth(handles.count() // 2)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.wait_for_timeout(100)
    page.mouse.move(x + 8, y - 12, steps=6)
    page.mouse.up()
    fmap.locator("a[title='Save changes']").click()
    wait_until(
        lambda: not shapely.geometry.shape(
            map_frame(page).evaluate("window.drawnItems.getLayers()[0].toGeoJSON().geometry")
        ).equals(original),
        timeout_s=10,
        page=page,
        message="the corner did not move",
    )
    settle(page)
    # The boundary was approximate; the editor states what it is now.
    expect(page.get_by_role("combobox", name="Quality of the boundary you save")).to_have_value("digitised boundary")
    commit(page, "Source title (e.g. the decree and its map)", "Decree map, annex 3")
    enter_date(page, "Source date", "20240501")
    settle(page)
    commit(page, "Comment (required): why this change", COMMENT)
    expect(page.get_by_text("Area drawn", exact=False)).to_be_visible(timeout=20_000)
    save = page.get_by_role("button", name="Save", exact=True)
    expect(save).to_be_enabled(timeout=20_000)
    save.click()
    expect(page.get_by_text("Saved as version 1: Barsakelmes", exact=False)).to_be_visible(timeout=30_000)
    with open_store(store_url) as saved:
        change = saved.history(limit=1)[0]
        moved = saved.saved()
    assert (change.action, change.feature_ids, change.comment) == ("draw", (FEATURE_ID,), COMMENT)
    row = moved[moved["id"] == FEATURE_ID].iloc[0]
    assert row["geometry_quality"] == "digitised" and row["source_title"] == "Decree map, annex 3"
    # One corner moved; the rest of the boundary stayed where it was.
    new_shape = row["geometry"]
    assert not new_shape.equals_exact(original, 1e-5)
    assert new_shape.geom_type == "Polygon"
    assert abs(int(shapely.get_num_coordinates(new_shape)) - int(shapely.get_num_coordinates(original))) <= 2
    assert new_shape.intersection(original).area > 0.9 * original.area

    # The history lists the change; undoing it puts the old boundary back.
    page.get_by_role("link", name="About the data").click()  # in the same session: still signed in
    expect(page.get_by_text("Changes to the data")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(COMMENT).first).to_be_attached(timeout=20_000)
    page.get_by_text("Undo a change (editors)").click()
    page.get_by_label("Why (required)").fill("The decree map was the draft")
    page.get_by_label("Why (required)").press("Enter")
    settle(page)
    page.get_by_role("button", name="Undo this change").click()
    expect(page.get_by_text("Version 1 was undone as version 2.")).to_be_visible(timeout=30_000)
    with open_store(store_url) as saved:
        back = saved.saved()
    restored = back[back["id"] == FEATURE_ID]
    assert restored.empty or restored.iloc[0]["geometry"].equals_exact(original, 1e-5)
    assert page_log.page_errors == []
