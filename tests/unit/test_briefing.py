"""Briefing packs: the content, the static map, the QR code, and the PDF and PPTX read back."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import pytest
import segno
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from kzatlas import briefing, spatial
from kzatlas.catalog import feature_frame
from kzatlas.config import AREA_KINDS, KIND_COLOURS, NEARBY_KM, REGION_FILL_COLOUR, UN_DISCLAIMER
from kzatlas.i18n import name_column, translator

MADE_ON = "2026-12-01"
BASE = "https://atlas.example.org"
COUNTRY = briefing.Scope("country")
KOSTANAY = briefing.Scope("region", "KZ-39")
NAURZUM = briefing.Scope("feature", "pa-naurzum")
SCOPES = {"country": COUNTRY, "region": KOSTANAY, "feature": NAURZUM}


def link_for(scope: briefing.Scope, language: str) -> str:
    if scope.kind == "region":
        return f"{BASE}/region_profile?region={scope.id}&lang={language}"
    if scope.kind == "feature":
        return f"{BASE}/?sel={scope.id}&lang={language}"
    return f"{BASE}/?lang={language}"


class Pack:
    """One scope in one language, made once per test session."""

    def __init__(self, catalogue, scope: briefing.Scope, language: str):
        self.scope, self.language = scope, language
        self.brief = briefing.build_briefing(
            catalogue, scope, translator(language), name_column(language), link_for(scope, language), MADE_ON
        )
        self.map_png = briefing.static_map_png(catalogue, scope, translate=translator(language))
        self.qr_png = briefing.qr_png(self.brief.link)
        self.pdf = briefing.pdf_bytes(self.brief, self.map_png, self.qr_png)
        self.pptx = briefing.pptx_bytes(self.brief, self.map_png, self.qr_png)

    def pdf_pages(self) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(self.pdf)).pages]

    def pdf_text(self) -> str:
        return squash(" ".join(self.pdf_pages()))

    def deck(self):
        return Presentation(io.BytesIO(self.pptx))


@pytest.fixture(scope="session")
def packs(bundled):
    made: dict[tuple[str, str], Pack] = {}

    def get(name: str, language: str = "en") -> Pack:
        if (name, language) not in made:
            made[name, language] = Pack(bundled, SCOPES[name], language)
        return made[name, language]

    return get


def squash(text: str) -> str:
    """Whitespace-insensitive text: wrapping in the PDF puts line breaks anywhere."""
    return " ".join(text.split())


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def slide_texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def count_near(image: np.ndarray, colour: np.ndarray, tolerance: int = 3) -> int:
    return int((np.abs(image.astype(int) - colour).max(axis=2) <= tolerance).sum())


# ---------------------------------------------------------------------------- content


def test_scope_refuses_unknown_kinds_and_missing_ids():
    with pytest.raises(ValueError):
        briefing.Scope("planet")
    with pytest.raises(ValueError):
        briefing.Scope("region")


@pytest.mark.parametrize("scope", [briefing.Scope("region", "KZ-00"), briefing.Scope("feature", "pa-nowhere")])
def test_unknown_region_or_feature_is_a_value_error(bundled, scope):
    with pytest.raises(ValueError):
        briefing.build_briefing(bundled, scope, translator("en"))
    with pytest.raises(ValueError):
        briefing.static_map_png(bundled, scope, 400, 250)


def test_country_briefing_lists_every_feature_and_the_target_tracker(bundled, packs):
    brief = packs("country").brief
    features = feature_frame(bundled)
    assert brief.title == "Kazakhstan"
    assert sorted(brief.items["name"]) == sorted(features["name_en"])
    numbers = dict(brief.numbers)
    assert numbers["Strict reserves"] == str((features["kind"] == "strict_nature_reserve").sum())
    assert numbers["Official national figure (2025-01-01)"] == "11.37\u00a0%"
    assert numbers["Global target by 2030"] == "30\u00a0%"
    # Never a lone atlas share: it comes with the official figure and why they differ.
    assert numbers["Reserves and parks in this atlas"] == "2.86\u00a0%"
    # The explanation is printed beside the shares (share_notes), on the same page.
    assert any(note.startswith("Why the figures differ") for note in brief.share_notes)
    # Items without a map position are listed and say so.
    unlocated = features[features.geometry.isna()]["name_en"]
    shapes = dict(zip(brief.items["name"], brief.items["shape"]))
    assert len(unlocated) > 0 and all(shapes[name] == "no map position" for name in unlocated)
    assert brief.data_version == bundled.manifest.data_version
    assert brief.disclaimer == UN_DISCLAIMER and brief.made_on == MADE_ON


def test_region_briefing_uses_the_region_profile(bundled, packs):
    brief = packs("region").brief
    features = feature_frame(bundled)
    profile = spatial.region_profile("KZ-39", features, bundled.layers["regions"])
    assert brief.title == "Kostanay Region"
    numbers = dict(brief.numbers)
    assert numbers["Reserves and parks"] == str(len(profile.protected_ids))
    assert numbers["Reserves and parks in this atlas"] == f"{100 * profile.official_share:.2f}\u00a0%"
    # Altyn Dala and the Yrgyz-Torgay-Zhylanshyk corridor were created with UNDP support.
    assert numbers["UNDP's work here"] == "2"
    assert any(note.startswith("No official protected share is published for a region") for note in brief.share_notes)
    assert any(note.startswith("Land area measured from the region's boundary") for note in brief.notes)
    ids = profile.listed_ids
    expected = features.loc[features["id"].isin(ids), "name_en"]
    assert sorted(brief.items["name"]) == sorted(expected)
    assert "Naurzum State Nature Reserve" in set(brief.items["name"])


def test_feature_briefing_has_its_facts_and_the_nearest_undp_site(bundled, packs):
    brief = packs("feature").brief
    features = feature_frame(bundled)
    nearest = spatial.nearest("pa-naurzum", features, ("undp_site",))
    assert brief.title == "Naurzum State Nature Reserve"
    assert dict(brief.numbers)["Official area"] == "191,381 ha"
    assert brief.items["name"].iloc[0] == "Naurzum State Nature Reserve"
    nearest_name = features.set_index("id").at[nearest.id, "name_en"]
    row = brief.items[brief.items["name"] == nearest_name]
    assert row["distance"].iloc[0] == f"{nearest.distance_km:,.1f}"
    sources = {url for _, url, _ in brief.sources}
    assert features.set_index("id").at["pa-naurzum", "source_url"] in sources
    assert all(accessed for _, _, accessed in brief.sources)


def test_undp_site_briefing_lists_protected_areas_within_100_km(bundled):
    features = feature_frame(bundled)
    site = "undp-un-regional-sdg-centre-almaty"
    found = spatial.features_near(site, features, AREA_KINDS, NEARBY_KM)
    assert found, "the SDG centre in Almaty has parks within 100 km"
    brief = briefing.build_briefing(bundled, briefing.Scope("feature", site), translator("en"), made_on=MADE_ON)
    names = features.set_index("id")["name_en"]
    listed = dict(zip(brief.items["name"], brief.items["distance"]))
    for item in found:
        assert listed[names[item.id]] == f"{item.distance_km:,.1f}"
    assert len(brief.items) == len(found) + 1


def test_item_without_position_is_listed_and_its_map_places_nothing(bundled):
    scope = briefing.Scope("feature", "undp-kazaid")
    brief = briefing.build_briefing(bundled, scope, translator("en"), made_on=MADE_ON)
    assert brief.items["shape"].tolist() == ["no map position"]
    assert "This item has no map position, so nothing can be measured from it." in brief.notes
    image = pixels(briefing.static_map_png(bundled, scope, 800, 500))
    assert image.shape == (500, 800, 3)


def test_clean_text_makes_any_cell_printable():
    assert briefing.clean_text(None) == "" and briefing.clean_text(float("nan")) == ""
    assert briefing.clean_text(pd.NA) == ""
    assert briefing.clean_text("a\x00b\x1bc\ufffe") == "abc"
    assert briefing.clean_text("line\nnext") == "line\nnext"
    assert briefing.shown_url("https://ru.wikipedia.org/wiki/%D0%9D%D0%B0") == "https://ru.wikipedia.org/wiki/На"
    assert briefing.shown_url("https://x.org/%FF") == "https://x.org/%FF"


# ---------------------------------------------------------------------------- map and QR


@pytest.mark.parametrize("size", [(1600, 1000), (1234, 777)])
def test_static_map_has_the_requested_size(bundled, size):
    png = briefing.static_map_png(bundled, COUNTRY, *size)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == size


def test_country_map_draws_every_kind_in_its_colour(packs):
    pack = packs("country")
    image = pixels(pack.map_png)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50
    fill = rgb(REGION_FILL_COLOUR)
    assert count_near(image, fill) > 0.2 * image.shape[0] * image.shape[1]  # the country is the base
    for kind in ("strict_nature_reserve", "nature_reserve", "national_park", "ecological_corridor"):
        # Shapes are filled at 45 % over the region colour; the legend's swatches are solid.
        blended = np.rint(0.45 * rgb(KIND_COLOURS[kind]) + 0.55 * fill)
        assert count_near(image, blended) > 300, kind
        assert count_near(image, rgb(KIND_COLOURS[kind]), 1) > 0, kind
    assert count_near(image, rgb(KIND_COLOURS["undp_site"]), 1) > 100


def test_region_map_is_fitted_to_the_region(packs):
    image = pixels(packs("region").map_png)
    fill = rgb(REGION_FILL_COLOUR)
    # Only Kostanay keeps the region colour (the others are greyed), and it fills the view:
    # it is 7 % of the country (about 4 % of a country map), here over 8 % and most of the height.
    rows = np.nonzero((np.abs(image.astype(int) - fill).max(axis=2) <= 3).any(axis=1))[0]
    assert count_near(image, fill) > 0.08 * image.shape[0] * image.shape[1]
    assert rows.max() - rows.min() > 0.6 * image.shape[0]
    strict = np.rint(0.45 * rgb(KIND_COLOURS["strict_nature_reserve"]) + 0.55 * fill)  # Naurzum
    assert count_near(image, strict) > 300


def test_static_map_is_deterministic(bundled, packs):
    assert briefing.static_map_png(bundled, NAURZUM, translate=translator("en")) == packs("feature").map_png


def test_qr_code_encodes_the_link(packs):
    pack = packs("region")
    image = np.asarray(Image.open(io.BytesIO(pack.qr_png)).convert("L"))
    expected = segno.make(pack.brief.link, error=briefing.QR_ERROR, micro=False)
    size = len(expected.matrix)
    scale, border = briefing.QR_SCALE, briefing.QR_BORDER
    assert image.shape == ((size + 2 * border) * scale,) * 2
    centre = scale // 2
    read = [
        [image[(row + border) * scale + centre, (col + border) * scale + centre] < 128 for col in range(size)]
        for row in range(size)
    ]
    assert read == [[bool(value) for value in line] for line in expected.matrix]
    other = segno.make(pack.brief.link + "x", error=briefing.QR_ERROR, micro=False)
    assert read != [[bool(value) for value in line] for line in other.matrix]


def test_qr_code_needs_a_link():
    with pytest.raises(ValueError):
        briefing.qr_png("")


# ---------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("name", ["country", "region", "feature"])
def test_pdf_holds_title_numbers_items_disclaimer_version_and_link(packs, name):
    pack = packs(name)
    brief = pack.brief
    reader = PdfReader(io.BytesIO(pack.pdf))
    assert len(reader.pages) >= 2
    assert reader.metadata.title == brief.title
    first = squash(reader.pages[0].extract_text())
    assert brief.title in first and brief.data_version in first and MADE_ON in first
    for label, value in brief.numbers:
        assert squash(label) in first and squash(value) in first, label
    text = pack.pdf_text()
    for item in brief.items["name"]:
        assert squash(item) in text
    assert UN_DISCLAIMER in text
    assert no_space(brief.link) in no_space(text)
    # The map is embedded on page 1 at full resolution.
    images = reader.pages[0].images
    assert len(images) >= 1 and images[0].image.size == (1600, 1000)
    # The link is also clickable.
    uris = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    }
    assert brief.link in uris


def test_pdf_country_numbers_are_the_published_ones(packs):
    text = packs("country").pdf_text()
    assert "11.37 %" in text and "Naurzum State Nature Reserve" in text and "no map position" in text


def test_pdf_in_russian_and_kazakh_keeps_cyrillic(packs):
    russian = packs("feature", "ru")
    text = russian.pdf_text()
    assert "Наурзумский государственный природный заповедник" in text
    assert translator("ru")(UN_DISCLAIMER) != UN_DISCLAIMER and translator("ru")(UN_DISCLAIMER) in text
    assert PdfReader(io.BytesIO(russian.pdf)).metadata.title.startswith("Наурзумский")
    kazakh = packs("region", "kk").pdf_text()
    assert "Қостанай облысы" in kazakh
    assert set("әғқңөұүі") <= set(kazakh)


# ---------------------------------------------------------------------------- PPTX


def test_pptx_slides_title_map_items_sources_and_link(packs):
    pack = packs("country")
    brief, deck = pack.brief, pack.deck()
    slides = list(deck.slides)
    assert deck.slide_width * 9 == deck.slide_height * 16
    assert slides[0].shapes.title.text_frame.text == brief.title
    assert brief.data_version in slide_texts(slides[0]) and MADE_ON in slide_texts(slides[0])
    pictures = [shape for shape in slides[1].shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and pictures[0].image.size == (1600, 1000)
    for label, value in brief.numbers:
        assert label in slide_texts(slides[1]) and value in slide_texts(slides[1])
    tables = [shape.table for slide in slides for shape in slide.shapes if shape.has_table]
    assert len(tables) >= 2, "46 items do not fit one slide"
    listed = [row.cells[0].text for table in tables for row in list(table.rows)[1:]]
    assert listed == brief.items["name"].tolist()
    assert all(len(table.rows) <= briefing.PPTX_ROWS_PER_SLIDE + 1 for table in tables)
    everything = "\n".join(slide_texts(slide) for slide in slides)
    assert UN_DISCLAIMER in everything and brief.link in everything
    for title, _, _ in brief.sources:
        assert title in everything
    last = slides[-1]
    assert any(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in last.shapes)  # the QR code
    for slide in slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= deck.slide_width and shape.top + shape.height <= deck.slide_height


def test_pptx_in_russian_has_cyrillic_names(packs):
    pack = packs("feature", "ru")
    slides = list(pack.deck().slides)
    assert slides[0].shapes.title.text_frame.text == "Наурзумский государственный природный заповедник"
    tables = [shape.table for slide in slides for shape in slide.shapes if shape.has_table]
    assert tables[0].cell(1, 0).text == "Наурзумский государственный природный заповедник"
    fonts = {run.font.name for slide in slides for shape in slide.shapes if shape.has_text_frame
             for paragraph in shape.text_frame.paragraphs for run in paragraph.runs}  # fmt: skip
    assert fonts == {briefing.PPTX_FONT}


def test_packs_survive_hostile_values():
    nasty = "bad\x00 value \x1b🌿 " + "https://example.org/" + "a" * 400
    brief = briefing.Briefing(
        title="Title\x07 ∅",
        subtitle="",
        numbers=[("None", briefing.clean_text(None)), ("NaN", briefing.clean_text(math.nan)), (nasty, nasty)],
        items=pd.DataFrame(
            {"name": [None, nasty], "kind": [math.nan, ""], "source": [nasty, None], "url": [nasty, None]}
        ),
        sources=[(nasty, nasty, ""), ("", "", "")],
        notes=[nasty, ""],
        link="",
        data_version="v",
        made_on=MADE_ON,
        disclaimer=UN_DISCLAIMER,
    )
    pdf = briefing.pdf_bytes(brief, None, None)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(brief, None, None)))
    assert len(deck.slides) >= 4


def test_shorten_cuts_with_an_ellipsis_at_a_word_when_it_can():
    assert briefing.shorten("short", 10) == "short"
    assert briefing.shorten("N" * 300, 100) == "N" * 99 + "…"
    assert briefing.shorten("word " * 30, 20) == "word word word word…"


@pytest.mark.parametrize("long_name", __import__("payloads").LONG)
def test_a_pack_for_a_feature_with_a_very_long_name_is_made(bundled, long_name):
    # A name over 255 characters once made the whole pack fail inside python-pptx.
    from dataclasses import replace

    layers = dict(bundled.layers)
    areas = layers["protected_areas"].copy()
    areas.loc[areas["id"] == "pa-naurzum", "name_en"] = long_name
    layers["protected_areas"] = areas
    catalogue = replace(bundled, layers=layers)
    brief = briefing.build_briefing(catalogue, NAURZUM, translator("en"), "name_en", link_for(NAURZUM, "en"), MADE_ON)
    assert brief.title == long_name
    shown = briefing.shorten(long_name, briefing.TITLE_CHARS)
    assert len(shown) <= briefing.TITLE_CHARS and shown.endswith("…")

    deck = Presentation(io.BytesIO(briefing.pptx_bytes(brief, None, None)))
    first = deck.slides[0]
    assert first.shapes.title.text_frame.text == shown
    assert first.notes_slide.notes_text_frame.text == long_name
    assert len(deck.core_properties.title) <= 255 and deck.core_properties.title.endswith("…")
    deck_text = " ".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
    )
    assert f"Full name: {long_name}" in deck_text

    pdf = PdfReader(io.BytesIO(briefing.pdf_bytes(brief, None, None)))
    first_page = no_space(pdf.pages[0].extract_text())
    assert no_space(shown) in first_page and no_space(long_name) not in first_page
    assert no_space(f"Full name: {long_name}") in no_space(" ".join(p.extract_text() for p in pdf.pages))
