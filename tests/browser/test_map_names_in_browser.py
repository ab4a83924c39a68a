"""Names on the web map and its chrome, in Chromium at a laptop's 1366×768, in each language.

Seas and lakes are named in the map's language, the regional centres at country zoom (Semey
once Abai Region is picked), no two names overlap, the scale bar reads the language's unit, the
layer list starts folded where it would hide the map and open on a large screen, and a click on
a shape leaves no tooltip over its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from mapkit import (
    PAINT_TIMEOUT_MS,
    boxes,
    boxes_meet,
    map_frame,
    map_locator,
    open_map_page,
    overlapping,
    visible_labels,
    wait_until,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

LAPTOP = (1366, 768)
LARGE = (1920, 1080)
# What each language must show at country zoom: the seas and Lake Balkhash, and the scale's unit.
SEAS = {
    "en": ("Caspian Sea", "North Aral Sea", "Lake Balkhash"),
    "ru": ("Каспийское море", "Малое Аральское море", "озеро Балхаш"),
    "kk": ("Каспий теңізі", "Кіші Арал", "Балқаш көлі"),
}
KILOMETRES = {"en": " km", "ru": " км", "kk": " км"}
SEMEY = {"en": "Semey", "ru": "Семей", "kk": "Семей"}
ABAI_REGION = "KZ-10"
# Regional centres and cities of republican significance (the 20 places of rank 1 to 3).
CENTRES = {
    "en": {"Astana", "Almaty", "Shymkent", "Semey", "Kokshetau", "Aktobe", "Konaev", "Atyrau", "Oral", "Taraz",
           "Taldykorgan", "Karaganda", "Kostanay", "Kyzylorda", "Aktau", "Pavlodar", "Petropavl", "Turkistan",
           "Zhezkazgan", "Oskemen"},
}  # fmt: skip
LEAST_CENTRES_AT_COUNTRY_ZOOM = 10

# Every visible name: its text, its classes and its box on the screen.


@pytest.fixture()
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Factory: a page in a new browser context of the given window size."""
    contexts = []

    def make(width: int, height: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def names_settled(page: Page, wanted: set[str]) -> list[dict]:
    """The visible names once all of ``wanted`` are among them (the basemap arrives by fetch)."""
    return wait_until(
        lambda: (found := visible_labels(page)) and wanted <= {label["text"] for label in found} and found,
        timeout_s=30,
        page=page,
        message=lambda: f"wanted {sorted(wanted)}; seen {sorted(label['text'] for label in visible_labels(page))}",
    )


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_seas_and_centres_are_named_in_the_language_without_overlap(open_page, base_url: str, language: str):
    page = open_page(*LAPTOP)
    fmap = open_map_page(page, f"{base_url}/?lang={language}")
    labels = names_settled(page, set(SEAS[language]))
    assert overlapping(labels) == []
    water = [label for label in labels if "kz-label-water" in label["cls"]]
    assert set(SEAS[language]) <= {label["text"] for label in water}
    # In italics, in the water colour: not the black of the other names.
    style = fmap.locator(".kz-label-sea > span", has_text=SEAS[language][0]).evaluate(
        "n => [getComputedStyle(n).fontStyle, getComputedStyle(n).color]"
    )
    assert style[0] == "italic" and style[1] != "rgb(46, 46, 46)"
    centres = [label for label in labels if "kz-label-city" in label["cls"] and "kz-label-town" not in label["cls"]]
    assert len(centres) >= LEAST_CENTRES_AT_COUNTRY_ZOOM, [label["text"] for label in centres]
    if language == "en":
        assert {label["text"] for label in centres} <= CENTRES["en"]
    scale = fmap.locator(".leaflet-control-scale-line").first
    expect(scale).to_contain_text(KILOMETRES[language])
    if language != "en":
        assert " km" not in scale.inner_text()


@pytest.mark.parametrize("language", ["en", "kk"])
def test_semey_is_named_once_abai_region_is_picked(open_page, base_url: str, language: str):
    page = open_page(*LAPTOP)
    open_map_page(page, f"{base_url}/?lang={language}&regions={ABAI_REGION}", feature_kind=None)
    labels = names_settled(page, {SEMEY[language]})
    assert overlapping(labels) == []
    # Closer in, more towns than at country zoom.
    assert any("kz-label-town" in label["cls"] for label in labels), [label["text"] for label in labels]


def test_the_layer_list_is_folded_on_a_laptop_and_open_on_a_large_screen(open_page, base_url: str):
    laptop = open_page(*LAPTOP)
    fmap = open_map_page(laptop, base_url)
    expect(fmap.locator(".leaflet-control-layers-toggle")).to_be_visible()
    expect(fmap.locator(".leaflet-control-layers-list")).to_be_hidden()
    # One click (or tap) on the button opens it, as does pointing at it with the mouse.
    fmap.locator(".leaflet-control-layers-toggle").dispatch_event("click")
    expect(fmap.locator(".leaflet-control-layers-list")).to_be_visible()
    expect(fmap.locator(".leaflet-control-layers")).to_contain_text("National park")

    large = open_page(*LARGE)
    fmap = open_map_page(large, base_url)
    expect(fmap.locator(".leaflet-control-layers-list")).to_be_visible()
    expect(fmap.locator(".leaflet-control-layers-toggle")).to_be_hidden()


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_on_a_short_map_the_layer_list_never_runs_into_the_legend(open_page, base_url: str, language: str):
    page = open_page(*LARGE)
    # The region profile's map is short: open, the layer list may reach down into the note along
    # the bottom edge (the UN disclaimer), or run into the key.
    fmap = open_map_page(page, f"{base_url}/region_profile?region=KZ-10&lang={language}")

    def clear_of_the_key_and_the_note():
        layers, *others = boxes(page, ".leaflet-control-layers", ".kz-legend", ".kz-map-note")
        return not any(boxes_meet(layers, other) for other in others)

    wait_until(clear_of_the_key_and_the_note, timeout_s=10, page=page, message="the layer list runs into the key or the note")
    if fmap.locator(".leaflet-control-layers-toggle").is_visible():
        # Folded into its button: it opens on hover.
        fmap.locator(".leaflet-control-layers").hover()
        expect(fmap.locator(".leaflet-control-layers-list")).to_be_visible()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_name_is_shown_under_the_key_or_the_note(open_page, base_url: str, language: str):
    # Zoomed in on one region, names fill the whole frame, the key's corner too.
    page = open_page(*LAPTOP)
    open_map_page(page, f"{base_url}/region_profile?region=KZ-10&lang={language}")
    wait_until(lambda: visible_labels(page), timeout_s=30, page=page, message="no name is shown")
    page.wait_for_timeout(500)  # the names settle after the map's last move
    controls = boxes(page, ".kz-legend", ".kz-map-note")
    under = [
        (label["text"], control["name"])
        for label in visible_labels(page)
        for control in controls
        if boxes_meet(label, control)
    ]
    assert under == [], under


# The centre of the largest national park that is not covered there by something else.
FREE_SHAPE_CENTRE = """
() => {
    const free = [...document.querySelectorAll("path.kz-layer-national_park")].map((path) => {
        const box = path.getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        return {x, y, size: box.width * box.height, free: document.elementFromPoint(x, y) === path};
    }).filter((shape) => shape.free && shape.size > 0);
    free.sort((a, b) => b.size - a.size);
    return free[0] || null;
}
"""


SELECTED_CENTRE = FREE_SHAPE_CENTRE.replace("path.kz-layer-national_park", "path.kz-selected")


def test_after_a_click_no_tooltip_covers_the_picked_shape(open_page, base_url: str):
    page = open_page(*LAPTOP)
    fmap = open_map_page(page, base_url)
    # The whole map in view first: a click would scroll it there, and the shape from under the pointer.
    iframe = page.locator('iframe[title*="streamlit_folium"]')
    iframe.scroll_into_view_if_needed()
    boxes: list[dict] = []
    wait_until(
        lambda: boxes.append(iframe.bounding_box()) or (len(boxes) > 2 and boxes[-1] == boxes[-2] == boxes[-3]),
        timeout_s=5,
        page=page,
        message="the map kept moving",
    )
    frame = boxes[-1]
    centre = map_frame(page).evaluate(FREE_SHAPE_CENTRE)
    assert centre is not None, "no national park can be pointed at its centre"
    x, y = frame["x"] + centre["x"], frame["y"] + centre["y"]
    page.mouse.move(x - 6, y - 6)
    page.mouse.move(x, y, steps=4)
    expect(fmap.locator(".leaflet-tooltip:visible")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    page.mouse.click(x, y)
    # At once, and while the pointer moves on over the picked shape, no tooltip hides its name.
    for step in range(4):
        expect(fmap.locator(".leaflet-tooltip:visible")).to_have_count(0, timeout=200)
        page.mouse.move(x + step, y + step)
    expect(fmap.locator("path.kz-selected").first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    # Pointing away and back at the picked shape brings its tooltip again.
    iframe.scroll_into_view_if_needed()
    spot = map_frame(page).evaluate(SELECTED_CENTRE)
    assert spot is not None, "the picked shape cannot be pointed at"
    frame = iframe.bounding_box()
    page.mouse.move(frame["x"] + 5, frame["y"] + frame["height"] - 5, steps=4)
    page.mouse.move(frame["x"] + spot["x"], frame["y"] + spot["y"], steps=6)
    wait_until(
        lambda: map_locator(page).locator(".leaflet-tooltip:visible").count() > 0,
        timeout_s=10,
        page=page,
        message="the tooltip did not come back after the pointer left and came back to the shape",
    )
