"""Selecting on the map and sharing the page address, in real Chromium.

A click on a feature shape reports the feature's id (``SELECT_ON_CLICK``); the page shows a
details panel and outlines the shape (class ``kz-selected``). The address holds the state
(``sel``, the filters and ``view=lat,lng,zoom``); ``view`` is written by the map iframe with
``history.replaceState``, which Playwright's ``page.url`` does not see, so the address is read
with ``location.href`` in the page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from mapkit import (
    ARTIFACTS_DIR,
    MAP_IFRAME,
    VIEWPORT,
    address_params,
    map_frame,
    map_locator,
    metric_value,
    open_map_page,
    wait_for_param,
    wait_until,
)
from playwright.sync_api import Browser, FrameLocator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from kzatlas.catalog import feature_frame, load_catalogue
from kzatlas.config import GEODATA_DIR, KAZAKHSTAN_BOUNDS

pytestmark = pytest.mark.browser


PARK_ID, PARK_NAME = "pa-buyratau", "Buyratau National Park"  # UNDP-supported national park
OTHER_ID, OTHER_NAME = "pa-bayanaul", "Bayanaul National Park"
RESERVE_ID, RESERVE_NAME = "pa-altyn-dala", "Altyn Dala State Nature Reserve"  # UNDP-supported, large
SITE_ID, SITE_NAME = "undp-semey-diagnostic-centre", "First diagnostic centre in Semey"  # a circle marker
EMPTY_REGION = "KZ-47"  # Mangystau: a region shape away from the selected parks

PROFILE_REGION, PROFILE_NAME = "KZ-39", "Kostanay Region"
OTHER_REGION, OTHER_REGION_NAME = "KZ-35", "Karaganda Region"


# ---------------------------------------------------------------- helpers


def address(page: Page) -> str:
    """The page address as the user sees it (includes the map's ``replaceState`` changes)."""
    return page.evaluate("location.href")


def details_heading(page: Page, name: str):
    return page.locator("h3").filter(has_text=name)


def facts_table(page: Page):
    return page.locator('[data-testid="stDataFrame"]').filter(has_text="Field").filter(has_text="Value")


def selected_ids(page: Page) -> list[str] | None:
    """Ids of the shapes that carry ``kz-selected`` (from Leaflet's layers); ``None`` while no map is up.

    While a page is loading, its map iframe may be between two documents when this is asked.
    """
    try:
        return map_frame(page).evaluate(
            """() => {
            if (!window.map) return null;
            const ids = [];
            window.map.eachLayer((layer) => {
                const el = layer.feature && (layer._path || (layer.getElement && layer.getElement()));
                if (el && el.classList.contains('kz-selected')) ids.push(layer.feature.properties.id);
            });
            return ids;
        }"""
        )
    except PlaywrightError:
        return None


# Where to click a shape so that the click reaches it: its reported anchor if nothing covers
# it there, else the first point of a grid over its box that hits it. The point is in the
# map iframe's own coordinates; ``null`` when no point of the shape can be clicked.
_FIND_SHAPE_JS = """([id, cls]) => {
    let target = null;
    window.map.eachLayer((layer) => {
        if (layer.feature && layer.feature.properties.id === id && layer._path) target = layer;
    });
    if (!target) return {drawn: false};
    const el = target._path;
    if (!el.classList.contains(cls)) return {drawn: true, classed: false};
    const box = el.getBoundingClientRect();
    const container = window.map.getContainer().getBoundingClientRect();
    const hits = (x, y) => x > container.left + 2 && x < container.right - 2 && y > container.top + 2
        && y < container.bottom - 2 && document.elementFromPoint(x, y) === el;
    const anchor = target.feature.properties.anchor;
    const candidates = [];
    if (anchor) {
        const pt = window.map.latLngToContainerPoint(L.latLng(anchor[0], anchor[1]));
        candidates.push([container.left + pt.x, container.top + pt.y]);
    }
    for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++)
        candidates.push([box.left + box.width * i / 12, box.top + box.height * j / 12]);
    const hit = candidates.find(([x, y]) => hits(x, y));
    return {drawn: true, classed: true, point: hit || null};
}"""

# A point of the bare map background (no shape, no control), near the container's edges first.
_FIND_EMPTY_JS = """() => {
    const container = window.map.getContainer();
    const box = container.getBoundingClientRect();
    const fractions = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.94, 0.97];
    for (const fy of fractions) for (const fx of fractions) {
        const x = box.left + box.width * fx, y = box.top + box.height * fy;
        if (document.elementFromPoint(x, y) === container) return [x, y];
    }
    return null;
}"""


def click_in_map(page: Page, point: list[float]) -> None:
    """Click ``point`` (map iframe coordinates) with the real mouse, the whole map in view.

    The page is scrolled first and its layout left to settle, so the point is computed and
    clicked against the same iframe position.
    """
    iframe = page.locator(MAP_IFRAME)
    boxes: list[dict] = []

    def settled() -> bool:
        boxes.append(iframe.bounding_box())
        return len(boxes) > 2 and boxes[-1] == boxes[-2] == boxes[-3]

    # The page may still be scrolling to the details panel of an earlier click: scroll again then.
    for _ in range(3):
        iframe.scroll_into_view_if_needed()
        boxes.clear()
        wait_until(settled, timeout_s=5, page=page, message="the map iframe kept moving")
        box = boxes[-1]
        x, y = box["x"] + point[0], box["y"] + point[1]
        if 0 <= x < VIEWPORT["width"] and 0 <= y < VIEWPORT["height"]:
            break
    assert 0 <= x < VIEWPORT["width"] and 0 <= y < VIEWPORT["height"], f"({x}, {y}) is outside the window"
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.matches('iframe') ?? false", [x, y])
    assert on_top, f"something on the page covers the map at ({x}, {y})"
    page.mouse.click(x, y)


def click_shape(page: Page, feature_id: str, kind: str) -> None:
    """Click the ``kz-layer-<kind>`` shape of ``feature_id`` with the mouse where it is uncovered."""
    cls = f"kz-layer-{kind}"
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    spot = map_frame(page).evaluate(_FIND_SHAPE_JS, [feature_id, cls])
    assert spot["drawn"], f"{feature_id} is not drawn on the map"
    assert spot["classed"], f"{feature_id} is drawn without the class {cls}"
    assert spot["point"] is not None, f"no uncovered point of {feature_id} inside the map view"
    click_in_map(page, spot["point"])


def click_empty_map(page: Page) -> None:
    """Click the bare map background (the sea around the regions)."""
    point = map_frame(page).evaluate(_FIND_EMPTY_JS)
    assert point is not None, "no bare background visible on the map"
    click_in_map(page, point)


def zoom_in(page: Page, fmap: FrameLocator) -> float:
    """Press the map's zoom-in button and wait for the animation to end; return the new zoom."""
    frame = map_frame(page)
    start = frame.evaluate("window.map.getZoom()")
    fmap.locator("a.leaflet-control-zoom-in").click()
    zoom = wait_until(
        lambda: (value := frame.evaluate("window.map.getZoom()")) > start and value,
        timeout_s=10,
        message=f"map zoom did not rise above {start}",
    )
    wait_until(
        lambda: frame.evaluate("!document.querySelector('.leaflet-zoom-anim')"),
        timeout_s=10,
        message="map zoom animation did not finish",
    )
    return zoom


# Every view the map's frame reports at the end of a move, kept in the page (install before ``goto``).
RECORD_MAP_MOVES = """
(() => {
    if (window === window.top) { return; }
    let kept;
    Object.defineProperty(window, "map", {configurable: true, get() { return kept; }, set(map) {
        kept = map;
        map.on("moveend", () => {
            const centre = map.getCenter();
            (window.top.__kzMoves = window.top.__kzMoves || []).push([centre.lat, centre.lng, map.getZoom()]);
        });
    }});
})();
"""


def wait_until_view_settles(page: Page) -> None:
    """Wait past the map frame's last settling check (FillWindow's, 2 s after drawing)."""
    page.wait_for_timeout(2500)


def map_view(page: Page) -> tuple[float, float, float]:
    return tuple(
        map_frame(page).evaluate("[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")
    )


def watch_sent_frames(page: Page) -> list[float]:
    """Record when the page sends a websocket frame to the app (install before ``goto``)."""
    sent: list[float] = []

    def watch(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framesent", lambda _payload: sent.append(time.monotonic()))

    page.on("websocket", watch)
    return sent


def wait_until_quiet(page: Page, sent: list[float], quiet_s: float = 1.0) -> None:
    """Wait until the script has finished and nothing was sent for ``quiet_s``."""
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    wait_until(
        lambda: sent and time.monotonic() - sent[-1] > quiet_s,
        timeout_s=15,
        page=page,
        message="the page never went quiet on the websocket",
    )


def assert_shows_feature(page: Page, feature_id: str, name: str) -> None:
    """The details panel and the map both show ``feature_id`` as the selection."""
    expect(details_heading(page, name)).to_be_visible()
    expect(facts_table(page)).to_have_count(1)
    wait_until(
        lambda: selected_ids(page) == [feature_id],
        timeout_s=10,
        page=page,
        message=f"the map does not outline only {feature_id}",
    )


def assert_nothing_selected(page: Page, names: tuple[str, ...]) -> None:
    for name in names:
        expect(details_heading(page, name)).to_have_count(0)
    expect(facts_table(page)).to_have_count(0)
    expect(map_locator(page).locator(".kz-selected")).to_have_count(0)
    wait_for_param(page, "sel", None)


@pytest.fixture(scope="module")
def catalogue_counts() -> dict[str, int]:
    """What the bundled catalogue holds (the server under test uses the same files)."""
    features = feature_frame(load_catalogue(GEODATA_DIR))
    return {"all": len(features), "undp": int(features["undp_supported"].sum())}


@pytest.fixture()
def fresh_page(browser: Browser, request) -> Iterator[Page]:
    """A page in a second, new browser context (no cookies, storage or session shared)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS_DIR / f"{name}-fresh.png"), full_page=True)
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"screenshot failed: {exc!r}")
    context.close()


# ---------------------------------------------------------------- map explorer


def test_clicking_a_park_shows_its_details_and_outlines_it(page: Page, page_log, base_url: str):
    open_map_page(page, base_url)
    expect(details_heading(page, PARK_NAME)).to_have_count(0)
    expect(map_locator(page).locator(".kz-selected")).to_have_count(0)

    click_shape(page, PARK_ID, "national_park")

    assert_shows_feature(page, PARK_ID, PARK_NAME)
    facts = facts_table(page)
    expect(facts).to_contain_text("National park")
    expect(facts).to_contain_text("Karaganda Region")
    expect(map_locator(page).locator("path.kz-layer-national_park.kz-selected")).to_have_count(1)
    wait_for_param(page, "sel", PARK_ID)
    assert page_log.page_errors == []


def test_clicking_the_same_feature_again_sends_nothing(page: Page, base_url: str):
    sent = watch_sent_frames(page)
    open_map_page(page, base_url)
    click_shape(page, PARK_ID, "national_park")
    assert_shows_feature(page, PARK_ID, PARK_NAME)
    wait_until_quiet(page, sent)
    before = len(sent)

    click_shape(page, PARK_ID, "national_park")

    # Bounded watch: fail at once if a frame goes out within two seconds.
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        assert len(sent) == before, "a second click on the selected feature sent a message (script rerun)"
    assert_shows_feature(page, PARK_ID, PARK_NAME)

    # Positive control: a different feature does reach the server and changes the panel.
    click_shape(page, OTHER_ID, "national_park")
    wait_until(lambda: len(sent) > before, timeout_s=10, page=page, message="a new click sent nothing")
    assert_shows_feature(page, OTHER_ID, OTHER_NAME)
    expect(details_heading(page, PARK_NAME)).to_have_count(0)
    wait_for_param(page, "sel", OTHER_ID)


def test_clicking_empty_map_or_a_region_clears_the_selection(page: Page, base_url: str):
    open_map_page(page, base_url)
    click_shape(page, PARK_ID, "national_park")
    assert_shows_feature(page, PARK_ID, PARK_NAME)
    wait_for_param(page, "sel", PARK_ID)

    click_empty_map(page)
    assert_nothing_selected(page, (PARK_NAME,))

    # A region outline is not selectable on the explorer: clicking it clears too.
    click_shape(page, SITE_ID, "undp_site")
    assert_shows_feature(page, SITE_ID, SITE_NAME)
    wait_for_param(page, "sel", SITE_ID)
    click_shape(page, EMPTY_REGION, "regions")
    assert_nothing_selected(page, (SITE_NAME,))


def test_copied_address_reopens_the_same_view(page: Page, fresh_page: Page, base_url: str, catalogue_counts):
    fmap = open_map_page(page, base_url)
    opened = map_view(page)[2]
    zoom_in(page, fmap)
    zoom = zoom_in(page, fmap)
    assert zoom > opened
    click_shape(page, RESERVE_ID, "nature_reserve")
    assert_shows_feature(page, RESERVE_ID, RESERVE_NAME)
    page.get_by_text("Only UNDP-supported").click()
    undp_box = page.get_by_role("checkbox", name="Only UNDP-supported")
    expect(undp_box).to_be_checked()
    expect(metric_value(page, "Matching features")).to_have_text(str(catalogue_counts["undp"]))
    assert_shows_feature(page, RESERVE_ID, RESERVE_NAME)  # still UNDP-supported, so still shown

    lat, lng, zoom = map_view(page)
    params = wait_for_param(page, "undp", "1")
    assert params.get("sel") == RESERVE_ID, params
    assert "view" in params, f"the map view is not in the address: {address(page)}"
    view = [float(part) for part in params["view"].split(",")]
    assert view[2] == zoom and abs(view[0] - lat) < 1e-3 and abs(view[1] - lng) < 1e-3, (params["view"], lat, lng)
    link = address(page)

    fresh_page.add_init_script(RECORD_MAP_MOVES)
    open_map_page(fresh_page, link)
    assert_shows_feature(fresh_page, RESERVE_ID, RESERVE_NAME)
    expect(fresh_page.get_by_role("checkbox", name="Only UNDP-supported")).to_be_checked()
    expect(metric_value(fresh_page, "Matching features")).to_have_text(str(catalogue_counts["undp"]))
    expect(fresh_page.get_by_text("was not understood")).to_have_count(0)
    opened: list[tuple[float, float, float]] = []
    wait_until(
        lambda: opened.append(map_view(fresh_page)) or opened[-1][2] == zoom,
        timeout_s=10,
        page=fresh_page,
        message=lambda: f"the copied link opened the map at zoom {opened[-1][2]}, not {zoom}",
    )
    new_lat, new_lng, _ = opened[-1]
    # Within a screen pixel or two: the view is restored through Leaflet's whole-pixel moves when
    # the frame settles its height (one pixel is 0.016 degrees of latitude at this zoom).
    pixel = 360 / (256 * 2**zoom)
    assert abs(new_lat - lat) < 2 * pixel and abs(new_lng - lng) < 2 * pixel, f"centre {(new_lat, new_lng)}, not {(lat, lng)}"
    # Nor on the way: the map goes straight to the link's view (an animated zoom there once let
    # the frame's sizing pull the centre up to a degree away, and sometimes left it there).
    wait_until_view_settles(fresh_page)
    moves = fresh_page.evaluate("window.__kzMoves || []")
    strayed = [move for move in moves if move[2] == zoom and (abs(move[0] - lat) >= 2 * pixel or abs(move[1] - lng) >= 2 * pixel)]
    assert moves and not strayed, f"the map passed through {strayed} on its way to {(lat, lng, zoom)} (all moves: {moves})"


def test_malformed_link_values_warn_and_fall_back_to_defaults(page: Page, base_url: str, catalogue_counts):
    open_map_page(page, f"{base_url}/?sel=nope&view=999,999,99&regions=XX-00")

    warnings = page.locator('[data-testid="stAlert"]').filter(has_text="was not understood")
    for param, value in (("sel", "nope"), ("view", "999,999,99"), ("regions", "XX-00")):
        expect(warnings.filter(has_text=f"'{param}'").filter(has_text=value)).to_have_count(1)
    expect(metric_value(page, "Matching features")).to_have_text(str(catalogue_counts["all"]))
    expect(map_locator(page).locator(".kz-layer-undp_site").first).to_be_attached()
    expect(map_locator(page).locator(".kz-selected")).to_have_count(0)
    expect(facts_table(page)).to_have_count(0)
    # The refused view falls back to the whole country, fitted to the frame.
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    wait_until(
        lambda: map_frame(page).evaluate(f"window.map.getBounds().contains([[{south}, {west}], [{north}, {east}]])"),
        timeout_s=10,
        page=page,
        message=lambda: f"the map shows {map_view(page)}, not the whole country",
    )
    params = wait_for_param(page, "sel", None)
    assert "regions" not in params, f"the refused region stayed in the address: {address(page)}"

    # The page still works: a click selects as usual.
    click_shape(page, PARK_ID, "national_park")
    assert_shows_feature(page, PARK_ID, PARK_NAME)
    wait_for_param(page, "sel", PARK_ID)


# ---------------------------------------------------------------- region profile


def region_select(page: Page):
    return page.get_by_role("combobox", name="Region", exact=True)


def test_region_profile_link_and_map_click_choose_the_region(page: Page, base_url: str):
    open_map_page(page, f"{base_url}/region_profile?region={PROFILE_REGION}", feature_kind=None)
    expect(page.locator("h1").first).to_have_text("Region profile")
    expect(region_select(page)).to_have_value(PROFILE_NAME)
    expect(metric_value(page, "Land area")).to_have_text(re.compile(r"\d"))
    expect(metric_value(page, "Reserves and parks")).to_have_text(re.compile(r"^\d+$"))
    wait_until(lambda: selected_ids(page) == [PROFILE_REGION], timeout_s=10, page=page, message="Kostanay not outlined")
    land_before = metric_value(page, "Land area").inner_text()
    assert address_params(page).get("region") == PROFILE_REGION
    map_frame(page).evaluate("window.__kz_marker = 7")  # gone if the map were reloaded

    click_shape(page, OTHER_REGION, "regions")

    expect(region_select(page)).to_have_value(OTHER_REGION_NAME)
    wait_for_param(page, "region", OTHER_REGION)
    expect(metric_value(page, "Land area")).not_to_have_text(land_before)
    wait_until(
        lambda: selected_ids(page) == [OTHER_REGION],
        timeout_s=10,
        page=page,
        message=f"the map does not outline only {OTHER_REGION}",
    )
    assert map_frame(page).evaluate("window.__kz_marker") == 7, "choosing a region reloaded the map"
    expect(page.get_by_text("was not understood")).to_have_count(0)
