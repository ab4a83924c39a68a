"""The whole atlas over a poisoned catalogue, in real Chromium.

A streamlit server reads a copy of geodata/ whose every text field carries hostile text (see
``tests/poison.py``). Every page of the router, a clicked feature, the downloads (CSV, GeoJSON),
the briefing pack (PDF, PPTX), the offline meeting kit and a sample of tampered links must show:
no dialog, no request leaving 127.0.0.1 (iframes included), no exception box, and no
``javascript:``/``data:``/``vbscript:`` link anywhere in the DOM (every frame) or in the files.

A failure names the page (or file), the element or field, and the payload that got through.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import lxml.html
import pytest
from mapkit import MAP_IFRAME, PAINT_TIMEOUT_MS, REGION_COUNT, ROOT_DIR, map_frame, map_locator, press_for_download
from payloads import ALL_TEXT, EVIL_HOST, FORMULA_LEADS, HTML, TEMPLATE, URL_PARAMS
from playwright.sync_api import Frame, Page, expect
from poison import RouterPage, hostile_scene_files, is_script_link, poison_geodata, router_pages, shorten
from pypdf import PdfReader
from test_selection_and_links import click_shape

from kzatlas.catalog import GEODATA_DIR_ENV, feature_frame, load_catalogue

pytestmark = pytest.mark.browser

PAGES = router_pages()
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}
LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc")
# Data URLs the page may carry: raster images only (Streamlit's favicon, Leaflet's icons).
# SVG is not allowed: a payload uses ``data:image/svg+xml`` and SVG can hold script.
SAFE_DATA_IMAGES = ("data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,")
SAFE_DATA_TAGS = {"IMG", "LINK", "IMAGE"}
WEB_SCHEMES = {"http", "https"}
# Raw payload text that must never reach a script body unescaped.
SCRIPT_BREAKERS = [p for p in (*HTML, *TEMPLATE) if p.lstrip().startswith(("<", "'>", '">', "</"))]

# A park with a shape to click, in the north, clear of the legend in the lower right corner.
CLICKED_ID, CLICKED_KIND = "pa-burabay", "national_park"

TAMPERED_SAMPLE = [
    ("", {"sel": "<script>alert(1)</script>"}),
    ("", {"q": 'x\n=HYPERLINK("http://evil.invalid/csv","Click")\n@SUM(1)'}),
    ("", {"view": "nan,nan,5"}),
    ("", {"kinds": "[click me](http://evil.invalid/md)"}),
    ("", {"regions": "javascript:alert('u1')"}),
    ("", {"years": "2000-\u00b9\u2079", "lang": "../../etc/passwd"}),
    ("region_profile", {"region": "www.evil.invalid/bare"}),
    ("present", {"scene": "\u00b2"}),
    ("present", {"scene": "9" * 5000}),
    ("about_data", {"lang": "<img src=x onerror=alert('x2')>"}),
]


# ---------------------------------------------------------------- the server and what a page did


@pytest.fixture(scope="module")
def poisoned_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("poisoned-browser") / "geodata"
    poison_geodata(target)
    return target


@pytest.fixture(scope="module")
def poisoned_url(start_server, poisoned_dir: Path) -> str:
    return start_server({GEODATA_DIR_ENV: str(poisoned_dir)})


_DOM_SCAN_JS = """(names) => {
    const links = [], handlers = [];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            if (names.includes(name) || name.endsWith(':href'))
                links.push([el.tagName, name, attr.value.slice(0, 300), el.getAttribute('rel') || '']);
            else if (name.startsWith('on'))
                handlers.push([el.tagName, name, attr.value.slice(0, 120)]);
        }
    }
    return {links, handlers};
}"""


def bad_link(tag: str, attribute: str, value: str, rel: str = "") -> str | None:
    """Why an attribute value is a dangerous link, or ``None``."""
    if is_script_link(value):
        cleaned = "".join(value.split()).lower()
        if tag.upper() in SAFE_DATA_TAGS and cleaned.startswith(SAFE_DATA_IMAGES):
            return None
        return "script-capable scheme"
    host = (urlsplit(value.strip()).hostname or "").lower()
    if host.endswith(EVIL_HOST):
        return f"points at {EVIL_HOST}"
    return None


def frame_problems(frame: Frame, where: str) -> list[str]:
    try:
        found = frame.evaluate(_DOM_SCAN_JS, list(LINK_ATTRIBUTES))
    except Exception as exc:  # a frame that navigated away while scanned
        return [f"{where}: frame {frame.url[:80]} could not be scanned ({type(exc).__name__})"]
    name = "main document" if frame.parent_frame is None else f"frame {frame.url[:80]}"
    problems = []
    for tag, attribute, value, rel in found["links"]:
        why = bad_link(tag, attribute, value, rel)
        if why:
            problems.append(f"{where}: {name}: <{tag.lower()} {attribute}={shorten(value, 100)}>: {why}")
    for tag, attribute, value in found["handlers"]:
        problems.append(f"{where}: {name}: <{tag.lower()} {attribute}={shorten(value, 80)}>: inline event handler")
    return problems


def page_problems(page: Page, page_log, where: str) -> list[str]:
    """Dialogs, requests off 127.0.0.1, exception boxes, and dangerous links in every frame."""
    problems = [f"{where}: dialog {shorten(d, 120)}" for d in page_log.dialogs]
    for url in (*page_log.requests, *page_log.websockets):
        parts = urlsplit(url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS:
            problems.append(f"{where}: request left 127.0.0.1: {shorten(url, 120)}")
    boxes = page.locator('[data-testid="stException"]')
    for number in range(boxes.count()):
        problems.append(f"{where}: exception box: {shorten(boxes.nth(number).inner_text(), 200)}")
    for frame in page.frames:
        problems += frame_problems(frame, where)
    return problems


PER_SINK = 6


def report(problems: list[str]) -> str:
    """The problems grouped by where they were found (the text before the first colon), at most
    ``PER_SINK`` lines of each, with a count of the rest."""
    groups: dict[str, list[str]] = {}
    for problem in problems:
        groups.setdefault(problem.split(":", 1)[0].split(" line ")[0].split(" row ")[0], []).append(problem)
    lines = [f"{len(problems)} problems in {len(groups)} places:"]
    for place, found in groups.items():
        lines += [f"[{place}] {len(found)}:", *found[:PER_SINK]]
        if len(found) > PER_SINK:
            lines.append(f"    ... and {len(found) - PER_SINK} more")
    return "\n".join(lines)


def draws_a_map(router_page: RouterPage) -> bool:
    """Whether a page draws an st_folium map when opened plainly (from the helpers its view calls)."""
    source = (ROOT_DIR / router_page.script).read_text(encoding="utf-8")
    return "render_map(" in source or "render_region_locator(" in source


def settle(page: Page, expect_map: bool = False) -> None:
    """Wait until the script has run and any st_folium map has drawn its regions."""
    expect(page.get_by_test_id("stApp")).to_be_attached(timeout=PAINT_TIMEOUT_MS)
    expect(page.get_by_test_id("stMainBlockContainer")).to_be_visible(timeout=PAINT_TIMEOUT_MS)
    page.wait_for_timeout(300)  # let the first script run start before waiting for it to end
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=PAINT_TIMEOUT_MS)
    if expect_map:
        expect(page.locator(MAP_IFRAME)).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    if page.locator(MAP_IFRAME).count():
        expect(map_locator(page).locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    page.wait_for_timeout(300)  # late requests (tiles, fonts, images) show up in the log


def download(page: Page, button_name: str, save_to: Path) -> bytes:
    press_for_download(page, page.get_by_role("button", name=button_name, exact=True)).save_as(save_to)
    return save_to.read_bytes()


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("router_page", PAGES, ids=[p.name for p in PAGES])
def test_every_page_shows_the_poisoned_catalogue_as_inert_text(
    page: Page, page_log, poisoned_url: str, router_page: RouterPage
):
    page.goto(f"{poisoned_url}/{router_page.url_path}")
    settle(page, expect_map=draws_a_map(router_page))
    expect(page.get_by_text("could not be loaded")).to_have_count(0)  # the poisoned copy loaded in full
    if draws_a_map(router_page):
        assert any("st_folium" in frame.url for frame in page.frames), "the map frame was not scanned"
    problems = page_problems(page, page_log, router_page.title)
    assert not problems, report(problems)


# ---------------------------------------------------------------- map explorer: details, downloads, offline kit


def csv_problems(data: bytes, name: str) -> list[str]:
    text = data.decode("utf-8-sig")
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith(FORMULA_LEADS):
            problems.append(f"{name} line {number} starts a formula: {shorten(line, 80)}")
    for row_number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for cell in row:
            stripped = cell.lstrip(" ")
            if stripped.startswith(FORMULA_LEADS):
                problems.append(f"{name} row {row_number}: cell starts a formula: {shorten(cell, 80)}")
            if is_script_link(cell):
                problems.append(f"{name} row {row_number}: cell is a script link: {shorten(cell, 80)}")
    return problems


def html_file_problems(html: str, name: str) -> list[str]:
    document = lxml.html.fromstring(html)
    problems = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            if attribute.lower() in LINK_ATTRIBUTES or attribute.lower().endswith("href"):
                why = bad_link(element.tag, attribute, value)
                if why:
                    problems.append(f"{name}: <{element.tag} {attribute}={shorten(value, 90)}>: {why}")
            elif attribute.lower().startswith("on"):
                problems.append(f"{name}: <{element.tag} {attribute}=...>: inline event handler")
    for script in document.iter("script"):
        body = script.text or ""
        for payload in SCRIPT_BREAKERS:
            if payload in body:
                problems.append(f"{name}: a <script> holds the raw payload {payload!r}")
    for payload in SCRIPT_BREAKERS:
        # A payload that closed the script element leaves live markup behind it.
        if payload in html and payload.startswith("</script>"):
            problems.append(f"{name}: raw {payload!r} in the file")
    return problems


def test_map_explorer_details_downloads_and_offline_kit(
    page: Page, page_log, poisoned_url: str, poisoned_dir: Path, tmp_path
):
    page.goto(poisoned_url)
    settle(page, expect_map=True)
    click_shape(page, CLICKED_ID, CLICKED_KIND)
    expect(page.locator('[data-testid="stDataFrame"]').filter(has_text="Field").filter(has_text="Value")).to_have_count(
        1, timeout=PAINT_TIMEOUT_MS
    )
    settle(page)
    problems = page_problems(page, page_log, "Map explorer with the details panel")

    stem = "kz-atlas-map-explorer"
    rows = len(feature_frame(load_catalogue(poisoned_dir)))
    data = download(page, "Download CSV", tmp_path / f"{stem}.csv")
    problems += csv_problems(data, f"{stem}.csv")
    geojson = json.loads(download(page, "Download GeoJSON", tmp_path / f"{stem}.geojson"))
    assert geojson.get("type") == "FeatureCollection" and len(geojson["features"]) == rows, "GeoJSON incomplete"

    page.get_by_role("button", name="Prepare", exact=True).click()
    html = download(page, "Download the offline map (HTML)", tmp_path / "kz-atlas-offline-map.html").decode("utf-8")
    problems += html_file_problems(html, "offline map HTML")

    kit = page.context.new_page()
    kit_dialogs: list[str] = []
    kit.on("dialog", lambda dialog: (kit_dialogs.append(dialog.message), dialog.dismiss()))
    kit.goto((tmp_path / "kz-atlas-offline-map.html").as_uri())
    expect(kit.locator("path.kz-layer-regions")).to_have_count(REGION_COUNT, timeout=PAINT_TIMEOUT_MS)
    kit.wait_for_timeout(300)
    problems += [f"offline map opened: dialog {shorten(d, 100)}" for d in kit_dialogs]
    for frame in kit.frames:
        problems += frame_problems(frame, "offline map opened")
    problems += page_problems(page, page_log, "Map explorer after the downloads")
    assert not problems, report(problems)


# ---------------------------------------------------------------- briefing pack


def pdf_problems(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    problems = []
    for number, pdf_page in enumerate(reader.pages, start=1):
        for annotation in pdf_page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            if kind == "/URI":
                uri = str(action.get("/URI"))
                if urlsplit(uri.strip()).scheme.lower() not in WEB_SCHEMES:
                    problems.append(f"PDF page {number}: link to {shorten(uri, 100)}")
            elif kind != "/GoTo":
                problems.append(f"PDF page {number}: link action {kind}")
    root = reader.trailer["/Root"]
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else None
    if isinstance(opening, dict) and opening.get("/S") != "/GoTo":  # a list is a plain destination
        problems.append(f"PDF: opening action {opening.get('/S')}")
    if "/JavaScript" in str(root.get("/Names", "")) or "/AA" in root:
        problems.append("PDF: document-level JavaScript or additional actions")
    return problems


def pptx_problems(data: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not name.endswith(".rels"):
                continue
            rels = lxml.html.etree.fromstring(package.read(name))
            for rel in rels:
                if rel.get("TargetMode") != "External":
                    continue
                target = rel.get("Target", "")
                if urlsplit(target.strip()).scheme.lower() not in WEB_SCHEMES:
                    problems.append(f"PPTX {name}: external link to {shorten(target, 100)}")
    return problems


def test_briefing_pack_links_only_to_the_web(page: Page, page_log, poisoned_url: str, tmp_path):
    from pptx import Presentation

    briefing = next(p for p in PAGES if p.name == "briefing")
    page.goto(f"{poisoned_url}/{briefing.url_path}")
    settle(page)
    page.get_by_role("button", name="Prepare", exact=True).click()
    pdf = download(page, "Download the PDF", tmp_path / "pack.pdf")
    pptx = download(page, "Download the slides (PPTX)", tmp_path / "pack.pptx")

    assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) >= 2, "no PDF was produced"
    slides = Presentation(io.BytesIO(pptx)).slides
    assert len(slides) >= 2, "no slides were produced"
    problems = pdf_problems(pdf) + pptx_problems(pptx)
    for number, slide in enumerate(slides, start=1):
        for shape in slide.shapes:
            address = shape.click_action.hyperlink.address if shape.click_action else None
            if address and urlsplit(address).scheme.lower() not in WEB_SCHEMES:
                problems.append(f"PPTX slide {number}: shape link to {shorten(address, 100)}")
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    address = run.hyperlink.address
                    if address and urlsplit(address.strip()).scheme.lower() not in WEB_SCHEMES:
                        problems.append(f"PPTX slide {number}: text link to {shorten(address, 100)}")
    problems += page_problems(page, page_log, "Briefing packs after preparing")
    assert not problems, report(problems)


# ---------------------------------------------------------------- tampered links and hostile scene files


def test_a_sample_of_tampered_links_in_chromium(page: Page, page_log, poisoned_url: str):
    params = {param for _, query in TAMPERED_SAMPLE for param in query}
    assert params >= {param for param, _ in URL_PARAMS}, "the sample misses a parameter of payloads.URL_PARAMS"
    problems = []
    for path, query in TAMPERED_SAMPLE:
        address = f"{poisoned_url}/{path}?{urlencode(query)}"
        page.goto(address)
        settle(page)
        problems += page_problems(page, page_log, f"/{path}?{shorten(urlencode(query), 70)}")
        for seen in (page_log.dialogs, page_log.requests, page_log.websockets):
            seen.clear()
    assert not problems, report(problems)


def test_hostile_scene_files_in_chromium(page: Page, page_log, poisoned_url: str, tmp_path):
    chosen = {"version_markdown", "captions_payloads", "markdown_params"}
    problems = []
    for hostile in (h for h in hostile_scene_files() if h.name in chosen):
        for seen in (page_log.dialogs, page_log.requests, page_log.websockets):
            seen.clear()
        page.goto(f"{poisoned_url}/present")
        settle(page)
        path = tmp_path / f"{hostile.name}.json"
        path.write_bytes(hostile.data)
        uploader = page.get_by_test_id("stFileUploader").filter(has_text="Open a saved scene list")
        uploader.locator('input[type="file"]').set_input_files(str(path))
        expect(page.get_by_test_id("stAlert").first).to_be_visible(timeout=PAINT_TIMEOUT_MS)
        settle(page)
        problems += page_problems(page, page_log, f"Present after opening {hostile.name}")
        if hostile.refuse is False:
            page.get_by_role("button", name="Start presenting").click()
            expect(page.locator("div.kz-caption")).to_be_visible(timeout=PAINT_TIMEOUT_MS)
            settle(page)
            problems += page_problems(page, page_log, f"Present playing {hostile.name}")
    assert not problems, report(problems)


def test_the_checks_see_a_planted_script_link_in_the_page_and_the_map_frame(page: Page, page_log, poisoned_url: str):
    page.goto(poisoned_url)
    settle(page, expect_map=True)
    plant = "(href) => { const a = document.createElement('a'); a.href = href; a.textContent = 'x'; document.body.append(a); }"
    page.evaluate(plant, " JaVa\tscript:alert(1)")
    map_frame(page).evaluate(plant, "vbscript:x")
    problems = page_problems(page, page_log, "planted")
    assert any("main document" in p and "script-capable" in p for p in problems), problems
    assert any("frame" in p and "vbscript" in p for p in problems), problems


def test_payload_lists_are_all_in_the_poisoned_copy(poisoned_dir: Path):
    text = "".join(path.read_text(encoding="utf-8") for path in poisoned_dir.glob("*.json*"))
    text += "".join(path.read_text(encoding="utf-8") for path in poisoned_dir.glob("*.geojson"))
    missing = [p for p in ALL_TEXT if json.dumps(p, ensure_ascii=False)[1:-1] not in text]
    assert not missing, f"payloads never placed: {missing}"
