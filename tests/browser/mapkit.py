"""Steps the browser tests share: bounded waits, the map iframe, the page address, metrics.

The map lives in the streamlit-folium component iframe; the page address is read with
``location.href`` because the map updates it with ``history.replaceState`` from inside the
iframe, which Playwright's ``page.url`` does not notice.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Download, Frame, FrameLocator, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = ROOT_DIR / "test-artifacts"
VIEWPORT = {"width": 1400, "height": 1000}  # as in conftest.py
MAP_IFRAME = 'iframe[title*="streamlit_folium"]'
REGION_COUNT = 20
PAINT_TIMEOUT_MS = 30_000


def wait_until(predicate, timeout_s: float, *, page: Page | None = None, interval_s: float = 0.1, message=""):
    """Return the first truthy ``predicate()`` result, or fail after ``timeout_s`` (bounded poll).

    ``message`` may be a callable, called only on failure (to report the last state seen).

    With ``page`` the wait goes through ``page.wait_for_timeout`` so Playwright keeps
    dispatching events (the websocket frame counter is filled by an event handler).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise AssertionError(text or f"condition not met within {timeout_s} s")
        if page is not None:
            page.wait_for_timeout(interval_s * 1000)
        else:
            time.sleep(interval_s)


def map_locator(page: Page) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


def map_frame(page: Page) -> Frame:
    """The st_folium iframe as a Frame (for evaluate); looked up afresh each call."""
    return wait_until(
        lambda: next((frame for frame in page.frames if "st_folium" in frame.url), None),
        timeout_s=20,
        message="no st_folium iframe on the page",
    )


def open_map_page(page: Page, url: str, *, feature_kind: str | None = "national_park") -> FrameLocator:
    """Open ``url`` and wait until the region outlines (and a ``feature_kind`` shape) are painted."""
    page.goto(url)
    fmap = map_locator(page)
    expect(fmap.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    if feature_kind:
        expect(fmap.locator(f".kz-layer-{feature_kind}").first).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    return fmap


def metric_value(page: Page, label: str):
    """The value of the metric whose label is exactly ``label`` (not one that merely contains it)."""
    exact = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    metric = page.locator('[data-testid="stMetric"]').filter(has=exact)
    return metric.locator('[data-testid="stMetricValue"]')


def address_params(page: Page) -> dict[str, str]:
    """The address's query parameters as the user sees them (``location.href``, not ``page.url``)."""
    href = page.evaluate("location.href")
    return {key: values[-1] for key, values in parse_qs(urlsplit(href).query).items()}


def wait_for_param(page: Page, name: str, value: str | None, timeout_s: float = 10) -> dict[str, str]:
    """Wait until the address has ``name=value`` (``None``: no ``name`` at all)."""
    found: list[dict[str, str]] = []

    def matches() -> bool:
        found[:] = [address_params(page)]
        return found[0].get(name) == value

    wait_until(
        matches, timeout_s=timeout_s, page=page, message=lambda: f"address never got {name}={value!r}: {found[0]}"
    )
    return found[0]


def settle(page: Page) -> None:
    """Wait until the page has finished the rerun that the last entry started."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=PAINT_TIMEOUT_MS)


def enter_date(page: Page, label: str, digits: str) -> None:
    """Type a date into the browser's date field, again if a rerun swallowed the keys."""
    year = page.get_by_role("spinbutton", name=f"year, {label}").last  # the newest, while a rerun redraws it
    for _ in range(3):
        settle(page)
        year.click()
        page.keyboard.type(digits)
        # The field sends its value when its calendar closes and the focus leaves it.
        page.keyboard.press("Escape")
        page.keyboard.press("Tab")
        settle(page)
        if year.get_attribute("aria-valuenow") == digits[:4]:
            return
    raise AssertionError(f"the date field {label!r} did not take {digits}")


def press_for_download(page: Page, button: Locator, tries: int = 3) -> Download:
    """Press a download button and return the download, pressing again if a press started nothing.

    A file is made on the server when its button is pressed; on a busy machine a press that
    lands while the page is being redrawn can start nothing, and a user would press again.
    """
    for attempt in range(1, tries + 1):
        expect(button).to_be_visible(timeout=PAINT_TIMEOUT_MS)
        try:
            with page.expect_download(timeout=30_000) as info:
                button.click()
            return info.value
        except PlaywrightTimeoutError:
            if attempt == tries:
                raise
            settle(page)
    raise AssertionError("unreachable")


# The map's names a reader can see now: shown at this zoom and placed by the label script.
VISIBLE_LABELS = """
() => Array.from(document.querySelectorAll(".leaflet-kz-labels-pane .kz-label > span"))
    .filter(tag => tag.style.visibility === "visible" && tag.parentNode.style.display !== "none")
    .map(tag => { const r = tag.getBoundingClientRect();
                  return {text: tag.textContent, cls: tag.parentNode.className,
                          left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })
"""


def visible_labels(page: Page) -> list[dict]:
    """The visible names on the map: text, CSS class and box (iframe coordinates)."""
    return map_frame(page).evaluate(VISIBLE_LABELS)


# The boxes of elements in the map's frame, each as ``{name, left, right, top, bottom}`` (the
# argument is a list of CSS selectors; the first element each selector finds).
BOXES = """
(selectors) => selectors.map((selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return {name: selector, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
})
"""


def boxes(page: Page, *selectors: str) -> list[dict]:
    """The boxes of the first element each of ``selectors`` finds in the map's frame."""
    return map_frame(page).evaluate(BOXES, list(selectors))


def boxes_meet(first: dict, second: dict) -> bool:
    """Whether two boxes (``left``, ``right``, ``top``, ``bottom``) overlap (touching is not)."""
    return (
        first["left"] < second["right"]
        and second["left"] < first["right"]
        and first["top"] < second["bottom"]
        and second["top"] < first["bottom"]
    )


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    """Pairs of names (from :func:`visible_labels`) whose boxes overlap."""
    return [
        (first["text"], second["text"])
        for index, first in enumerate(labels)
        for second in labels[index + 1 :]
        if boxes_meet(first, second)
    ]
