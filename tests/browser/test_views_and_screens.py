"""The map goes where the reader points, the address holds what is on screen, screens fit.

Run at the sizes the atlas is shown on: 1280×720, 1366×768, 1920×1080 and 4K (3840×2160),
and a narrow window (600 px) for the folded layer list.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from mapkit import (
    ARTIFACTS_DIR,
    PAINT_TIMEOUT_MS,
    address_params,
    map_frame,
    map_locator,
    open_map_page,
    press_for_download,
    wait_until,
)
from playwright.sync_api import Browser, Frame, Page, expect
from test_map_explorer import hover_feature
from test_selection_and_links import click_shape

from kzatlas import scenes
from kzatlas.catalog import load_catalogue, region_frame
from kzatlas.config import GEODATA_DIR
from kzatlas.selection import MapView

pytestmark = pytest.mark.browser

VIEWPORTS = {"1280x720": (1280, 720), "1366x768": (1366, 768), "1920x1080": (1920, 1080), "4K": (3840, 2160)}
PARK_ID, PARK_NAME = "pa-buyratau", "Buyratau National Park"
REGION, REGION_NAME = "KZ-39", "Kostanay Region"
SELECTED_ID, SELECTED_NAME = "pa-naurzum", "Naurzum"


@pytest.fixture()
def open_page(browser: Browser, request) -> Iterator[Callable[..., Page]]:
    """Factory: a page in a new browser context of the given window size (screenshot on failure)."""
    contexts = []

    def make(width: int, height: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed and context.pages:
            ARTIFACTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                context.pages[-1].screenshot(path=str(ARTIFACTS_DIR / f"{name}-{number}.png"))
            except Exception as exc:  # a screenshot must never hide the real failure
                print(f"screenshot failed: {exc!r}")
        context.close()


def view_of(frame: Frame, expression: str = "window.map") -> tuple[float, float, float]:
    return tuple(
        frame.evaluate(
            f"(() => {{ const m = {expression}; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }})()"
        )
    )


def view_param(view: tuple[float, float, float]) -> str:
    lat, lng, zoom = view
    return f"{lat:.4f},{lng:.4f},{zoom:g}"


def same_view(view: tuple[float, float, float], param: str, tolerance: float = 0.03) -> bool:
    """``view`` shows the ``view=`` value ``param`` (Leaflet puts the centre on whole pixels: ±2 px)."""
    lat, lng, zoom = (float(part) for part in param.split(","))
    return abs(view[0] - lat) <= tolerance and abs(view[1] - lng) <= tolerance and view[2] == zoom


def move_map(page: Page, lat: float, lng: float, zoom: float) -> str:
    """Move the map as a reader would (no rerun), and wait until the address shows the view."""
    frame = map_frame(page)
    frame.evaluate(f"window.map.setView([{lat}, {lng}], {zoom}, {{animate: false}})")
    wanted = view_param(view_of(frame))
    wait_until(
        lambda: address_params(page).get("view") == wanted,
        timeout_s=10,
        page=page,
        message=lambda: f"address {address_params(page)} never showed view {wanted}",
    )
    return wanted


def settled_view(frame: Frame) -> tuple[float, float, float]:
    """The map's view once no animation runs and it has stopped moving."""
    seen: list = []

    def still() -> bool:
        seen.append(view_of(frame))
        moving = frame.evaluate("!!document.querySelector('.leaflet-zoom-anim') || window.map._panAnim?._inProgress")
        return len(seen) > 2 and seen[-1] == seen[-2] == seen[-3] and not moving

    wait_until(still, timeout_s=15, interval_s=0.2, message="the map kept moving")
    return seen[-1]


def pick_region(page: Page, name: str) -> None:
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Region").first
    box.locator("input").click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name).click()
    page.keyboard.press("Escape")


# ---------------------------------------------------------------- the map goes where you point


def test_picking_a_region_flies_the_same_map_to_it(open_page, base_url: str):
    page = open_page(*VIEWPORTS["1366x768"])
    open_map_page(page, base_url)
    frame = map_frame(page)
    frame.evaluate("window.__kz_marker = 'first'")
    before = settled_view(frame)

    pick_region(page, REGION_NAME)

    regions = region_frame(load_catalogue(GEODATA_DIR))
    west, south, east, north = regions.loc[regions["iso_code"] == REGION].total_bounds
    wait_until(lambda: view_of(frame)[2] > before[2] + 0.5, timeout_s=15, message="the map did not zoom to the region")
    lat, lng, zoom = settled_view(frame)
    shown = frame.evaluate(
        "(() => { const b = window.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()"
    )
    assert (
        shown[0] <= south + 0.05 and shown[1] <= west + 0.05 and shown[2] >= north - 0.05 and shown[3] >= east - 0.05
    ), f"{REGION} {(south, west, north, east)} is not inside the view {shown}"
    assert south < lat < north and west < lng < east
    assert frame.evaluate("window.__kz_marker") == "first", "the map was reloaded"
    wait_until(
        lambda: address_params(page).get("view") == view_param((lat, lng, zoom)),
        timeout_s=10,
        page=page,
        message=lambda: f"the address does not hold the fitted view: {address_params(page)}",
    )
    assert address_params(page).get("regions") == REGION


