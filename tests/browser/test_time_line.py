"""The time line in a real browser: play the network through the years, step with the keys, share a year."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date

import pytest
from mapkit import (
    address_params,
    map_frame,
    map_locator,
    open_map_page,
    press_for_download,
    settle,
    wait_for_param,
    wait_until,
)
from playwright.sync_api import Page, expect

from kzatlas import catalog, timeline
from kzatlas.config import GEODATA_DIR

pytestmark = pytest.mark.browser

# The ids of the features the map shows (shapes and sites; names are counted with their feature).
SHOWN_IDS = """() => {
    var ids = {};
    function walk(layer) {
        if (layer.kzFor !== undefined) { return; }  // a feature's name, not the feature
        var id = layer.kzId !== undefined ? layer.kzId : (layer.feature && layer.feature.properties && layer.feature.properties.id);
        if (id !== undefined) { if (layer._map) { ids[id] = true; } return; }
        if (layer.eachLayer) { layer.eachLayer(walk); }
    }
    (window.kzTimeLine ? window.kzTimeLine.groups() : window.feature_group || []).forEach(walk);
    return Object.keys(ids).sort();
}"""


@pytest.fixture(scope="module")
def drawn_years():
    """Year of every feature drawn on the map, from the catalogue (None: no known year)."""
    features = catalog.feature_frame(catalog.load_catalogue(GEODATA_DIR))
    drawn = features[features.geometry.notna() & ~features.geometry.is_empty]
    years = timeline.appearance_years(drawn)
    return {feature_id: years.get(feature_id) for feature_id in drawn["id"]}


def expected(drawn_years, year: int) -> list[str]:
    return sorted(i for i, first in drawn_years.items() if first is not None and first <= year)


def shown(page: Page) -> list[str]:
    return map_frame(page).evaluate(SHOWN_IDS)


def time_line(page: Page, call: str):
    return map_frame(page).evaluate(f"() => window.kzTimeLine.{call}")


def test_stepping_to_a_year_shows_exactly_what_existed_then(page: Page, base_url, drawn_years, page_log):
    open_map_page(page, base_url)
    fmap = map_locator(page)
    control = fmap.locator(".kz-time")
    expect(control).to_be_visible()
    everything = shown(page)
    assert everything == sorted(drawn_years)  # at today: everything, undated features too
    # At today the time line is one small button (the map's names keep their room); it unfolds.
    slider = control.locator("input[type=range]")
    expect(slider).to_be_hidden()
    box = control.bounding_box()
    assert box["width"] < 60 and box["height"] < 60
    control.get_by_role("button", name="Time line: the network year by year").click()
    slider.fill("1970")
    wait_until(lambda: shown(page) == expected(drawn_years, 1970), timeout_s=10, page=page)
    assert shown(page) == ["pa-aksu-zhabagly", "pa-almaty", "pa-barsakelmes", "pa-korgalzhyn", "pa-naurzum"]
    expect(control.locator(".kz-year")).to_have_text("1970")
    wait_for_param(page, "year", "1970")
    # The keys: one year on, then back to the first reserve, then today.
    control.focus()
    page.keyboard.press("ArrowRight")
    wait_until(lambda: time_line(page, "year()") == 1971, timeout_s=5, page=page)
    page.keyboard.press("Home")
    wait_until(lambda: shown(page) == ["pa-aksu-zhabagly"], timeout_s=5, page=page)
    # The chart marks the year, and the year's events name the reserve with its source.
    expect(control.locator(".kz-panel")).to_be_visible()
    expect(control.locator(".kz-events")).to_contain_text("1926: Aksu-Zhabagly")
    page.keyboard.press("End")
    wait_until(lambda: shown(page) == everything, timeout_s=5, page=page)
    wait_for_param(page, "year", None)
    assert page_log.page_errors == []


def test_play_runs_through_the_years_in_the_browser_and_pause_stops_it(page: Page, base_url, drawn_years, page_log):
    open_map_page(page, f"{base_url}/?year=1990")
    control = map_locator(page).locator(".kz-time")
    sent = len(page_log.websockets)
    control.get_by_role("button", name="Play").click()
    wait_until(lambda: time_line(page, "year()") >= 1995, timeout_s=15, page=page)
    control.get_by_role("button", name="Pause").click()
    stopped = time_line(page, "year()")
    page.wait_for_timeout(800)
    assert time_line(page, "year()") == stopped and not time_line(page, "playing()")
    assert shown(page) == expected(drawn_years, stopped)
    assert len(page_log.websockets) == sent  # no new connection: the years play in the browser
    assert page_log.page_errors == []


def test_a_shared_link_with_a_year_opens_there_and_keeps_it_through_a_filter_change(page: Page, base_url, drawn_years):
    open_map_page(page, f"{base_url}/?year=2000")
    control = map_locator(page).locator(".kz-time")
    expect(control.locator(".kz-year")).to_have_text("2000")
    wait_until(lambda: shown(page) == expected(drawn_years, 2000), timeout_s=10, page=page)
    # A filter change swaps the map's features; the year applies to the new ones and stays in the address.
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Kind").first
    box.locator("input").click()
    page.keyboard.type("National park")
    page.get_by_role("option", name="National park").click()
    page.keyboard.press("Escape")
    settle(page)
    features = catalog.feature_frame(catalog.load_catalogue(GEODATA_DIR))
    parks = set(features.loc[features["kind"] == "national_park", "id"])
    wanted = sorted(i for i in expected(drawn_years, 2000) if i in parks)
    assert "pa-burabay" in wanted and "pa-katon-karagay" not in wanted  # 2000 and 2001
    wait_until(lambda: shown(page) == wanted, timeout_s=15, page=page)
    assert address_params(page).get("year") == "2000"


def press_on_page(page: Page, key: str) -> None:
    """Press ``key`` with the focus on the page itself (the presenter's keys), not in the map."""
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); document.body.focus(); }")
    page.keyboard.press(key)


