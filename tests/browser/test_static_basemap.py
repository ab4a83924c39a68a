"""The live map fetches its unchanging shapes (regions, basemap) once, over HTTP, not on each rerun.

A filter change then sends the map again without the region outlines and the basemap: the
bytes the page receives for it must stay well below the size of that one static file.
"""

from __future__ import annotations

import re
import time

from mapkit import PAINT_TIMEOUT_MS, REGION_COUNT, map_frame, map_locator, settle, wait_until
from playwright.sync_api import Page, expect

MAPDATA = re.compile(r"/app/static/mapdata/[0-9a-f]+\.json$")
SEARCH_LABEL = "Search by name"

# Order of the shapes in the map's vector layer: region outlines, then water, then features.
DRAW_ORDER_JS = """() => {
    const paths = [...document.querySelectorAll('.leaflet-overlay-pane svg path')];
    const where = (test) => paths.map((path, i) => test(path.getAttribute('class') || '') ? i : -1)
                                 .filter((i) => i >= 0);
    return {
        regions: where((c) => c.includes('kz-layer-regions')),
        water: where((c) => c.includes('kz-basemap-water')),
        features: where((c) => /kz-layer-(national_park|nature_reserve|strict_nature_reserve)/.test(c)),
    };
}"""


class Traffic:
    """What the page received on Streamlit's websocket, and the map data files it fetched."""

    def __init__(self, page: Page) -> None:
        self.received: list[tuple[float, int]] = []
        self.mapdata: list[tuple[str, int, int]] = []  # url, status, body bytes
        page.on("websocket", self._watch)
        page.on("requestfinished", self._finished)

    def _watch(self, ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framereceived", lambda payload: self.received.append((time.monotonic(), len(payload))))

    def _finished(self, request) -> None:
        if MAPDATA.search(request.url):
            response = request.response()
            self.mapdata.append((request.url, response.status, len(response.body())))

    def bytes_since(self, start: float) -> int:
        return sum(size for when, size in self.received if when >= start)

    def quiet(self, page: Page) -> None:
        """Wait until nothing arrived on the websocket for a second."""
        wait_until(
            lambda: self.received and time.monotonic() - self.received[-1][0] > 1.0,
            timeout_s=20,
            page=page,
            message="the websocket never went quiet",
        )


def search_for(page: Page, text: str) -> None:
    box = page.get_by_label(SEARCH_LABEL)
    box.fill(text)
    box.press("Enter")


def test_base_map_arrives_once_over_http_and_not_with_a_filter_change(page: Page, page_log, base_url: str):
    traffic = Traffic(page)
    page.goto(base_url)
    fmap = map_locator(page)
    expect(fmap.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    expect(fmap.locator("path.kz-basemap-water").first).to_be_attached()
    expect(fmap.locator(".kz-layer-national_park").first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    settle(page)
    traffic.quiet(page)

    # Two static files, once each: the base map, and the time line's per-feature parts.
    assert len(traffic.mapdata) == 2, traffic.mapdata
    (url, status, size), (line_url, line_status, _line_size) = sorted(traffic.mapdata, key=lambda item: -item[2])
    assert status == 200 and size > 200_000, traffic.mapdata
    assert line_status == 200 and set(page.request.get(line_url).json()) == {"years", "events", "sizes", "ends"}

    # Water still lies over the regions, and the features over both.
    order = map_frame(page).evaluate(DRAW_ORDER_JS)
    assert len(order["regions"]) == REGION_COUNT and order["water"] and order["features"]
    assert max(order["regions"]) < min(order["water"]) and max(order["water"]) < min(order["features"]), order

    # A filter change: the map is sent again, but without the shapes in the static file.
    start = time.monotonic()
    search_for(page, "Naurzum")
    expect(fmap.locator(".kz-layer-strict_nature_reserve")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    settle(page)
    traffic.quiet(page)
    received = traffic.bytes_since(start)
    print(f"filter change: {received:,} bytes received; base map file: {size:,} bytes")
    assert 0 < received < size / 3, f"a filter change received {received} bytes; the base map file has {size}"
    assert len(traffic.mapdata) == 2, "the base map or the time line's file was fetched again"
    expect(fmap.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT)

    # The region outlines still name their region on hover.
    index = map_frame(page).evaluate(
        """() => [...document.querySelectorAll('path.kz-layer-regions')].findIndex((path) => {
            const box = path.getBoundingClientRect();
            return box.width && document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === path;
        })"""
    )
    assert index >= 0
    fmap.locator("path.kz-layer-regions").nth(index).hover()
    expect(fmap.locator(".leaflet-tooltip")).to_have_count(1)
    expect(fmap.locator(".leaflet-tooltip")).not_to_be_empty()
    assert page_log.page_errors == [] and page_log.console_errors == []


def test_map_still_works_when_the_base_map_cannot_be_fetched(page: Page, page_log, base_url: str):
    page.route(MAPDATA, lambda route: route.abort())
    page.goto(base_url)
    fmap = map_locator(page)
    expect(fmap.locator(".kz-layer-national_park").first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    expect(fmap.locator(".leaflet-control-layers")).to_contain_text("Regions (2022 division)")
    settle(page)
    search_for(page, "Naurzum")
    expect(fmap.locator(".kz-layer-strict_nature_reserve")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    expect(fmap.locator("path.kz-layer-regions")).to_have_count(0)
    assert page_log.page_errors == []
