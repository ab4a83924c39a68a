"""Links that work in the meeting: the public address, and what a pack says without one."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from kzatlas import briefing, selection
from kzatlas.i18n import translator
from kzatlas.map import offline_kit


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://atlas.example.org/", "https://atlas.example.org"),
        ("https://atlas.example.org/kz/?x=1#top", "https://atlas.example.org/kz"),
        ("  http://10.0.0.5:8501  ", "http://10.0.0.5:8501"),
        ("javascript:alert(1)", None),
        ("ftp://atlas.example.org", None),
        ("atlas.example.org", None),
        ("https://", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_a_public_address_is_taken_only_when_it_is_a_web_address(value, expected):
    assert selection.public_base(value) == expected


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8501", True),
        ("http://127.0.0.1:8501/", True),
        ("http://[::1]:8501", True),
        ("http://0.0.0.0:8501", True),
        ("https://atlas.example.org", False),
        ("http://10.1.2.3:8501", False),
    ],
)
def test_this_computers_own_address_is_recognised(url, local):
    assert selection.is_local_address(url) is local


@pytest.fixture(scope="module")
def unlinked(bundled):
    english = translator("en")
    scope = briefing.Scope("country")
    brief = briefing.build_briefing(bundled, scope, english, "name_en", "", "2026-12-01")
    return brief, briefing.pdf_bytes(brief, None, None), briefing.pptx_bytes(brief, None, None)


def test_a_pack_without_a_public_address_says_so_and_prints_no_local_address(unlinked):
    brief, pdf, pptx = unlinked
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    squashed = " ".join(text.split())
    assert "No public address of the atlas was set" in squashed
    assert "localhost" not in squashed and "127.0.0.1" not in squashed
    slides = " ".join(
        shape.text_frame.text for slide in Presentation(io.BytesIO(pptx)).slides for shape in slide.shapes if shape.has_text_frame
    )
    assert "No public address of the atlas was set" in slides


def test_the_offline_kit_links_to_the_public_address_only_when_given(regions, features):
    english = translator("en")
    made = {
        link: offline_kit.standalone_map_html(regions, features.head(5), english, "name_en", {}, title="Kit", link=link)
        for link in ("https://atlas.example.org/?sel=pa-naurzum", "", "javascript:alert(1)")
    }
    assert 'href="https://atlas.example.org/?sel=pa-naurzum"' in made["https://atlas.example.org/?sel=pa-naurzum"]
    for unsafe in ("", "javascript:alert(1)"):
        assert "Open this view in the atlas" not in made[unsafe] and "javascript:alert" not in made[unsafe]
