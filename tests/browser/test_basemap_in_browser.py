"""The offline basemap and the names on the map, in real Chromium inside st_folium.

Land is painted in the ``kz-land`` pane, water and rivers over the regions, and every name in
the ``kz-labels`` pane; the label script shows a name only where it touches no other.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from mapkit import PAINT_TIMEOUT_MS, map_locator, open_map_page, overlapping, visible_labels, wait_until
from playwright.sync_api import Page, expect

from kzatlas import catalog
from kzatlas.config import GEODATA_DIR

pytestmark = pytest.mark.browser

ALLOWED_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}

# Every visible name: its text and its box on the screen.


def test_neighbours_water_and_names_are_drawn_without_overlap_and_offline(page: Page, page_log, base_url: str):
    fmap = open_map_page(page, base_url)
    land = fmap.locator(".leaflet-kz-land-pane path.kz-basemap-land")
    expect(land.first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    assert land.count() > 10
    water = fmap.locator("path.kz-basemap-water")
    assert water.count() > 10
    assert fmap.locator("path.kz-basemap-river").count() > 5
    # Painted: the paths have a size on screen (the Caspian is the largest water body).
    boxes = [box for box in (water.nth(i).bounding_box() for i in range(water.count())) if box]
    assert max(box["width"] * box["height"] for box in boxes) > 10_000

    labels = wait_until(
        lambda: (
            (found := visible_labels(page)) and {"Russia", "China", "Astana"} <= {x["text"] for x in found} and found
        ),
        timeout_s=20,
        page=page,
        message=lambda: f"names seen: {[x['text'] for x in visible_labels(page)]}",
    )
    assert overlapping(labels) == []
    feature_names = set(catalog.feature_frame(catalog.load_catalogue(GEODATA_DIR))["name_en"])
    assert {x["text"] for x in labels} & feature_names, "no reserve, park or corridor is named at country zoom"

    foreign = [
        url
        for url in page_log.requests + page_log.websockets
        if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).hostname not in ALLOWED_HOSTS
    ]
    assert foreign == [], f"requests left the app host: {foreign}"
    assert page_log.page_errors == []


def test_a_small_reserve_is_named_when_zoomed_in(page: Page, base_url: str):
    features = catalog.feature_frame(catalog.load_catalogue(GEODATA_DIR))
    areas = features[features.geom_type.isin(["Polygon", "MultiPolygon"]) & (features["kind"] != "ecological_corridor")]
    small = areas.sort_values("area_drawn_ha").iloc[0]
    point = small.geometry.representative_point()
    open_map_page(page, f"{base_url}/?view={point.y:.4f},{point.x:.4f},9")
    wait_until(
        lambda: small["name_en"] in {x["text"] for x in visible_labels(page)},
        timeout_s=20,
        page=page,
        message=lambda: f"{small['name_en']} not named; seen: {[x['text'] for x in visible_labels(page)]}",
    )
    # The names never take clicks: the map under a name still answers.
    assert (
        map_locator(page).locator(".leaflet-kz-labels-pane").evaluate("n => getComputedStyle(n).pointerEvents")
        == "none"
    )
    assert overlapping(visible_labels(page)) == []
