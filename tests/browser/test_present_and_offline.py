"""Presenting scenes and the offline meeting kit, in real Chromium.

The Present page plays one scene of the session's scene list per address (``?scene=N``):
no sidebar, a scene counter, the caption in large type, buttons with arrow-key shortcuts and
a st_folium map whose view moves between scenes without a remount. Without ``scene`` it shows
the scene editor (a table of the scenes, reorder/delete, save as JSON, open a saved file).

The map explorer keeps its current view as a scene, and its offline meeting kit writes the map
as one HTML file that must draw with no network at all.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mapkit import (
    ARTIFACTS_DIR,
    PAINT_TIMEOUT_MS,
    REGION_COUNT,
    ROOT_DIR,
    VIEWPORT,
    map_frame,
    map_locator,
    open_map_page,
    press_for_download,
    wait_for_param,
    wait_until,
)
from playwright.sync_api import Browser, BrowserContext, Frame, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from kzatlas import scenes
from kzatlas.analysis import Filters
from kzatlas.catalog import feature_frame, load_catalogue, region_frame
from kzatlas.config import BASEMAP_DETAIL_ZOOM, GEODATA_DIR

pytestmark = pytest.mark.browser


DEFAULT_DECK = json.loads((ROOT_DIR / "kzatlas" / "decks" / "default.json").read_text(encoding="utf-8"))
SCENES = DEFAULT_DECK["scenes"]
SCENE_COUNT = len(SCENES)  # 7
DECK_FORMAT = "kz-atlas-scenes"

SELECTED_ID = "pa-naurzum"  # a strict nature reserve
SELECTED_KIND = "strict_nature_reserve"
DISCLAIMER = "do not imply official endorsement"


def scene_extent(number: int) -> list[list[float]]:
    """Where shipped scene ``number`` (1-based) is fitted: the rule of ``kzatlas.scenes`` on the catalogue."""
    catalogue = load_catalogue(GEODATA_DIR)
    features, regions = feature_frame(catalogue), region_frame(catalogue)
    params = SCENES[number - 1]["params"]

    def bounds(frame) -> list[list[float]] | None:
        if frame.empty:
            return None
        west, south, east, north = frame.total_bounds
        return [[south, west], [north, east]]

    filters = Filters(regions=tuple(params["regions"].split(","))) if "regions" in params else Filters()
    return scenes.scene_extent(
        scenes.Scene("", filters, params.get("sel")),
        lambda codes: bounds(regions[regions["iso_code"].isin(codes)]),
        lambda feature_id: bounds(features[features["id"] == feature_id]),
    )


# ---------------------------------------------------------------- helpers


def map_marker(page: Page) -> str | None:
    """``window.__kz_marker`` in the current map iframe (``None`` if it is gone or being replaced)."""
    try:
        return map_frame(page).evaluate("window.__kz_marker ?? null")
    except PlaywrightError:
        return None


VIEW_NOW = """(() => { const m = window.map, b = m.getBounds();
    return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast(), m.getZoom(),
            !!document.querySelector('.leaflet-zoom-anim')]; })()"""


def wait_for_fit(frame: Frame, extent: list[list[float]]) -> list:
    """Wait until the map has come to rest fitted to ``extent``: all of it in view, filling the
    view in one direction (or at the basemap's detail zoom, the closest a scene goes)."""
    (south, west), (north, east) = extent
    seen: list = [None, None]

    def fitted() -> bool:
        try:
            seen[:] = [seen[1], frame.evaluate(VIEW_NOW)]
        except PlaywrightError as exc:  # e.g. the iframe was replaced (a remount)
            seen[1] = f"the map is gone: {exc.message}"
            return False
        if seen[0] != seen[1] or seen[1][5]:
            return False  # still moving
        v_south, v_west, v_north, v_east, zoom, _ = seen[1]
        inside = v_south <= south and v_west <= west and v_north >= north and v_east >= east
        fills = (east - west) / (v_east - v_west) >= 0.5 or (north - south) / (v_north - v_south) >= 0.5
        return inside and zoom <= BASEMAP_DETAIL_ZOOM and (fills or zoom == BASEMAP_DETAIL_ZOOM)

    wait_until(fitted, timeout_s=15, interval_s=0.25, message=lambda: f"the map never fitted {extent}: {seen[1]}")
    return seen[1]


def counter(page: Page) -> Locator:
    return page.locator("div.kz-counter")


def caption(page: Page) -> Locator:
    return page.locator("div.kz-caption")


def press_on_page(page: Page, key: str) -> None:
    """Press ``key`` with the focus on the page itself (not the map iframe or a button)."""
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); document.body.focus(); }")
    assert page.evaluate("document.activeElement === document.body"), "the page body did not take the focus"
    page.keyboard.press(key)