def test_the_story_scenes_step_through_the_years_with_the_arrow_keys(page: Page, base_url, drawn_years, page_log):
    page.goto(f"{base_url}/present")
    page.get_by_role("button", name="The story of the network, 1926 to today").click()
    settle(page)
    page.get_by_role("button", name="Start presenting").click()
    expect(page.locator("div.kz-caption")).to_have_text("1926: Aksu-Zhabagly, the oldest reserve in the atlas")
    control = map_locator(page).locator(".kz-time")
    expect(control).to_be_visible(timeout=20_000)
    wait_until(lambda: shown(page) == ["pa-aksu-zhabagly"], timeout_s=20, page=page)
    expect(control.locator(".kz-year")).to_have_text("1926")
    expect(control.locator(".kz-panel")).to_be_visible()  # the chart, with 1926 marked
    map_frame(page).evaluate("window.__kz_marker = 'story'")
    press_on_page(page, "ArrowRight")
    expect(page.locator("div.kz-counter")).to_have_text("Scene 2 of 5")
    wait_until(lambda: shown(page) == expected(drawn_years, 1991), timeout_s=15, page=page)
    expect(control.locator(".kz-year")).to_have_text("1991")
    for number in (3, 4, 5):
        press_on_page(page, "ArrowRight")
        expect(page.locator("div.kz-counter")).to_have_text(f"Scene {number} of 5")
    expect(control.locator(".kz-year")).to_have_text(str(date.today().year))  # today
    wait_until(lambda: shown(page) == sorted(drawn_years), timeout_s=15, page=page)  # today: everything
    assert map_frame(page).evaluate("window.__kz_marker") == "story", "the map was reloaded between scenes"
    assert page_log.page_errors == []


def test_the_offline_kit_plays_the_years_with_no_network(page: Page, base_url, drawn_years, browser, tmp_path):
    open_map_page(page, f"{base_url}/?year=1990")
    wait_until(lambda: shown(page) == expected(drawn_years, 1990), timeout_s=15, page=page)
    page.get_by_role("button", name="Prepare", exact=True).click()
    button = page.get_by_role("button", name="Download the offline map (HTML)")
    expect(button).to_be_visible(timeout=30_000)
    saved = tmp_path / "kz-atlas-offline-map.html"
    press_for_download(page, button).save_as(saved)

    context = browser.new_context(offline=True)
    try:
        errors: list[str] = []
        offline = context.new_page()
        offline.on("pageerror", lambda error: errors.append(str(error)))
        offline.goto(saved.as_uri())
        control = offline.locator(".kz-time")
        expect(control).to_be_visible(timeout=20_000)
        # It opens at the year on screen when it was saved, and plays on with no network.
        expect(control.locator(".kz-year")).to_have_text("1990")
        assert offline.evaluate(SHOWN_IDS) == expected(drawn_years, 1990)
        control.get_by_role("button", name="Play").click()
        wait_until(lambda: offline.evaluate("window.kzTimeLine.year()") >= 1996, timeout_s=15, page=offline)
        control.get_by_role("button", name="Pause").click()
        year = offline.evaluate("window.kzTimeLine.year()")
        assert offline.evaluate(SHOWN_IDS) == expected(drawn_years, year)
        assert errors == []
    finally:
        context.close()


# The drawn width (in degrees of longitude) of a feature's shape, and whether it is drawn paler (smaller than today).
SHAPE = """(id) => {
    var found = null;
    function walk(layer) {
        if (found) { return; }
        if (layer.feature && layer.feature.properties && layer.feature.properties.id === id && layer.getBounds) { found = layer; return; }
        if (layer.eachLayer) { layer.eachLayer(walk); }
    }
    window.kzTimeLine.groups().forEach(walk);
    if (!found || !found._map) { return null; }
    var bounds = found.getBounds();
    return {width: bounds.getEast() - bounds.getWest(), paler: !!found.kzFactor && found.kzFactor < 1,
            middle: [bounds.getCenter().lat, bounds.getCenter().lng]};
}"""


