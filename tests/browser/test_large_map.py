"""A medium synthetic catalogue (2,000 extra UNDP sites) in real Chromium: every site painted on
the canvas layer, nothing fetched from outside 127.0.0.1, no rerun on pan or zoom, and a table
whose rows arrive as the user scrolls."""

from __future__ import annotations

import sys
import time
from urllib.parse import urlsplit

import pytest
from mapkit import PAINT_TIMEOUT_MS, REGION_COUNT, ROOT_DIR, map_frame, map_locator, wait_until
from playwright.sync_api import Page, expect

from kzatlas import analysis, catalog, timeline
from kzatlas.i18n import translator
from kzatlas.map import offline_kit
from kzatlas.ui.live_map import BELOW_MAP_LATER_FROM
from kzatlas.ui.table_display import LAZY_FROM_ROWS

pytestmark = pytest.mark.browser

SITES = 2_000

# The map's canvas layers of sites (each draws many sites; see kzatlas.map.site_canvas).
SITE_LAYERS = "const layers = []; window.map.eachLayer((layer) => { if (layer.kzSites) layers.push(layer); });"
# A shown canvas site well inside the frame, away from the others: its pixel position, id and name.
SITE_ON_SCREEN_JS = (
    """() => {
    const size = window.map.getSize();
    const points = [];
    """
    + SITE_LAYERS
    + """
    for (const layer of layers) {
        layer._rows.forEach((row, index) => {
            if (layer._hidden[index]) return;
            const p = window.map.latLngToContainerPoint([row[0], row[1]]);
            if (p.x > 80 && p.y > 80 && p.x < size.x - 300 && p.y < size.y - 200) points.push([p, row[2], row[3]]);
        });
    }
    for (const [p, id, name] of points) {
        if (points.every(([q]) => q === p || Math.hypot(q.x - p.x, q.y - p.y) > 14)) return {x: p.x, y: p.y, id: id, name: name};
    }
    return null;
}"""
)
# Sites shown on the map (on a canvas layer, or one layer each) and the id drawn as selected.
COUNT_SITES_JS = (
    "() => { let count = 0; "
    + SITE_LAYERS
    + """
    layers.forEach((layer) => { count += layer.kzCount(); });
    window.map.eachLayer((layer) => { if (layer.kzId !== undefined) count += 1; });
    return count;
}"""
)
# Whether the sites' canvas is drawn above the regions' outlines and fill.
SITES_ABOVE_REGIONS_JS = """() => {
    const canvas = document.querySelector(".leaflet-pane canvas");
    const region = document.querySelector("path.kz-layer-regions");
    const depth = (node) => parseInt(getComputedStyle(node.closest(".leaflet-pane")).zIndex, 10);
    return !!canvas && !!region && depth(canvas) > depth(region);
}"""
# A point on a protected area's drawing, the top element there, with no site within 20 px
# (looked for after zooming to the first area, where the sites are sparse on the screen).
ZOOM_TO_AREA_JS = """() => new Promise((done) => {
    let area = null;
    window.map.eachLayer((l) => { if (!area && l._path && l._path.classList.contains("kz-layer-national_park")) area = l; });
    if (!area) { done(false); return; }
    window.map.once("moveend", () => setTimeout(() => done(true), 300));
    window.map.fitBounds(area.getBounds(), {animate: false});
})"""
AREA_AWAY_FROM_SITES_JS = (
    """() => {
    """
    + SITE_LAYERS
    + """
    const sites = [];
    layers.forEach((layer) => layer._rows.forEach((row) => sites.push(window.map.latLngToContainerPoint([row[0], row[1]]))));
    const origin = document.querySelector(".leaflet-container").getBoundingClientRect();
    for (const path of document.querySelectorAll("path.kz-layer-national_park, path.kz-layer-nature_reserve")) {
        const b = path.getBoundingClientRect();
        for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.5], [0.7, 0.5], [0.5, 0.3], [0.5, 0.7]]) {
            const x = b.left + b.width * fx, y = b.top + b.height * fy;
            if (document.elementFromPoint(x, y) !== path) continue;
            const px = x - origin.left, py = y - origin.top;
            if (sites.some((p) => Math.hypot(p.x - px, p.y - py) < 20)) continue;
            let layer = null;
            window.map.eachLayer((l) => { if (l._path === path) layer = l; });
            const name = layer && layer.feature ? layer.feature.properties.tip.replace(/<br>.*$/, "").replace(/<[^>]+>/g, "") : null;
            if (name) return {x: x, y: y, name: name};
        }
    }
    return null;
}"""
)
SELECTED_SITE_JS = (
    "() => { "
    + SITE_LAYERS
    + """
    const chosen = layers.filter((layer) => layer._selectedAt >= 0).map((layer) => layer._rows[layer._selectedAt][2]);
    return layers.length ? chosen : null;
}"""
)


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    sys.path.insert(0, str(ROOT_DIR / "bench"))
    from make_large_catalogue import make_large_catalogue

    folder = make_large_catalogue(tmp_path_factory.mktemp("medium") / "geodata", sites=SITES, vertices=100_000)
    features = catalog.feature_frame(catalog.load_catalogue(folder))
    located = analysis.located(features)
    points = located[(located["kind"] == "undp_site") & (located.geom_type == "Point")]
    years = timeline.appearance_years(points)
    return folder, len(points), years


