"""The network through time in a briefing pack: the frames by year, the strip, the extra page and slide."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from kzatlas import briefing
from kzatlas.briefing.pack_map import static_map_names
from kzatlas.briefing.time_strip import strip_years, time_strip_png
from kzatlas.i18n import translator

COUNTRY = briefing.Scope(briefing.SCOPE_COUNTRY)


def test_each_frame_draws_only_what_existed_that_year(bundled, features):
    english = translator("en")

    def areas(year):
        placed = static_map_names(bundled, COUNTRY, 1600, 1000, english, up_to_year=year)
        return {name.text for name in placed if name.kind == "area"}

    def existing(year):
        founded = features[features["year"].notna() & (features["year"] <= year)]
        return set(founded["name_en"])

    for year in (1926, 1970, 1996):
        assert areas(year) <= existing(year), year  # nothing is named before it existed
    assert "Korgalzhyn State Nature Reserve" in areas(1970)
    assert "Irgiz-Turgay State Nature Reserve" in areas(2026) and "Irgiz-Turgay State Nature Reserve" not in areas(1996)
    # The frames differ where the network grew.
    first, later = (
        briefing.static_map_png(bundled, COUNTRY, 640, 420, english, up_to_year=year, legend=False) for year in (1926, 2018)
    )
    assert first != later


def test_the_strip_shows_the_first_reserve_the_turning_years_and_today(bundled):
    assert strip_years(bundled, 2026) == (1926, 1968, 1996, 2018, 2026)
    image = Image.open(io.BytesIO(time_strip_png(bundled, 2026, translator("ru"), width_px=1200)))
    assert image.mode == "RGB" and image.width == 1200 and 400 < image.height < 700


@pytest.fixture(scope="module")
def country_packs(bundled):
    translate = translator("ru")
    brief = briefing.build_briefing(bundled, COUNTRY, translate, "name_ru", "", "2026-12-06")
    strip = time_strip_png(bundled, 2026, translate, width_px=1200)
    return brief, strip


def test_the_country_pack_gets_a_page_and_a_slide_of_the_network_through_time(country_packs):
    brief, strip = country_packs
    without = PdfReader(io.BytesIO(briefing.pdf_bytes(brief, None, None)))
    with_story = PdfReader(io.BytesIO(briefing.pdf_bytes(brief, None, None, strip)))
    assert len(with_story.pages) == len(without.pages) + 1
    assert "Сеть охраняемых территорий во времени" in with_story.pages[1].extract_text()
    slides = Presentation(io.BytesIO(briefing.pptx_bytes(brief, None, None, strip))).slides
    titles = [slide.shapes.title.text for slide in slides]
    assert titles[2] == "Сеть охраняемых территорий во времени"
    assert any(shape.shape_type == 13 for shape in slides[2].shapes)  # the picture
