"""Every sink gets the whole hostile-text list and must render it as inert, visible text.

One test per sink: the map's HTML, Streamlit Markdown, CSV files, PDF and PPTX briefing
packs and the offline kit; links anywhere may only be http, https or the atlas's own.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pandas as pd
import pytest
from payloads import ALL_TEXT, CSV, CSV_LEADS, DANGEROUS_URLS, FORMULA_LEADS, HTML, MARKDOWN, SAFE_URLS, TEMPLATE
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE
from pypdf import PdfReader

from kzatlas import briefing, exports
from kzatlas.i18n import translator
from kzatlas.map import folium_maps, offline_kit
from kzatlas.safety import escape_html, escape_markdown

TRANSLATE = translator("en")
TEXT_COLUMNS = (
    "name_en", "name_ru", "name_kk", "area_note", "donors", "partners", "location_name", "notes",
    "undp_project", "links", "source_title", "source_licence", "source_date", "iucn_category",
)  # fmt: skip
# Pieces of a payload that would be live if they reached a page unescaped.
LIVE_HTML = (
    "<script>alert", "<img src=x", "<svg onload", "<iframe src", "<style>body", "<a href='javascript",
    "<b>bold", "${alert", "`+alert",
)  # fmt: skip


def poisoned(frame: pd.DataFrame, payloads: list[str], columns=TEXT_COLUMNS) -> pd.DataFrame:
    """A copy of ``frame`` whose ``columns`` cycle through ``payloads`` (each payload used)."""
    out = frame.copy()
    for offset, column in enumerate(columns):
        cycle = itertools.islice(itertools.cycle(payloads[offset % len(payloads) :] + payloads), len(out))
        out[column] = list(cycle)
    return out


# ---------------------------------------------------------------- HTML (the map)


def test_map_html_shows_every_payload_escaped(features, regions):
    payloads = HTML + TEMPLATE + MARKDOWN + CSV
    frame = poisoned(features, payloads, ("name_en",))
    region_names = dict(zip(regions["iso_code"], itertools.cycle(payloads)))
    html = folium_maps.build_full_map(regions, frame, TRANSLATE, "name_en", region_names).get_root().render()
    for piece in LIVE_HTML:
        assert piece not in html
    # The tooltips travel as GeoJSON inside the page: each name is there, escaped.
    tips = [
        feature["properties"]["tip"]
        for group in folium_maps.build_feature_groups(frame, TRANSLATE, "name_en", region_names)
        for child in group._children.values()
        for feature in getattr(child, "data", {}).get("features", [])
    ]
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    assert len(tips) == len(located)
    for tip, name in zip(sorted(tips), sorted(f"<b>{escape_html(n)}</b>" for n in located["name_en"])):
        assert tip.startswith(name)
    for tip in tips:
        assert "<" not in re.sub(r"</?(b|i|br)>", "", tip)


# ---------------------------------------------------------------- Markdown

# What GitHub-flavoured Markdown turns into links in text (after escapes are resolved).
GFM_URL = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE)
GFM_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")
ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def markdown_text(source: str) -> str:
    """The text CommonMark makes of ``source`` when every punctuation mark is escaped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


@pytest.mark.parametrize("payload", ALL_TEXT + SAFE_URLS)
def test_markdown_escaping_leaves_no_markup_and_no_autolink(payload):
    source = escape_markdown(payload)
    # Every ASCII punctuation mark is backslash-escaped: no link, image, HTML, heading, maths.
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", source)
    assert not ASCII_PUNCTUATION.search(unescaped), source
    assert "](" not in unescaped and "<" not in unescaped
    text = markdown_text(source)
    assert not GFM_URL.search(text) and not GFM_EMAIL.search(text), text
    assert text.replace("\u2060", "") == payload  # the reader sees the text itself


def test_markdown_escaping_of_missing_values_is_empty():
    assert escape_markdown(None) == "" and escape_markdown(float("nan")) == ""


# ---------------------------------------------------------------- CSV


def starts_formula(text: str) -> bool:
    stripped = text.lstrip(" \t\r\n\u3000")
    if not stripped.startswith(FORMULA_LEADS):
        return False
    try:  # a signed number is a number, not a formula
        float(stripped)
    except ValueError:
        return True
    return False