def test_a_click_keeps_the_view_and_a_shared_link_opens_it(open_page, base_url: str):
    page = open_page(*VIEWPORTS["1366x768"])
    open_map_page(page, base_url)
    wanted = move_map(page, 49.3, 73.2, 6.5)

    click_shape(page, PARK_ID, "national_park")

    wait_until(lambda: address_params(page).get("sel") == PARK_ID, timeout_s=15, page=page, message="no sel")
    # The page rewrote its address for the selection; the view on screen is still in it.
    page.wait_for_timeout(500)
    assert address_params(page).get("view") == wanted, address_params(page)
    assert view_param(view_of(map_frame(page))) == wanted
    # The details panel came into view, and the clicked shape has no focus rectangle.
    heading = page.locator("h3#kz-details, #kz-details").first
    expect(heading).to_contain_text(PARK_NAME)
    wait_until(
        lambda: 0 <= heading.bounding_box()["y"] and heading.bounding_box()["y"] + 20 <= 768,
        timeout_s=10,
        page=page,
        message=lambda: f"details heading at {heading.bounding_box()}",
    )
    outline = map_frame(page).evaluate(
        "(() => { const el = document.activeElement; return el ? getComputedStyle(el).outlineStyle : 'none'; })()"
    )
    assert outline == "none", f"the focused {outline} outline is drawn"
    link = page.evaluate("location.href")

    other = open_page(*VIEWPORTS["1920x1080"])
    open_map_page(other, link)
    expect(other.locator("#kz-details")).to_contain_text(PARK_NAME)
    wait_until(
        lambda: same_view(view_of(map_frame(other)), wanted),
        timeout_s=15,
        page=other,
        message=lambda: f"the shared link opened at {view_of(map_frame(other))}, not {wanted}",
    )