def test_an_area_with_a_dated_expansion_is_drawn_at_its_size_in_that_year(page: Page, base_url, page_log):
    # Charyn: 93,150 ha by the 2004 decree, 127,050 ha after the 2009 one (its circle is not cut by the border).
    open_map_page(page, base_url)
    shape = lambda: map_frame(page).evaluate(SHAPE, "pa-charyn")  # noqa: E731
    today = shape()
    assert today and not today["paler"]
    map_frame(page).evaluate("() => window.kzTimeLine.go(2005)")
    wait_until(lambda: (shape() or {}).get("paler"), timeout_s=5, page=page)
    then = shape()
    assert then["width"] / today["width"] == pytest.approx((93150 / 127050) ** 0.5, abs=0.01)
    assert then["middle"] == pytest.approx(today["middle"], abs=1e-6)  # it grows in place
    events = map_locator(page).locator(".kz-events")
    map_frame(page).evaluate("() => window.kzTimeLine.go(2009)")
    wait_until(lambda: not (shape() or {"paler": True})["paler"], timeout_s=5, page=page)
    assert shape()["width"] == pytest.approx(today["width"], rel=1e-6)
    expect(events).to_contain_text("Charyn National Park, expanded to 127,050 ha (Government decree No. 121 of 2009-02-06)")
    expect(map_locator(page).locator(".kz-panel")).to_contain_text("paler: drawn at its area in that year")
    map_frame(page).evaluate("() => window.kzTimeLine.go(2003)")
    wait_until(lambda: shape() is None, timeout_s=5, page=page)  # not yet created
    map_frame(page).evaluate(f"() => window.kzTimeLine.go({date.today().year})")
    wait_until(lambda: shape() == today, timeout_s=5, page=page)
    assert page_log.page_errors == []


# Whether a feature's drawing (a site's marker or circle) is paler, read from what the browser draws.
DRAWN_PALER = """(id) => {
    var found = [];
    function walk(layer) {
        var own = layer.kzId !== undefined ? layer.kzId : (layer.feature && layer.feature.properties && layer.feature.properties.id);
        if (own === id && layer._map) { found.push(layer); return; }
        if (layer.eachLayer) { layer.eachLayer(walk); }
    }
    window.kzTimeLine.groups().forEach(walk);
    if (!found.length) { return null; }
    return found.every(function (layer) {
        var node = layer._icon || layer._path;
        var look = node && (layer._icon ? node.style.opacity : node.getAttribute("stroke-opacity"));
        return look !== null && look !== "" && parseFloat(look) < 0.5;
    });
}"""
ENDED_SITE, ENDED_IN = "undp-astana-civil-service-hub", 2015


@pytest.fixture(scope="module")
def ended_site_url(start_server, tmp_path_factory) -> str:
    """The atlas over a copy of geodata/ in which one located UNDP site's work ended in 2015 (a test value)."""
    target = tmp_path_factory.mktemp("ended") / "geodata"
    shutil.copytree(GEODATA_DIR, target, ignore=shutil.ignore_patterns("sources"))
    path = target / "undp_sites.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == ENDED_SITE:
            feature["properties"]["end_year"] = ENDED_IN
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    for record in manifest["layers"].values():
        if record["file"] == path.name:
            record["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return start_server({"KZATLAS_GEODATA_DIR": str(target)})


def test_undp_work_is_drawn_paler_after_its_end_year(page: Page, ended_site_url, page_log):
    open_map_page(page, f"{ended_site_url}/?year=2014")
    expect(page.get_by_text("could not be loaded")).to_have_count(0)
    paler = lambda: map_frame(page).evaluate(DRAWN_PALER, ENDED_SITE)  # noqa: E731
    wait_until(lambda: paler() is False, timeout_s=10, page=page)  # still at work in 2014
    map_frame(page).evaluate(f"() => window.kzTimeLine.go({ENDED_IN + 1})")
    wait_until(lambda: paler() is True, timeout_s=5, page=page)
    panel = map_locator(page).locator(".kz-panel")
    expect(panel).to_contain_text("paler: UNDP work that had ended by then")
    map_frame(page).evaluate(f"() => window.kzTimeLine.go({ENDED_IN})")
    expect(map_locator(page).locator(".kz-events")).to_contain_text("work ended in 2015")
    wait_until(lambda: paler() is False, timeout_s=5, page=page)  # its last year is still a year of work
    map_frame(page).evaluate(f"() => window.kzTimeLine.go({date.today().year})")
    wait_until(lambda: paler() is False, timeout_s=5, page=page)  # today the map shows everything as it is
    assert page_log.page_errors == []