def test_medium_catalogue_paints_every_site_offline_without_rerun_on_pan_or_zoom(
    page: Page, page_log, start_server, medium
):
    folder, sites, years = medium
    url = start_server(env={"KZATLAS_GEODATA_DIR": str(folder)})
    sent: list[float] = []
    page.on(
        "websocket",
        lambda ws: (
            ws.on("framesent", lambda _p: sent.append(time.monotonic())) if ws.url.endswith("/_stcore/stream") else None
        ),
    )
    page.goto(url)
    fmap = map_locator(page)
    expect(fmap.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    frame = map_frame(page)
    wait_until(
        lambda: frame.evaluate(COUNT_SITES_JS) == sites,
        timeout_s=60,
        page=page,
        message=lambda: f"{frame.evaluate(COUNT_SITES_JS)} of {sites} sites on the map",
    )
    assert fmap.locator("canvas").count() >= 1
    assert fmap.locator(".kz-layer-national_park").count() > 0  # the areas stay SVG shapes

    # The sites are drawn above the regions' fill, and hovering one (over a region, with the
    # regions shown) shows its name in the sites' one shared tooltip, alone; it goes when the
    # pointer leaves.
    assert frame.evaluate(SITES_ABOVE_REGIONS_JS), "the regions' fill lies over the sites"
    site = frame.evaluate(SITE_ON_SCREEN_JS)
    assert site, "no site marker lies inside the map's frame"
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.move(box["x"] + site["x"], box["y"] + site["y"])
    tooltip = fmap.locator(".leaflet-tooltip:visible")
    expect(tooltip).to_have_count(1)
    expect(tooltip).to_contain_text(site["name"])
    page.mouse.move(5, 5)  # off the map (a corner of the map may hold another shape with its own tooltip)
    expect(tooltip).to_have_count(0)

    # Away from the sites, the shapes below them still answer the pointer: a protected area
    # shows its own tooltip.
    opening = frame.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")
    assert frame.evaluate(ZOOM_TO_AREA_JS), "no national park on the map"
    area = frame.evaluate(AREA_AWAY_FROM_SITES_JS)
    assert area, "no protected area lies uncovered and away from the sites in the frame"
    page.mouse.move(box["x"] + area["x"], box["y"] + area["y"])
    expect(tooltip).to_have_count(1)
    expect(tooltip).to_contain_text(area["name"])
    page.mouse.move(5, 5)
    expect(tooltip).to_have_count(0)

    # The time line hides the sites that came later than the year shown, and brings them back.
    year = 2005
    earlier = sum(1 for first in years.values() if first is not None and first <= year)
    assert 0 < earlier < sites
    frame.evaluate(f"() => window.kzTimeLine.go({year})")
    wait_until(
        lambda: frame.evaluate(COUNT_SITES_JS) == earlier,
        timeout_s=30,
        page=page,
        message=lambda: f"{frame.evaluate(COUNT_SITES_JS)} sites shown in {year}, not the {earlier} started by then",
    )
    frame.evaluate("() => window.kzTimeLine.go(window.kzTimeLine.last)")
    wait_until(lambda: frame.evaluate(COUNT_SITES_JS) == sites, timeout_s=30, page=page)


    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    wait_until(lambda: sent and time.monotonic() - sent[-1] > 1.0, timeout_s=20, page=page)
    before = len(sent)
    frame.evaluate("() => { window.map.setZoom(window.map.getZoom() + 1); }")
    page.wait_for_timeout(800)
    frame.evaluate("() => { window.map.panBy([150, -90]); }")
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        assert len(sent) == before, "panning or zooming sent a message to the server (script rerun)"

    hosts = {
        urlsplit(address).hostname
        for address in page_log.requests
        if urlsplit(address).scheme in ("http", "https", "ws")
    }
    assert hosts <= {"127.0.0.1"}, f"requests left 127.0.0.1: {hosts}"
    assert page_log.page_errors == []

    # The table of matching features is longer than LAZY_FROM_ROWS, so its rows come in chunks:
    # scrolling to the end asks the server for them, and the last site is there.
    assert sites > LAZY_FROM_ROWS
    # With thousands of features the summary, the table and the downloads come in the run after
    # the map is drawn (the page helper reports it); the note saying so is then gone.
    assert sites >= BELOW_MAP_LATER_FROM
    expect(page.get_by_role("heading", name="Matching features")).to_be_visible(timeout=PAINT_TIMEOUT_MS)
    expect(page.get_by_text("follow as soon as the map is drawn")).to_have_count(0)
    expect(page.get_by_role("button", name="Download CSV")).to_have_count(1)
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    cells = table.locator('td[role="gridcell"]')
    expect(cells.first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    last_name = f" site {SITES}"
    assert not any(text.endswith(last_name) for text in cells.all_inner_texts())
    before = len(sent)
    table.hover()
    wait_until(
        lambda: page.mouse.wheel(0, 4000) or any(text.endswith(last_name) for text in cells.all_inner_texts()),
        timeout_s=30,
        page=page,
        message="the last site never appeared at the end of the table",
    )
    assert len(sent) > before, "scrolling the long table fetched no rows from the server"
    assert page_log.page_errors == []

    # A click on a site selects it: its details open and the map draws it as the selected one.
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()

    # A site under a map button: the click is the button's (the map zooms in), not the site's.
    frame.evaluate("(v) => window.map.setView([v[0], v[1]], v[2] + 1.5, {animate: false})", opening)
    button = fmap.locator("a.leaflet-control-zoom-in").bounding_box()
    centre = (button["x"] + button["width"] / 2 - box["x"], button["y"] + button["height"] / 2 - box["y"])
    under = frame.evaluate(SITE_ON_SCREEN_JS)
    assert under, "no site in the frame to put under the zoom button"
    frame.evaluate("(d) => window.map.panBy(d, {animate: false})", [under["x"] - centre[0], under["y"] - centre[1]])
    moved = frame.evaluate(
        "(id) => { let at = null; window.map.eachLayer((l) => { if (l.kzSites) l._rows.forEach((r) => { if (r[2] === id) at = window.map.latLngToContainerPoint([r[0], r[1]]); }); }); return at; }",
        under["id"],
    )
    assert abs(moved["x"] - centre[0]) < 3 and abs(moved["y"] - centre[1]) < 3, f"the site did not go under the button: {moved}"
    zoom = frame.evaluate("() => window.map.getZoom()")
    page.mouse.click(box["x"] + centre[0], box["y"] + centre[1])
    wait_until(lambda: frame.evaluate("() => window.map.getZoom()") > zoom, timeout_s=5, page=page, message="the zoom button did not zoom in")
    page.wait_for_timeout(500)
    assert frame.evaluate(SELECTED_SITE_JS) == [], "a click on the zoom button selected the site under it"
    expect(page.locator("h3").filter(has_text=under["name"])).to_have_count(0)

    frame.evaluate("(v) => window.map.setView([v[0], v[1]], v[2], {animate: false})", opening)
    site = frame.evaluate(SITE_ON_SCREEN_JS)
    assert site, "no site marker lies inside the map's frame"
    page.mouse.click(box["x"] + site["x"], box["y"] + site["y"])
    expect(page.locator("h3").filter(has_text=site["name"])).to_be_visible(timeout=PAINT_TIMEOUT_MS)
    wait_until(
        lambda: map_frame(page).evaluate(SELECTED_SITE_JS) == [site["id"]],
        timeout_s=30,
        page=page,
        message=lambda: f"the map draws {map_frame(page).evaluate(SELECTED_SITE_JS)} as selected, not {site['id']}",
    )
    assert page_log.page_errors == []


def test_a_saved_map_of_thousands_of_sites_works_on_its_own(page: Page, page_log, medium, tmp_path):
    """The saved map file carries the sites' canvas layer: every site drawn, named on hover, offline."""
    folder, sites, _years = medium
    loaded = catalog.load_catalogue(folder)
    features = catalog.feature_frame(loaded)
    regions = catalog.region_frame(loaded)
    names = dict(zip(regions["iso_code"], regions["name_en"]))
    saved = tmp_path / "sites.html"
    html = offline_kit.standalone_map_html(regions, features, translator("en"), "name_en", names, title="Sites")
    saved.write_text(html, encoding="utf-8")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(saved.as_uri())
    # The file's map is a global named by folium; the checks below read it as ``window.map``.
    found = "() => { window.map = window.map || Object.values(window).find((v) => window.L && v instanceof L.Map); return !!window.map; }"
    wait_until(lambda: page.evaluate(found), timeout_s=30, page=page, message="the saved map never started")
    wait_until(
        lambda: page.evaluate(COUNT_SITES_JS) == sites,
        timeout_s=30,
        page=page,
        message=lambda: f"{page.evaluate(COUNT_SITES_JS)} of {sites} sites in the saved map",
    )
    assert page.evaluate(SITES_ABOVE_REGIONS_JS), "the regions' fill lies over the sites in the saved map"
    site = page.evaluate(SITE_ON_SCREEN_JS)
    assert site, "no site lies inside the saved map's window"
    left, top = page.evaluate("() => { const r = window.map.getContainer().getBoundingClientRect(); return [r.left, r.top]; }")
    page.mouse.move(left + site["x"], top + site["y"])
    tooltip = page.locator(".leaflet-tooltip:visible")
    expect(tooltip).to_have_count(1)
    expect(tooltip).to_contain_text(site["name"])
    assert page_log.page_errors == []
    assert all(urlsplit(address).scheme in ("file", "data", "about") for address in page_log.requests)
