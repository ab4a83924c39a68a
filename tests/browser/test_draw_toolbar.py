"""Drawing with the real Leaflet.draw toolbar: served offline, a polygon drawn, saved to the store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mapkit import enter_date, map_frame, open_map_page, settle, wait_until
from playwright.sync_api import Page, expect

from kzatlas.edit.accounts import hash_password
from kzatlas.store import open_store

pytestmark = pytest.mark.browser

ROOT_DIR = Path(__file__).resolve().parents[2]
DRAW_PAGE = ROOT_DIR / "tests" / "app" / "draw_page.py"
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}


@pytest.fixture(scope="module")
def draw_server(start_server, tmp_path_factory):
    """The test page served on its own, with its own store.

    Streamlit serves ``static/`` next to the main script, so the page runs from a folder
    that holds a copy of it and a link to the app's ``static/`` (Leaflet, Leaflet.draw).
    """
    data_dir = tmp_path_factory.mktemp("draw-data")
    site = tmp_path_factory.mktemp("draw-site")
    shutil.copy2(DRAW_PAGE, site / DRAW_PAGE.name)
    (site / "static").symlink_to(ROOT_DIR / "static", target_is_directory=True)
    python_path = os.pathsep.join(filter(None, [str(ROOT_DIR), str(DRAW_PAGE.parent), os.environ.get("PYTHONPATH")]))
    secrets = site / "secrets.toml"
    secrets.write_text(
        f'[editors.tester]\nname = "tester"\npassword_hash = "{hash_password("a long enough test password")}"\n',
        encoding="utf-8",
    )
    env = {"KZATLAS_DATA_DIR": str(data_dir), "PYTHONPATH": python_path, "STREAMLIT_SECRETS_FILES": str(secrets)}
    return start_server(env=env, script=str(site / DRAW_PAGE.name)), data_dir


def commit(page: Page, label: str, text: str) -> None:
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    settle(page)


def test_a_polygon_drawn_with_the_toolbar_is_saved_offline(page: Page, page_log, draw_server):
    url, data_dir = draw_server
    fmap = open_map_page(page, url, feature_kind=None)
    polygon_tool = fmap.locator("a.leaflet-draw-draw-polygon")
    expect(polygon_tool).to_be_visible()
    expect(fmap.locator("a.leaflet-draw-draw-rectangle")).to_be_visible()
    expect(fmap.locator("a.leaflet-draw-draw-marker")).to_be_visible()
    expect(fmap.locator("a.leaflet-draw-draw-polyline")).to_have_count(0)
    # The toolbar's icons come from the app's own copy of the sprite sheet.
    sprite = fmap.locator("a.leaflet-draw-draw-polygon").evaluate("el => getComputedStyle(el).backgroundImage")
    assert "/app/static/leaflet-draw/images/spritesheet" in sprite

    frame = map_frame(page)
    # Centre the map on Astana and zoom in, so the square lies in one place on any screen.
    frame.evaluate("window.map.setView([51.15, 71.45], 8, {animate: false})")
    polygon_tool.click()
    box = page.locator('iframe[title*="streamlit_folium"]').bounding_box()
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-80, -60), (80, -60), (80, 60), (-80, 60)]
    for dx, dy in corners:
        page.mouse.click(centre_x + dx, centre_y + dy)
        page.wait_for_timeout(150)
    page.mouse.click(centre_x + corners[0][0], centre_y + corners[0][1])  # close the ring on its first point
    wait_until(
        lambda: frame.evaluate("window.drawnItems && window.drawnItems.getLayers().length") == 1,
        timeout_s=10,
        page=page,
        message="the polygon was not added to the drawing layer",
    )

    commit(page, "Name (English, required)", "Traced wetland")
    commit(page, "Source title (e.g. the decree and its map)", "Decree map, annex 2")
    # The server has the shape, the name and the title: only the date is missing.
    date_missing = page.get_by_text("The source's date is required", exact=False)
    expect(date_missing).to_be_visible(timeout=20_000)
    # The date field is three spin buttons that move on as each is filled.
    enter_date(page, "Source date", "20240501")
    expect(date_missing).to_have_count(0, timeout=20_000)
    commit(page, "Comment (required): why this change", "Traced from the decree map")
    expect(page.get_by_text("Area drawn", exact=False)).to_be_visible(timeout=20_000)
    save = page.get_by_role("button", name="Save")
    expect(save).to_be_enabled(timeout=20_000)
    save.click()
    expect(page.get_by_text("Saved as version", exact=False)).to_be_visible(timeout=20_000)

    with open_store(f"sqlite:///{data_dir / 'kzatlas.sqlite'}") as saved:
        change = saved.history(limit=1)[0]
        frame_saved = saved.saved()
    assert (change.action, change.who, change.comment) == ("draw", "tester", "Traced from the decree map")
    row = frame_saved[frame_saved["id"] == change.feature_ids[0]].iloc[0]
    assert row["geometry_quality"] == "digitised" and row["geometry"].geom_type == "Polygon"
    assert row["source_title"] == "Decree map, annex 2" and row["area_drawn_ha"] > 0
    minx, miny, maxx, maxy = row["geometry"].bounds
    assert 70.5 < minx < maxx < 72.5 and 50.5 < miny < maxy < 51.8, row["geometry"].bounds

    # The next drawing starts on a new, empty map (while the page reruns, the old map can still
    # be on screen for a moment, so the newest one is the one to look at), and nothing ever left
    # the machine.
    newest = page.frame_locator('iframe[title*="streamlit_folium"] >> nth=-1')
    expect(newest.locator("a.leaflet-draw-draw-polygon")).to_be_visible(timeout=30_000)
    outside = [
        request
        for request in page_log.requests
        if urlsplit(request).scheme not in LOCAL_SCHEMES and urlsplit(request).hostname != "127.0.0.1"
    ]
    assert outside == []
    assert page_log.page_errors == [] and page_log.dialogs == []
