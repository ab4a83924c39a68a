"""The briefing package's layout helpers on small made-up inputs: wrapping, pagination, the
shared preparation of a pack, the map's view, and the source list."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import shapely
from pypdf import PdfReader

from kzatlas.briefing import Briefing
from kzatlas.briefing.layout import TITLE_CHARS, column_widths, prepare, source_line
from kzatlas.briefing.map_extent import extent, fit_to_box
from kzatlas.briefing.pdf import pdf_bytes, wrap_text
from kzatlas.briefing.slides import paginate, text_height_in
from kzatlas.briefing.sources import unique_sources
from kzatlas.config import KAZAKHSTAN_BOUNDS


class OneUnitPerCharacter:
    """Stands in for an FPDF: every character, the space included, is one unit wide."""

    @staticmethod
    def get_string_width(text: str) -> float:
        return float(len(text))


def made_up_briefing(**changes) -> Briefing:
    fields = {
        "title": "Made-up place",
        "subtitle": "Atlas · Test",
        "numbers": [("Count", "3")],
        "items": pd.DataFrame({"name": ["A"], "url": [""]}),
        "sources": [],
        "notes": [],
        "link": "",
        "data_version": "v1",
        "made_on": "2026-01-02",
        "disclaimer": "Made-up disclaimer.",
        "headers": {"name": "Heading-N"},
        "labels": {"date": "Date", "data_version": "Version", "full_name": "Full"},
    }
    return Briefing(**(fields | changes))


# ---------------------------------------------------------------------------- PDF wrapping


def test_wrap_fills_each_line_up_to_the_width_and_no_further():
    measure = OneUnitPerCharacter()
    assert wrap_text(measure, "aa bb cc", 5) == ["aa bb", "cc"]
    assert wrap_text(measure, "aa bb cc", 4) == ["aa", "bb", "cc"]
    assert wrap_text(measure, "aa bb cc", 100) == ["aa bb cc"]


def test_wrap_breaks_a_token_wider_than_the_line_and_goes_on_after_it():
    assert wrap_text(OneUnitPerCharacter(), "x abcdefghij y", 4) == ["x", "abcd", "efgh", "ij y"]


def test_wrap_keeps_paragraphs_and_empty_lines():
    assert wrap_text(OneUnitPerCharacter(), "a\n\nb", 10) == ["a", "", "b"]


# ---------------------------------------------------------------------------- PPTX fitting


def test_paginate_keeps_blocks_whole_and_in_order():
    assert paginate([4, 4, 4], 10) == [(0, 2), (2, 3)]
    assert paginate([4, 6, 1], 10) == [(0, 2), (2, 3)]  # exactly full still fits


def test_paginate_gives_a_too_tall_block_a_page_of_its_own():
    assert paginate([12, 1], 10) == [(0, 1), (1, 2)]
    assert paginate([1, 12, 1], 10) == [(0, 1), (1, 2), (2, 3)]


def test_paginate_caps_the_blocks_per_page_and_makes_one_page_of_nothing():
    assert paginate([1] * 5, 10, most=2) == [(0, 2), (2, 4), (4, 5)]
    assert paginate([], 10) == [(0, 0)]


def test_text_height_counts_wrapped_lines_and_paragraphs():
    # One inch at 10 pt holds int(72 / 5.5) = 13 characters; a line is 12 pt tall.
    line = 10 * 1.2 / 72
    assert text_height_in("", 1, 10) == pytest.approx(line)
    assert text_height_in("x" * 13, 1, 10) == pytest.approx(line)
    assert text_height_in("x" * 14, 1, 10) == pytest.approx(2 * line)
    assert text_height_in("a\nb\n", 1, 10) == pytest.approx(3 * line)
    assert text_height_in("x", 0.01, 10) == pytest.approx(line)  # a box too narrow still takes a character a line


# ---------------------------------------------------------------------------- shared layout


def test_prepare_shortens_a_long_title_and_gives_it_whole_in_the_notes():
    long_title = "word " * 40
    pack = prepare(made_up_briefing(title=long_title + "\x07", notes=["first", "", None]))
    assert len(pack.title) <= TITLE_CHARS and pack.title.endswith("…")
    assert pack.notes == [f"Full: {long_title}", "first"]
    assert pack.stamp == "Date: 2026-01-02    ·    Version: v1"
    assert pack.columns == ["name"]


def test_prepare_leaves_a_short_title_and_the_notes_as_they_are():
    pack = prepare(made_up_briefing(notes=["only note"]))
    assert pack.title == "Made-up place" and pack.notes == ["only note"]


def test_column_widths_share_the_total_by_weight():
    widths = column_widths(["name", "year", "made-up"], 100.0)
    assert sum(widths) == pytest.approx(100.0)
    assert widths[0] / widths[1] == pytest.approx(28 / 6) and widths[2] / widths[1] == pytest.approx(10 / 6)


def test_source_line_adds_the_date_only_when_there_is_one():
    assert source_line("Report", "2025-03-01", "Read") == "Report (Read: 2025-03-01)"
    assert source_line("Report", "", "Read") == "Report"


def test_unique_sources_keeps_the_first_mention_of_each_address():
    sources = [
        ("First", "https://a.example/", "2024"),
        ("Again", "https://a.example/", "2025"),
        ("", "https://b.example/", ""),
        ("No address", "", "2023"),
        ("No address", "", "2022"),
        ("", "", ""),
    ]
    assert unique_sources(sources) == [
        ("First", "https://a.example/", "2024"),
        ("https://b.example/", "https://b.example/", ""),
        ("No address", "", "2023"),
    ]


# ---------------------------------------------------------------------------- PDF pages


def test_pdf_table_repeats_its_header_on_every_page_and_each_page_has_the_footer():
    names = [f"Item {index:03d}" for index in range(90)]
    brief = made_up_briefing(items=pd.DataFrame({"name": names, "url": [""] * len(names)}))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(brief, None, None))).pages]
    with_items = [text for text in pages if "Item " in text]
    assert len(with_items) >= 2, "90 rows do not fit one page"
    assert all("Heading-N" in text for text in with_items)
    found = [word for text in with_items for word in text.split() if word.isdigit() and len(word) == 3]
    assert found == [f"{index:03d}" for index in range(90)]  # every row once, in order
    for number, text in enumerate(pages, start=1):
        assert "Made-up disclaimer." in text and f"{number} / {len(pages)}" in text


# ---------------------------------------------------------------------------- map view


def test_fit_to_box_widens_the_short_side_to_the_box_in_ground_units():
    # Centred on the equator, a degree is a degree both ways.
    assert fit_to_box((0, -0.5, 2, 0.5), 4) == pytest.approx((-1, -0.5, 3, 0.5))
    assert fit_to_box((0, -0.5, 4, 0.5), 2) == pytest.approx((0, -1, 4, 1))
    # At 60° a degree of longitude is half a degree of latitude on the ground.
    assert fit_to_box((0, 59, 2, 61), 1) == pytest.approx((-1, 59, 3, 61))


def test_extent_shows_the_country_or_a_margin_around_the_focus():
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    assert extent(None) == (west, south, east, north)
    assert extent(shapely.Point(70, 50)) == (67, 48, 73, 52)  # at least 6 by 4 degrees
    x0, y0, x1, y1 = extent(shapely.box(60, 45, 70, 50))
    assert (x1 - x0, y1 - y0) == pytest.approx((10 * 1.24, 5 * 1.24))
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx((65, 47.5))
