"""Map explorer in real Chromium: what only a live Leaflet map inside st_folium can show.

The map lives in the streamlit-folium component iframe. Feature SVG paths carry the
classes ``kz-layer-<kind>``; the region outlines carry ``kz-layer-regions``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mapkit import (
    MAP_IFRAME,
    PAINT_TIMEOUT_MS,
    REGION_COUNT,
    ROOT_DIR,
    map_frame,
    map_locator,
    metric_value,
    wait_until,
)
from playwright.sync_api import Frame, FrameLocator, Page, expect

pytestmark = pytest.mark.browser


MAP_KINDS = ("strict_nature_reserve", "nature_reserve", "national_park", "ecological_corridor", "undp_site")
ALLOWED_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}

MALICIOUS_IMG = "<img src=x onerror=alert(1)>"
MALICIOUS_TEMPLATE = "${alert(2)}"
MALICIOUS_NAME = MALICIOUS_IMG + MALICIOUS_TEMPLATE + "`backtick"


# ---------------------------------------------------------------- helpers


def feature_paths(page: Page, kind: str):
    return map_locator(page).locator(f".kz-layer-{kind}")


def open_atlas(page: Page, url: str) -> FrameLocator:
    """Open the map explorer and wait until the regions and at least one feature are painted."""
    page.goto(url)
    fmap = map_locator(page)
    expect(fmap.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    expect(fmap.locator(".kz-layer-national_park").first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    return fmap


def read_int(locator) -> int:
    expect(locator).to_have_text(re.compile(r"^\s*[\d,]+\s*$"))
    return int(locator.inner_text().replace(",", "").strip())


def search_box(page: Page):
    return page.get_by_label("Search by name")


def search_for(page: Page, text: str) -> None:
    box = search_box(page)
    box.fill(text)
    box.press("Enter")


def wait_for_map_zoom(frame: Frame, above: float) -> float:
    return wait_until(
        lambda: (zoom := frame.evaluate("window.map.getZoom()")) > above and zoom,
        timeout_s=10,
        message=f"map zoom did not rise above {above}",
    )


def wait_for_zoom_to_settle(frame: Frame) -> None:
    """Wait until Leaflet has finished its zoom animation (no class leaflet-zoom-anim)."""
    wait_until(
        lambda: frame.evaluate("!document.querySelector('.leaflet-zoom-anim')"),
        timeout_s=10,
        message="map zoom animation did not finish",
    )


def hover_feature(page: Page, css_class: str) -> None:
    """Hover the first ``css_class`` path whose centre is not covered by something else."""
    index = map_frame(page).evaluate(
        """(cls) => [...document.querySelectorAll('path.' + cls)].findIndex((path) => {
            const box = path.getBoundingClientRect();
            if (!box.width || !box.height) return false;
            return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === path;
        })""",
        css_class,
    )
    assert index >= 0, f"no {css_class} path can be hovered at its centre"
    map_locator(page).locator(f"path.{css_class}").nth(index).hover()


# ---------------------------------------------------------------- tests


def test_map_paints_every_layer_with_legend_and_layer_control(page: Page, base_url: str):
    fmap = open_atlas(page, base_url)

    expect(fmap.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT)
    for kind in MAP_KINDS:
        expect(feature_paths(page, kind).first).to_be_attached()
        assert feature_paths(page, kind).count() >= 1, kind

    legend = fmap.locator(".kz-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Approximate or schematic shape, not a boundary")
    note = fmap.locator(".kz-map-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("do not imply official endorsement")
    expect(note).to_contain_text("OpenStreetMap contributors (ODbL)")
    # The key sits top left, over the neighbours north-west of the country; the note runs along
    # the bottom edge: the south-east, where most reserves and parks are, stays in view.
    frame = fmap.locator(".leaflet-container").first.bounding_box()
    key, strip = legend.bounding_box(), note.bounding_box()
    assert key["x"] + key["width"] <= frame["x"] + frame["width"] / 2, (key, frame)
    assert key["y"] + key["height"] <= frame["y"] + frame["height"] / 2, (key, frame)
    assert strip["y"] >= frame["y"] + frame["height"] * 0.8, (strip, frame)
    assert strip["width"] >= frame["width"] / 2, (strip, frame)

    control = fmap.locator(".leaflet-control-layers")
    expect(control).to_be_visible()
    for label in ("National park", "Ecological corridor", "UNDP project site"):
        expect(control).to_contain_text(label)
    # Each kind's entry carries its colour swatch, so the switcher doubles as a legend.
    expect(control.locator(".kz-swatch")).to_have_count(len(MAP_KINDS))


def test_page_stays_on_the_app_host_and_logs_no_errors(page: Page, page_log, base_url: str):
    open_atlas(page, base_url)
    for kind in MAP_KINDS:
        expect(feature_paths(page, kind).first).to_be_attached()
    page.wait_for_load_state("networkidle")

    assert page_log.requests, "no request was recorded (is the listener working?)"
    foreign = []
    for url in page_log.requests + page_log.websockets:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if parts.hostname not in ALLOWED_HOSTS:
            foreign.append(url)
    assert foreign == [], f"requests left the app host: {foreign}"
    assert any("/app/static/leaflet/leaflet.js" in url for url in page_log.requests), "Leaflet not served by the app"
    assert page_log.console_errors == []
    assert page_log.page_errors == []


def test_name_filter_changes_map_and_panels(page: Page, base_url: str):
    open_atlas(page, base_url)
    matching = metric_value(page, "Matching features")
    total = read_int(matching)
    assert total >= 46
    assert feature_paths(page, "national_park").count() > 0

    search_for(page, "Naurzum")

    expect(feature_paths(page, "strict_nature_reserve")).to_have_count(1)
    expect(feature_paths(page, "national_park")).to_have_count(0)
    expect(matching).to_have_text("1")

    search_for(page, "")

    expect(matching).to_have_text(f"{total:,}")
    expect(feature_paths(page, "national_park").first).to_be_attached()
    assert feature_paths(page, "strict_nature_reserve").count() > 1


def test_filter_keeps_map_iframe_and_view(page: Page, base_url: str):
    fmap = open_atlas(page, base_url)
    frame = map_frame(page)
    strict_before = feature_paths(page, "strict_nature_reserve").count()
    assert strict_before > 1

    start_zoom = frame.evaluate("window.map.getZoom()")
    fmap.locator("a.leaflet-control-zoom-in").click()
    zoom = wait_for_map_zoom(frame, above=start_zoom)
    wait_for_zoom_to_settle(frame)
    frame.evaluate("window.__kz_marker = 42")

    search_for(page, "Naurzum")
    expect(feature_paths(page, "strict_nature_reserve")).to_have_count(1)
    expect(metric_value(page, "Matching features")).to_have_text("1")

    after = map_frame(page)
    assert after.evaluate("window.__kz_marker") == 42, "the map iframe was reloaded by the filter"
    assert after.evaluate("window.map.getZoom()") == zoom, "the filter reset the map zoom"


def test_pan_and_zoom_do_not_rerun_the_script(page: Page, base_url: str):
    sent: list[float] = []

    def watch(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framesent", lambda _payload: sent.append(time.monotonic()))

    page.on("websocket", watch)
    fmap = open_atlas(page, base_url)
    frame = map_frame(page)
    total = read_int(metric_value(page, "Matching features"))

    # Idle: the script has finished and nothing was sent for a full second.
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    wait_until(
        lambda: sent and time.monotonic() - sent[-1] > 1.0,
        timeout_s=15,
        page=page,
        message="the page never went quiet on the websocket",
    )
    before = len(sent)

    start_zoom = frame.evaluate("window.map.getZoom()")
    fmap.locator("a.leaflet-control-zoom-in").click()
    wait_for_map_zoom(frame, above=start_zoom)
    wait_for_zoom_to_settle(frame)

    start_centre = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.85
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 80, y - 50, steps=10)
    page.mouse.up()
    wait_until(
        lambda: frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]") != start_centre,
        timeout_s=5,
        message="the drag did not pan the map",
    )

    # Bounded watch: fail at once if a frame goes out within two seconds.
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        assert len(sent) == before, "panning or zooming sent a message to the server (script rerun)"

    # Positive control: a filter change must reach the server.
    page.get_by_text("Only UNDP-supported").click()
    wait_until(
        lambda: len(sent) > before, timeout_s=10, page=page, message="a filter change sent nothing to the server"
    )
    expect(metric_value(page, "Matching features")).not_to_have_text(str(total))


def test_empty_result_shows_message_and_only_regions(page: Page, base_url: str):
    open_atlas(page, base_url)

    search_for(page, "zzzz-no-such-place")

    expect(page.get_by_text("No feature matches these filters")).to_be_visible()
    expect(metric_value(page, "Matching features")).to_have_text("0")
    for kind in MAP_KINDS:
        expect(feature_paths(page, kind)).to_have_count(0)
    expect(map_locator(page).locator("path.kz-layer-regions")).to_have_count(REGION_COUNT)


# ---------------------------------------------------------------- escaping


def _poison_geodata(target: Path) -> None:
    """Copy geodata/ to ``target`` with every displayed name replaced by markup and JS."""
    shutil.copytree(ROOT_DIR / "geodata", target, ignore=shutil.ignore_patterns("sources"))
    name_fields = {
        "protected_areas.geojson": ("name_en", "name_ru", "name_kk"),
        "corridors.geojson": ("name_en", "name_ru", "name_kk"),
        "undp_sites.geojson": ("name_en", "name_ru", "name_kk"),
        "regions.geojson": ("name_en",),
    }
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for filename, fields in name_fields.items():
        path = target / filename
        data = json.loads(path.read_text(encoding="utf-8"))
        for feature in data["features"]:
            for name in fields:
                feature["properties"][name] = MALICIOUS_NAME
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        for record in manifest["layers"].values():
            if record["file"] == filename:
                record["sha256"] = digest
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def poisoned_url(start_server, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("poisoned") / "geodata"
    _poison_geodata(target)
    return start_server({"KZATLAS_GEODATA_DIR": str(target)})


def test_names_with_markup_render_as_text(page: Page, page_log, poisoned_url: str):
    fmap = open_atlas(page, poisoned_url)
    # The layers loaded from the copy (a checksum or load problem would show an alert).
    expect(page.get_by_text("could not be loaded")).to_have_count(0)
    expect(page.get_by_text("differs from the manifest checksum")).to_have_count(0)
    tooltip = fmap.locator(".leaflet-tooltip")

    hover_feature(page, "kz-layer-national_park")
    expect(tooltip).to_have_count(1)
    expect(tooltip).to_contain_text(MALICIOUS_IMG)
    expect(tooltip).to_contain_text(MALICIOUS_TEMPLATE)
    expect(tooltip).to_contain_text("`backtick")

    page.mouse.move(0, 0)
    expect(tooltip).to_have_count(0)
    hover_feature(page, "kz-layer-regions")
    expect(tooltip).to_have_count(1)
    expect(tooltip).to_contain_text(MALICIOUS_IMG + MALICIOUS_TEMPLATE)

    # The feature table and the sidebar's region picker show the names as text too.
    table = page.locator('[data-testid="stDataFrame"] table')
    expect(table).to_contain_text(MALICIOUS_IMG + MALICIOUS_TEMPLATE)
    page.locator('[data-testid="stMultiSelect"]').filter(has_text="Region").click()
    expect(page.get_by_role("option").filter(has_text=MALICIOUS_IMG).first).to_be_visible()
    page.keyboard.press("Escape")

    expect(fmap.locator('img[src="x"]')).to_have_count(0)
    expect(page.locator('img[src="x"]')).to_have_count(0)
    fetched_x = [url for url in page_log.requests if urlsplit(url).path.endswith("/x")]
    assert fetched_x == [], f"an injected <img> was created: {fetched_x}"
    assert page_log.dialogs == [], f"injected script ran: {page_log.dialogs}"
    assert page_log.page_errors == []