def test_offline_kit_opens_at_the_view_with_filters_in_words(open_page, base_url: str, tmp_path):
    page = open_page(*VIEWPORTS["1366x768"])
    open_map_page(page, f"{base_url}/?regions={REGION}&sel={SELECTED_ID}", feature_kind=None)
    expect(map_locator(page).locator("path.kz-selected")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    wanted = move_map(page, 51.2, 63.9, 7.25)

    page.get_by_role("button", name="Prepare", exact=True).click()
    download = page.get_by_role("button", name="Download the offline map (HTML)")
    expect(download).to_be_visible(timeout=30_000)
    saved = tmp_path / "offline.html"
    press_for_download(page, download).save_as(saved)

    offline = open_page(*VIEWPORTS["1920x1080"])
    offline.goto(saved.as_uri())
    expect(offline.locator("path.kz-selected")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    the_map = "Object.values(window).find((value) => value instanceof L.Map)"
    assert same_view(view_of(offline.main_frame, the_map), wanted), view_of(offline.main_frame, the_map)
    banner = offline.locator("#kz-heading")
    expect(banner).to_contain_text(f"Regions: {REGION_NAME}")
    expect(banner).to_contain_text(f"Highlighted: {SELECTED_NAME}")
    expect(banner).not_to_contain_text("regions=")


def test_scenes_added_in_the_explorer_survive_a_reload(open_page, base_url: str):
    page = open_page(*VIEWPORTS["1366x768"])
    open_map_page(page, base_url)
    wanted = move_map(page, 47.1, 70.4, 6.25)
    text = f"Reload scene {uuid.uuid4().hex[:8]}"
    page.get_by_text("Presentation: keep this view as a scene").click()
    box = page.get_by_label("Caption (one line)")
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.get_by_role("button", name="Add this view as a scene").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Added as scene 8")).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.wait_for_timeout(500)  # the helper writes the list to the browser's storage

    page.goto(f"{base_url}/present?scene=8")  # a new visit: a new session, same browser
    expect(page.locator("div.kz-caption")).to_have_text(text, timeout=PAINT_TIMEOUT_MS)
    expect(page.locator("div.kz-counter")).to_have_text("Scene 8 of 8")
    expect(map_locator(page).locator("path.kz-layer-regions")).to_have_count(20, timeout=PAINT_TIMEOUT_MS)
    frame = map_frame(page)
    # The scene shows the area the view showed in the explorer, fitted to the presenting screen.
    view = MapView(*(float(part) for part in wanted.split(",")))
    (south, west), (north, east) = scenes.view_extent(view)

    def shows_the_view() -> bool:
        lat, lng, zoom = view_of(frame)
        shown = frame.evaluate(
            "(() => { const b = window.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()"
        )
        inside = shown[0] <= south and shown[1] <= west and shown[2] >= north and shown[3] >= east
        return inside and abs(lat - view.lat) < 0.1 and abs(lng - view.lng) < 0.1 and zoom >= view.zoom - 0.75

    wait_until(
        shows_the_view,
        timeout_s=15,
        page=page,
        message=lambda: f"scene 8 plays at {view_of(frame)}, not around {wanted}",
    )


# ---------------------------------------------------------------- screens that fit


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_scene_fills_the_screen_with_caption_legend_and_disclaimer(open_page, base_url: str, size: str):
    width, height = VIEWPORTS[size]
    page = open_page(width, height)
    open_map_page(page, f"{base_url}/present?scene=2", feature_kind="ecological_corridor")
    frame = map_frame(page)
    iframe = page.locator('iframe[title*="streamlit_folium"]')

    def filled() -> bool:
        box = iframe.bounding_box()
        return box is not None and height - 40 <= box["y"] + box["height"] <= height

    wait_until(filled, timeout_s=15, page=page, message=lambda: f"the map ends at {iframe.bounding_box()} of {height}")
    box = iframe.bounding_box()
    assert box["width"] >= width - 80
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight"), "the page scrolls"
    wait_until(
        lambda: frame.evaluate("window.map.getSize().y") >= box["height"] - 2,
        timeout_s=10,
        message="Leaflet did not take the new size",
    )
    font_px = page.locator("div.kz-caption").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_px >= (28 if width < 1900 else 40), f"caption is {font_px}px"
    for selector in (".kz-legend", ".kz-map-note"):
        box = frame.evaluate(
            f"(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); "
            "return [r.top, r.bottom, r.left, r.right, innerHeight, innerWidth]; })()"
        )
        top, bottom, left, right, inner_height, inner_width = box
        assert 0 <= top and bottom <= inner_height and 0 <= left and right <= inner_width, (selector, box)
        expect(map_locator(page).locator(selector)).to_be_visible()
    expect(map_locator(page).locator(".kz-map-note")).to_contain_text("do not imply official endorsement")
    page.screenshot(path=f"/tmp/kzatlas-present-{size}.png")


def test_no_tooltip_is_left_when_the_scene_changes(open_page, base_url: str):
    page = open_page(*VIEWPORTS["1920x1080"])
    open_map_page(page, f"{base_url}/present?scene=2", feature_kind="ecological_corridor")
    fmap = map_locator(page)
    settled_view(map_frame(page))
    hover_feature(page, "kz-layer-national_park")
    expect(fmap.locator(".leaflet-tooltip")).to_have_count(1)

    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    page.keyboard.press("ArrowRight")

    expect(page.locator("div.kz-counter")).to_have_text("Scene 3 of 7")
    settled_view(map_frame(page))
    expect(fmap.locator(".leaflet-tooltip:visible")).to_have_count(0)
    # Moving the pointer again brings tooltips back.
    box = page.locator('iframe[title*="streamlit_folium"]').bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] - 30, steps=5)
    hover_feature(page, "kz-layer-national_park")
    expect(fmap.locator(".leaflet-tooltip:visible")).to_have_count(1)


def test_the_layer_list_folds_on_a_narrow_screen(open_page, base_url: str):
    narrow = open_page(600, 900)
    fmap = open_map_page(narrow, base_url)
    expect(fmap.locator(".leaflet-control-layers-list")).to_be_hidden()
    toggle = fmap.locator(".leaflet-control-layers-toggle")
    expect(toggle).to_be_visible()
    fmap.locator(".leaflet-control-layers").hover()
    expect(fmap.locator(".leaflet-control-layers-list")).to_be_visible()

    # Open on a large screen (on a laptop it starts folded too: it would hide a tenth of the map).
    wide = open_page(*VIEWPORTS["1920x1080"])
    fmap = open_map_page(wide, base_url)
    expect(fmap.locator(".leaflet-control-layers-list")).to_be_visible()
    expect(fmap.locator(".leaflet-control-layers-toggle")).to_be_hidden()
