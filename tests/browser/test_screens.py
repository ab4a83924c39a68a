"""The map on every screen, from a 1280×720 projector to a 4K wall, in English, Russian and Kazakh.

On the map explorer and in presentation mode: the whole of Kazakhstan fits the map's frame and
fills most of it, the basemap reaches past every edge of the frame (never a flat band beyond
it), no visible name overlaps another, and the explorer's map ends inside the window. Names,
lines and controls grow with the frame on a 4K wall; close-up scenes stop at the zoom the
offline basemap is drawn for.

One browser page per window size, reused for the three languages and both pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from mapkit import ARTIFACTS_DIR, PAINT_TIMEOUT_MS, REGION_COUNT, address_params, map_frame, map_locator, wait_until
from playwright.sync_api import Browser, Frame, Page, expect

from kzatlas.catalog import load_catalogue, region_frame
from kzatlas.config import BASEMAP_BOUNDS, BASEMAP_DETAIL_ZOOM, GEODATA_DIR, KAZAKHSTAN_BOUNDS

pytestmark = pytest.mark.browser

SIZES = {"1280x720": (1280, 720), "1366x768": (1366, 768), "1920x1080": (1920, 1080), "3840x2160": (3840, 2160)}
LANGUAGES = ("en", "ru", "kk")
# The share of the frame Kazakhstan fills, in the direction that binds.
LEAST_SHARE = 0.75

# Kazakhstan's box on screen (the regions' SVG paths), the frame, the view, the basemap's extent.
MEASURE = """
(() => {
    const map = window.map, frame = map.getContainer().getBoundingClientRect();
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    document.querySelectorAll("path.kz-layer-regions").forEach((path) => {
        const box = path.getBoundingClientRect();
        left = Math.min(left, box.left); top = Math.min(top, box.top);
        right = Math.max(right, box.right); bottom = Math.max(bottom, box.bottom);
    });
    let land = null;
    map.eachLayer((layer) => {
        if (layer.options && layer.options.className === "kz-basemap-land" && layer.getBounds) {
            land = land ? land.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(),
                                                                          layer.getBounds().getNorthEast());
        }
    });
    const view = map.getBounds();
    const corners = (b) => b ? [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()] : null;
    return {
        frame: [frame.left, frame.top, frame.right, frame.bottom],
        country: [left, top, right, bottom],
        view: corners(view), land: corners(land),
        zoom: map.getZoom(),
        scale: parseFloat(getComputedStyle(map.getContainer()).getPropertyValue("--kz-scale")),
        moving: !!document.querySelector(".leaflet-zoom-anim") || !!(map._panAnim && map._panAnim._inProgress),
    };
})()
"""

# The boxes of the names the label script shows.
VISIBLE_LABELS = """
Array.from(document.querySelectorAll(".kz-label > span")).filter((span) =>
    span.parentNode.style.display !== "none" && getComputedStyle(span).visibility === "visible"
).map((span) => { const r = span.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, span.textContent]; })
"""

# A region outline's drawn width and its style's weight.
REGION_LINE = """
(() => {
    let found = null;
    window.map.eachLayer((layer) => {
        if (!found && layer._path && layer.options.className === "kz-layer-regions") { found = layer; }
    });
    return [parseFloat(found._path.getAttribute("stroke-width")), found.options.weight];
})()
"""


@pytest.fixture(scope="module")
def pages(browser: Browser, request) -> Iterator[dict[str, Page]]:
    """One page per window size, made when first asked for, kept for the module."""
    made: dict[str, Page] = {}

    class Pages(dict):
        def __missing__(self, size: str) -> Page:
            width, height = SIZES[size]
            context = browser.new_context(viewport={"width": width, "height": height})
            context.set_default_timeout(30_000)
            made[size] = self[size] = context.new_page()
            return made[size]

    yield Pages()
    for page in made.values():
        page.context.close()


@pytest.fixture()
def shot_on_failure(request) -> Iterator[list[Page]]:
    """Pages listed here are saved to ``test-artifacts/`` if the test fails."""
    watched: list[Page] = []
    yield watched
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, page in enumerate(watched):
            try:
                page.screenshot(path=str(ARTIFACTS_DIR / f"{name}-{number}.png"))
            except Exception as exc:  # a screenshot must never hide the real failure
                print(f"screenshot failed: {exc!r}")


def open_and_settle(page: Page, url: str) -> tuple[Frame, dict]:
    """Open ``url``, wait for the regions, then until the map has stopped moving and resizing."""
    page.goto(url)
    expect(map_locator(page).locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    frame = map_frame(page)
    return frame, settled(frame)


def settled(frame: Frame) -> dict:
    """The measurements once three readings 0.3 s apart agree (the frame grows after the first paint)."""
    seen: list[dict] = []

    def still() -> bool:
        seen.append(frame.evaluate(MEASURE))
        if len(seen) < 3 or seen[-1]["moving"]:
            return False
        keys = ("frame", "view", "zoom", "country")
        return all(seen[-1][key] == seen[-2][key] == seen[-3][key] for key in keys) and seen[-1]["land"] is not None

    wait_until(still, timeout_s=30, interval_s=0.3, message=lambda: f"the map kept changing: {seen[-3:]}")
    # Names are placed 40 ms after the last move.
    frame.wait_for_timeout(200)
    return seen[-1]


def assert_country_fills_the_frame(measured: dict, where: str) -> None:
    left, top, right, bottom = measured["frame"]
    c_left, c_top, c_right, c_bottom = measured["country"]
    assert c_left >= left - 1 and c_top >= top - 1 and c_right <= right + 1 and c_bottom <= bottom + 1, (
        f"{where}: Kazakhstan {measured['country']} does not fit the frame {measured['frame']}"
    )
    share = max((c_right - c_left) / (right - left), (c_bottom - c_top) / (bottom - top))
    assert share >= LEAST_SHARE, f"{where}: Kazakhstan fills only {share:.0%} of the frame {measured['frame']}"


def assert_basemap_past_every_edge(measured: dict, where: str) -> None:
    south, west, north, east = measured["view"]
    l_south, l_west, l_north, l_east = measured["land"]
    slack = 1e-6
    assert (
        south >= l_south - slack and west >= l_west - slack and north <= l_north + slack and east <= l_east + slack
    ), f"{where}: the view {measured['view']} reaches past the basemap {measured['land']}"
    (b_south, b_west), (b_north, b_east) = BASEMAP_BOUNDS
    assert south >= b_south - slack and north <= b_north + slack and west >= b_west - slack and east <= b_east + slack


def assert_no_name_overlaps(frame: Frame, where: str) -> int:
    labels = frame.evaluate(VISIBLE_LABELS)
    for i, (left, top, right, bottom, text) in enumerate(labels):
        for other in labels[i + 1 :]:
            overlap_x = min(right, other[2]) - max(left, other[0])
            overlap_y = min(bottom, other[3]) - max(top, other[1])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, f"{where}: {text!r} overlaps {other[4]!r}"
    return len(labels)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_country_fills_the_map_on_every_screen(pages, shot_on_failure, base_url: str, size: str, language: str):
    page = pages[size]
    shot_on_failure.append(page)
    width, height = SIZES[size]

    frame, explorer = open_and_settle(page, f"{base_url}/?lang={language}")
    where = f"explorer {size} {language}"
    assert_country_fills_the_frame(explorer, where)
    assert_basemap_past_every_edge(explorer, where)
    assert assert_no_name_overlaps(frame, where) > 0, f"{where}: no name is shown"
    box = page.locator('iframe[title*="streamlit_folium"]').bounding_box()
    assert box["y"] + box["height"] <= height, f"{where}: the map ends at {box['y'] + box['height']} of {height}"
    # The address carries no view while the map shows the one it opened with: a copied address
    # opens fitted to the next screen too.
    assert "view" not in address_params(page), address_params(page)

    frame, scene = open_and_settle(page, f"{base_url}/present?scene=1&lang={language}")
    where = f"presenting {size} {language}"
    assert_country_fills_the_frame(scene, where)
    assert_basemap_past_every_edge(scene, where)
    assert assert_no_name_overlaps(frame, where) > 0, f"{where}: no name is shown"
    expected_scale = max(1.0, min((scene["frame"][2] - scene["frame"][0]) / 1920, 2.5))
    assert scene["scale"] == pytest.approx(expected_scale, abs=0.25), f"{where}: --kz-scale {scene['scale']}"
    if width >= 3840:
        assert scene["scale"] >= 1.8
        drawn, weight = frame.evaluate(REGION_LINE)
        assert drawn == pytest.approx(weight * scene["scale"], abs=0.01), "region outlines do not grow with the screen"
        legend = frame.evaluate("document.querySelector('.kz-legend').getBoundingClientRect().width")
        assert legend >= 400, f"the legend is {legend} px wide on a 4K wall"


def test_close_up_scenes_stop_at_the_basemaps_detail_and_region_scenes_show_the_region(
    pages, shot_on_failure, base_url: str
):
    page = pages["3840x2160"]
    shot_on_failure.append(page)
    frame, astana = open_and_settle(page, f"{base_url}/present?scene=6")
    assert astana["zoom"] == BASEMAP_DETAIL_ZOOM
    south, west, north, east = astana["view"]
    assert south < 51.11 < north and west < 71.42 < east, "the Astana scene does not show Astana"

    for shown in (5, 4):
        page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
        page.keyboard.press("ArrowLeft")
        expect(page.locator("div.kz-counter")).to_have_text(f"Scene {shown} of 7", timeout=PAINT_TIMEOUT_MS)
    regions = region_frame(load_catalogue(GEODATA_DIR))
    r_west, r_south, r_east, r_north = regions.loc[regions["iso_code"] == "KZ-43"].total_bounds

    def region_in_view():
        measured = frame.evaluate(MEASURE)
        south, west, north, east = measured["view"]
        fits = south <= r_south and west <= r_west and north >= r_north and east >= r_east
        return measured if fits and not measured["moving"] and measured["zoom"] < BASEMAP_DETAIL_ZOOM else None

    aral = wait_until(region_in_view, timeout_s=15, page=page, message="the Aral scene does not show Kyzylorda region")
    # Fitted, not merely inside: the region fills most of the wall in one direction.
    south, west, north, east = aral["view"]
    assert (r_east - r_west) / (east - west) >= 0.6 or (r_north - r_south) / (north - south) >= 0.6, aral


def test_clearing_the_region_pick_fits_the_country_again(pages, shot_on_failure, base_url: str):
    page = pages["1366x768"]
    shot_on_failure.append(page)
    frame, before = open_and_settle(page, f"{base_url}/?regions=KZ-39")
    assert before["zoom"] > 5.5, "the link with a region did not open fitted to it"

    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Region").first
    picker.get_by_role("button", name=re.compile("Clear all|Remove")).first.click()
    wait_until(lambda: "regions" not in address_params(page), timeout_s=15, page=page, message="the pick stayed")
    wait_until(
        lambda: frame.evaluate("window.map.getZoom()") < before["zoom"] - 0.5,
        timeout_s=15,
        page=page,
        message="the map did not zoom out",
    )
    after = settled(frame)
    assert_country_fills_the_frame(after, "after clearing the region")
    assert_basemap_past_every_edge(after, "after clearing the region")
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    v_south, v_west, v_north, v_east = after["view"]
    assert v_south <= south and v_west <= west and v_north >= north and v_east >= east