def scene_table(page: Page) -> Locator:
    """The editor's scene table (glide grid; its accessible ``<table>`` mirrors the rows)."""
    return page.locator('[data-testid="stDataFrame"]').filter(has_text="Present from here").locator("table")


def expect_scene_rows(page: Page, count: int) -> None:
    """The scene table shows ``count`` scenes (``aria-rowcount`` counts the header row too)."""
    expect(scene_table(page)).to_have_attribute("aria-rowcount", str(count + 1))


def scene_captions(page: Page) -> Locator:
    return scene_table(page).locator('tbody [role="gridcell"][aria-colindex="2"]')


def open_editor(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/present")
    expect(page.get_by_role("button", name="Start presenting")).to_be_visible(timeout=PAINT_TIMEOUT_MS)
    expect_scene_rows(page, SCENE_COUNT)


def wait_for_script_to_finish(page: Page) -> None:
    """Wait until streamlit shows no "running" indicator."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=20_000)


def upload(page: Page, path: Path) -> None:
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Open a saved scene list")
    uploader.locator('input[type="file"]').set_input_files(str(path))


@pytest.fixture()
def offline_context(browser: Browser, request) -> Iterator[BrowserContext]:
    """A new browser context with the network switched off (screenshot of its page on failure)."""
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    context.set_default_timeout(20_000)
    yield context
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and context.pages:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            context.pages[-1].screenshot(path=str(ARTIFACTS_DIR / f"{name}-offline.png"), full_page=True)
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"screenshot failed: {exc!r}")
    context.close()


# ---------------------------------------------------------------- playing scenes


def test_arrow_keys_step_between_scenes_and_move_the_same_map(page: Page, page_log, base_url: str):
    open_map_page(page, f"{base_url}/present?scene=1", feature_kind="national_park")
    frame = map_frame(page)

    expect(counter(page)).to_have_text(f"Scene 1 of {SCENE_COUNT}")
    expect(caption(page)).to_have_text(SCENES[0]["caption"])
    # Full screen: no sidebar (nor its navigation), and the caption is readable across a room.
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stSidebarNav")).to_be_hidden()
    font_px = caption(page).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_px >= 28, f"caption font-size is {font_px}px"
    expect(page.get_by_role("button", name="◀ Previous")).to_be_disabled()
    expect(page.get_by_role("button", name="Next ▶")).to_be_enabled()
    wait_for_fit(frame, scene_extent(1))

    frame.evaluate("window.__kz_marker = 'scene-1'")
    press_on_page(page, "ArrowRight")

    expect(counter(page)).to_have_text(f"Scene 2 of {SCENE_COUNT}")
    expect(caption(page)).to_have_text(SCENES[1]["caption"])
    wait_for_fit(frame, scene_extent(2))
    assert map_marker(page) == "scene-1", "the map iframe was remounted"
    wait_for_param(page, "scene", "2")
    expect(page.get_by_role("button", name="◀ Previous")).to_be_enabled()

    press_on_page(page, "ArrowLeft")

    expect(counter(page)).to_have_text(f"Scene 1 of {SCENE_COUNT}")
    expect(caption(page)).to_have_text(SCENES[0]["caption"])
    wait_for_fit(frame, scene_extent(1))
    assert map_marker(page) == "scene-1", "the map iframe was remounted"
    wait_for_param(page, "scene", "1")
    expect(page.get_by_role("button", name="◀ Previous")).to_be_disabled()
    assert page_log.page_errors == []


def test_each_scene_has_its_own_address(page: Page, base_url: str):
    open_map_page(page, f"{base_url}/present?scene=3", feature_kind="ecological_corridor")

    expect(counter(page)).to_have_text(f"Scene 3 of {SCENE_COUNT}")
    expect(caption(page)).to_contain_text("Yrgyz-Torgay-Zhylanshyk")
    expect(caption(page)).to_have_text(SCENES[2]["caption"])
    wait_for_fit(map_frame(page), scene_extent(3))
    # The scene's highlighted feature is outlined on the map.
    expect(map_locator(page).locator("path.kz-selected.kz-layer-ecological_corridor")).to_have_count(1)


# ---------------------------------------------------------------- the scene editor


def delete_first_scene_and_save(page: Page, save_to: Path) -> dict:
    """In the editor: delete scene 1 (the one chosen by default), save the list; return the JSON."""
    expect(page.get_by_role("combobox", name="Scene")).to_have_value(re.compile(r"^1\. "))
    page.get_by_role("button", name="Delete", exact=True).click()
    expect_scene_rows(page, SCENE_COUNT - 1)
    expect(scene_captions(page).first).to_have_text(SCENES[1]["caption"])
    wait_for_script_to_finish(page)
    press_for_download(page, page.get_by_role("button", name="Save the scene list")).save_as(save_to)
    return json.loads(save_to.read_text(encoding="utf-8"))


def upload_broken_file_and_expect_kept(page: Page, tmp_path: Path, kept: int, first_caption: str) -> None:
    """Open a scene list with no scenes: an error, and the table still shows the ``kept`` scenes."""
    broken = tmp_path / "broken-scenes.json"
    broken.write_text(json.dumps({"format": DECK_FORMAT, "version": 1, "scenes": []}), encoding="utf-8")
    upload(page, broken)
    error = page.get_by_test_id("stAlert").filter(has_text="could not be opened")
    expect(error).to_be_visible()
    expect(error).to_contain_text("the current scenes are kept")
    expect(page.get_by_test_id("stAlert").filter(has_text=re.compile(r"Opened \d+ scenes"))).to_have_count(0)
    wait_for_script_to_finish(page)
    expect_scene_rows(page, kept)
    expect(scene_captions(page).first).to_have_text(first_caption)


def test_deleting_a_scene_then_saving_writes_the_shorter_list(page: Page, base_url: str, tmp_path):
    open_editor(page, base_url)

    document = delete_first_scene_and_save(page, tmp_path / "saved-scenes.json")

    assert document["format"] == DECK_FORMAT
    assert document["version"] == 1
    assert len(document["scenes"]) == SCENE_COUNT - 1
    assert [scene["caption"] for scene in document["scenes"]] == [scene["caption"] for scene in SCENES[1:]]

    page.get_by_role("button", name="Back to the scene list that ships with the atlas").click()
    expect_scene_rows(page, SCENE_COUNT)
    expect(scene_captions(page).first).to_have_text(SCENES[0]["caption"])


def test_a_broken_scene_file_keeps_the_current_scenes(page: Page, base_url: str, tmp_path):
    open_editor(page, base_url)
    page.get_by_role("button", name="Delete", exact=True).click()
    expect_scene_rows(page, SCENE_COUNT - 1)
    wait_for_script_to_finish(page)

    upload_broken_file_and_expect_kept(page, tmp_path, SCENE_COUNT - 1, SCENES[1]["caption"])


def test_saved_scene_list_opens_again_and_a_broken_file_keeps_the_scenes(page: Page, base_url: str, tmp_path):
    open_editor(page, base_url)
    saved = tmp_path / "saved-scenes.json"
    document = delete_first_scene_and_save(page, saved)
    assert len(document["scenes"]) == SCENE_COUNT - 1

    page.get_by_role("button", name="Back to the scene list that ships with the atlas").click()
    expect_scene_rows(page, SCENE_COUNT)
    wait_for_script_to_finish(page)

    upload(page, saved)
    expect(page.get_by_test_id("stAlert").filter(has_text=f"Opened {SCENE_COUNT - 1} scenes")).to_be_visible()
    wait_for_script_to_finish(page)
    expect_scene_rows(page, SCENE_COUNT - 1)
    expect(scene_captions(page).first).to_have_text(SCENES[1]["caption"])

    upload_broken_file_and_expect_kept(page, tmp_path, SCENE_COUNT - 1, SCENES[1]["caption"])


def test_a_view_added_in_the_map_explorer_is_the_last_scene(page: Page, base_url: str):
    open_map_page(page, base_url)
    text = f"Test scene {uuid.uuid4().hex[:8]}"

    page.get_by_text("Presentation: keep this view as a scene").click()
    box = page.get_by_label("Caption (one line)")
    box.fill(text)
    box.press("Enter")
    wait_for_script_to_finish(page)
    page.get_by_role("button", name="Add this view as a scene").click()
    expect(page.get_by_test_id("stAlert").filter(has_text=f"Added as scene {SCENE_COUNT + 1}")).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Present").click()
    expect(page.get_by_role("button", name="Start presenting")).to_be_visible(timeout=PAINT_TIMEOUT_MS)
    expect_scene_rows(page, SCENE_COUNT + 1)
    expect(scene_captions(page).last).to_have_text(text)
    expect(scene_captions(page).first).to_have_text(SCENES[0]["caption"])


# ---------------------------------------------------------------- the offline meeting kit


def test_offline_map_file_draws_with_no_network(page: Page, base_url: str, offline_context, tmp_path):
    fmap = open_map_page(page, f"{base_url}/?sel={SELECTED_ID}")
    expect(fmap.locator("path.kz-selected")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)

    page.get_by_role("button", name="Prepare", exact=True).click()
    download_button = page.get_by_role("button", name="Download the offline map (HTML)")
    expect(download_button).to_be_visible(timeout=30_000)
    download = press_for_download(page, download_button)
    saved = tmp_path / "kz-atlas-offline-map.html"
    download.save_as(saved)
    assert download.suggested_filename.endswith(".html")
    assert saved.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")

    requests: list[str] = []
    page_errors: list[str] = []
    console_errors: list[str] = []
    offline_context.on("request", lambda req: requests.append(req.url))
    offline = offline_context.new_page()
    offline.on("pageerror", lambda error: page_errors.append(str(error)))
    offline.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    offline.goto(saved.as_uri())

    expect(offline.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    expect(offline.locator("path.kz-layer-national_park").first).to_be_attached()
    assert offline.locator("path.kz-layer-national_park").count() > 0
    expect(offline.locator(f"path.kz-selected.kz-layer-{SELECTED_KIND}")).to_have_count(1)
    heading = offline.locator("#kz-heading")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text(DISCLAIMER)
    # The file leaves out the web tile layer (it would need the internet).
    expect(offline.locator(".leaflet-control-layers")).to_contain_text("Regions")
    expect(offline.locator(".leaflet-control-layers")).not_to_contain_text("needs internet")
    offline.wait_for_load_state("load")
    offline.wait_for_timeout(300)  # let late requests (tiles, fonts) show up

    assert requests, "no request was recorded (is the listener working?)"
    remote = [url for url in requests if urlsplit(url).scheme not in {"file", "data"}]
    assert remote == [], f"the offline file asked the network for: {remote}"
    assert page_errors == []
    assert console_errors == []