def test_csv_export_defuses_every_cell_and_header_line(bundled, features):
    payloads = ALL_TEXT + CSV + CSV_LEADS
    frame = poisoned(features, payloads, (*TEXT_COLUMNS, "id", "source_url", "years", "themes"))
    citation = exports.Citation(
        title=CSV[-2],
        data_version="x\n=1+1",
        licence='CC BY, =HYPERLINK("http://evil.invalid/lic","Click")\r\n@SUM(1)',
        made_on="\uff1d1+1",
        filters='q=x\n=HYPERLINK("http://evil.invalid/csv","Click")\n@SUM(1); "-1+2"',
    )
    data = exports.csv_bytes(frame, citation).decode("utf-8-sig")
    lines = data.split("\n")[:-1]
    assert len(lines) == len(citation.lines()) + 1 + len(frame)  # no value broke its line
    for line in lines:
        assert not starts_formula(line), line
    rows = list(csv.reader(io.StringIO(data)))
    for row in rows:
        for cell in row:
            assert not starts_formula(cell), cell
    cells = {cell for row in rows for cell in row}
    for lead in FORMULA_LEADS:  # every lead was met and defused (tabs and line breaks became spaces)
        assert any(cell.startswith("'") and lead.strip(" \t\r") in cell[:4] for cell in cells), repr(lead)
    assert "' =1+1" in cells and "'  =1+1" in cells
    body = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    assert {row["name_en"] for row in body} >= {"'" + p for p in CSV if p.startswith(("=", "+", "@"))}
    naurzum = next(row for row in body if row["area_ha"] == "191381.0")  # numbers stay numbers
    assert float(naurzum["latitude"]) > 50


# ---------------------------------------------------------------- PDF and PPTX


def web_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@pytest.fixture(scope="module")
def poisoned_pack(bundled):
    brief = briefing.build_briefing(
        bundled, briefing.Scope("feature", "pa-naurzum"), TRANSLATE, "name_en", "https://atlas.example.org/"
    )
    urls = DANGEROUS_URLS + SAFE_URLS
    items = pd.DataFrame(
        {
            column: list(itertools.islice(itertools.cycle(ALL_TEXT), len(urls)))
            for column in brief.items.columns
            if column != "url"
        }
    ).assign(url=urls)
    brief = replace(
        brief,
        title=MARKDOWN[0],
        subtitle=HTML[0],
        items=items,
        sources=[(text, url, "2026-11-23") for text, url in zip(itertools.cycle(ALL_TEXT), urls)],
        notes=list(ALL_TEXT),
        link=DANGEROUS_URLS[0],
    )
    qr = briefing.qr_png("https://atlas.example.org/")
    return brief, briefing.pdf_bytes(brief, None, qr), briefing.pptx_bytes(brief, None, qr)


def test_pdf_links_only_to_web_addresses(poisoned_pack):
    _brief, pdf, _pptx = poisoned_pack
    uris = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
            else:
                assert action.get("/S") in (None, "/GoTo"), action
    assert uris and all(web_link(uri) for uri in uris), uris
    assert {u for u in SAFE_URLS if web_link(u)} <= set(uris)  # safe sources stay clickable
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "vbscript:msgbox" in re.sub(r"\s+", "", text)  # a refused address is still printed


def test_pptx_links_only_to_web_addresses(poisoned_pack):
    _brief, _pdf, pptx = poisoned_pack
    deck = Presentation(io.BytesIO(pptx))
    targets = [
        rel.target_ref
        for slide in deck.slides
        for rel in slide.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    ]
    assert targets and all(web_link(target) for target in targets), targets
    assert {u for u in SAFE_URLS if web_link(u)} <= set(targets)


# ---------------------------------------------------------------- the offline kit


class Tags(HTMLParser):
    """The element names and link-like attribute values a browser would see in a page."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.addresses: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.addresses += [value for name, value in attrs if name in ("href", "src", "action", "formaction")]


def test_offline_kit_escapes_every_payload_and_links_nowhere_dangerous(features, regions):
    payloads = HTML + TEMPLATE + MARKDOWN + DANGEROUS_URLS
    frame = poisoned(features, payloads, ("name_en", "source_url"))
    html = offline_kit.standalone_map_html(
        regions, frame, TRANSLATE, "name_en", {}, title=HTML[0], caption=" ".join(payloads), data_version=TEMPLATE[0]
    )
    tags = Tags()
    tags.feed(html)
    assert tags.names >= {"html", "script", "div", "h1"}
    assert not [value for value in tags.addresses if re.match(r"(?i)\s*(javascript|vbscript|data):", value or "")]
    for piece in LIVE_HTML:
        assert piece not in html
    assert escape_html(HTML[0]) in html and escape_html(" ".join(payloads)) in html
