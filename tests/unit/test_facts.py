"""Facts a page and a pack both state, on small made-up frames whose distances are known."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from shapely.geometry import box
from test_spatial import circle, make_features, moved

from kzatlas.facts import protection, surroundings
from kzatlas.formats import format_hectares, format_number
from kzatlas.i18n import local_name, local_names, translator
from kzatlas.safety import escape_markdown

EN = translator("en")
RU = translator("ru")


@pytest.fixture()
def places():
    """A park (10 km radius) with one site inside it, a site 10 km beyond its edge, a corridor
    band whose western half overlaps a reserve, and a programme with no map position."""
    return make_features(
        [
            {
                "id": "park",
                "kind": "national_park",
                "name_en": "Park",
                "name_ru": "Парк",
                "geometry": circle(48.0, 68.0, 10_000),
                "undp_supported": True,
            },
            {"id": "inside", "kind": "undp_site", "name_en": "Inside", "geometry": moved(48.0, 68.0, 90, 5_000)},
            {"id": "north", "kind": "undp_site", "name_en": "North", "geometry": moved(48.0, 68.0, 0, 20_000)},
            {"id": "band", "kind": "ecological_corridor", "name_en": "Band", "geometry": box(70.0, 45.0, 71.0, 45.2)},
            {
                "id": "reserve",
                "kind": "strict_nature_reserve",
                "name_en": "Reserve",
                "geometry": box(69.5, 44.9, 70.5, 45.3),
            },
            {"id": "nowhere", "kind": "undp_programme", "name_en": "Nowhere", "geometry": None},
        ]
    )


def test_a_site_lists_the_areas_within_reach_nearest_first(places):
    hood = surroundings.neighbourhood("north", places, within_km=20)
    assert hood.is_undp_site and hood.located
    assert [item.id for item in hood.nearby] == ["park"]
    assert hood.nearby[0].distance_km == pytest.approx(10.0, abs=0.02)
    assert hood.nearest is None
    assert list(hood.related()) == ["park"]
    notes = surroundings.neighbourhood_notes(hood, places, EN, "name_en")
    assert notes == ["Distances are measured from the drawn shapes, which are approximate for reserves and parks."]


def test_a_site_with_nothing_within_reach_names_the_nearest_area(places):
    hood = surroundings.neighbourhood("north", places, within_km=5)
    assert hood.nearby == () and hood.nearest.id == "park"
    assert hood.related() == {}  # the nearest area is only named in the notes
    first = surroundings.neighbourhood_notes(hood, places, EN, "name_en")[0]
    assert first == "None within 5 km. The nearest is Park, 10 km away."
    # Russian text with the Russian name; a feature without one falls back to English.
    assert "Парк" in surroundings.neighbourhood_notes(hood, places, RU, "name_ru")[0]


def test_an_area_lists_the_sites_inside_it_and_the_nearest_one(places):
    hood = surroundings.neighbourhood("park", places)
    assert [item.id for item in hood.nearby] == ["inside"]
    assert hood.nearest.id == "inside" and hood.nearest.distance_km == 0
    assert hood.linked_areas == ()
    assert surroundings.neighbourhood_notes(hood, places, EN, "name_en") == [
        "Nearest UNDP project site: Inside, 0 km.",
        "UNDP supported the creation or expansion of this area (see sources).",
        "Distances are measured from the drawn shapes, which are approximate for reserves and parks.",
    ]


def test_a_corridor_names_the_areas_its_band_meets_and_the_nearest_site(places):
    hood = surroundings.neighbourhood("band", places)
    assert hood.nearby == () and hood.linked_areas == ("reserve",)
    assert hood.nearest.id in {"inside", "north"}
    related = hood.related()
    assert list(related) == [hood.nearest.id, "reserve"] and related["reserve"] == 0.0
    notes = surroundings.neighbourhood_notes(hood, places, EN, "name_en")
    assert notes[0] == "No UNDP project site, and no other UNDP-supported area, lies inside or touches this area."
    assert notes[1].startswith("Nearest UNDP project site: ")
    assert not any("UNDP supported" in note for note in notes)


def test_an_item_without_position_has_only_that_note_and_unknown_ids_none(places):
    hood = surroundings.neighbourhood("nowhere", places)
    assert not hood.located and hood.nearby == () and hood.nearest is None and hood.related() == {}
    assert surroundings.neighbourhood_notes(hood, places, EN, "name_en") == [
        "This item has no map position, so nothing can be measured from it."
    ]
    assert surroundings.neighbourhood("missing", places) is None


def test_notes_carry_names_as_plain_text_for_the_renderer_to_escape(places):
    hostile = places.copy()
    hostile.loc[hostile["id"] == "park", "name_en"] = "[x](javascript:alert(1))"
    note = surroundings.neighbourhood_notes(surroundings.neighbourhood("north", hostile, 5), hostile, EN, "name_en")[0]
    assert "The nearest is [x](javascript:alert(1)), 10 km away." in note
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in escape_markdown(note)


TARGETS = {
    "national_status": [
        {
            "year": 2025,
            "as_of": "2025-01-01",
            "share_pct": 11.37,
            "area_ha": 30_000_000,
            "source": {"publisher": "Publisher", "title": "Status title", "url": "https://example.org/status"},
        },
        {"year": 2020, "share_pct": 9.0, "source": {"url": "https://example.org/old"}},
    ],
    "national_targets": [
        {
            "by_year": 2035,
            "target_area_ha": 33_200_000,
            "document": "Concept {2026} [draft]",
            "source": {"title": "Target title", "url": "https://example.org/target", "accessed": "2026-01-02"},
        }
    ],
    "global_target": {
        "by_year": 2030,
        "target_pct": 30,
        "name": "Target 3",
        "adopted": "2022-12-19",
        "source": {"publisher": "CBD", "url": "https://example.org/cbd"},
    },
    "undp_contribution": {"area_ha": 6_100_000, "source": {"publisher": "BIOFIN", "url": "https://example.org/biofin"}},
}


@pytest.fixture()
def parks():
    return make_features(
        [
            {"id": "a", "kind": "national_park", "area_ha": 100_000.0, "undp_supported": True, "geometry": None},
            {"id": "b", "kind": "nature_reserve", "area_ha": 50_000.0, "undp_supported": True, "geometry": None},
            {"id": "c", "kind": "strict_nature_reserve", "area_ha": 70_000.0, "geometry": None},
            {"id": "d", "kind": "ecological_corridor", "area_ha": 900_000.0, "undp_supported": True, "geometry": None},
        ]
    )


def test_target_statement_figures(parks):
    statement = protection.target_statement(TARGETS, parks, EN, territory_km2=2_724_900)
    assert statement.available
    assert [(f.label, f.value) for f in statement.figures] == [
        ("Official national figure (2025-01-01)", "11.37\u00a0%"),
        ("National target by 2035", "≈ 12.2\u00a0%"),  # computed from hectares
        ("Global target by 2030", "30\u00a0%"),
    ]
    # The protection story stands the atlas's own share next to the official one.
    story = statement.protection
    assert story.figures[0] == statement.figures[0]
    assert story.atlas.value == "0.08\u00a0%"  # 220,000 ha of reserves and parks out of 272,490,000 ha


def test_target_statement_sentences_as_plain_text(parks):
    statement = protection.target_statement(TARGETS, parks, EN, territory_km2=2_724_900)
    assert [s.plain() for s in statement.protection.notes] == [
        "Official figure: all protected areas of Kazakhstan as of 2025-01-01 (Publisher).",
        protection.PROTECTION_EXPLANATION,
    ]
    assert [s.plain() for s in statement.notes] == [
        "National target: Concept {2026} [draft] (Target title).",
        "Its share is computed here from 33,200,000 ha and the official territory of 2,724,900 km².",
        "Global target: Target 3, adopted 2022-12-19 (CBD).",
    ]
    # Only reserves and parks count; the supported corridor does not.
    assert [s.plain() for s in statement.contribution] == [
        "UNDP's contribution. The 2 UNDP-supported reserves and parks in this atlas cover 150,000 ha.",
        "That is 0.5\u00a0% of the national protected total.",
        "UNDP reports 6,100,000 ha added with its support (BIOFIN).",
    ]
    assert [(s.heading, s.url, s.accessed) for s in statement.sources] == [
        ("Status title", "https://example.org/status", ""),
        ("Target title", "https://example.org/target", "2026-01-02"),
        ("CBD", "https://example.org/cbd", ""),
        ("BIOFIN", "https://example.org/biofin", ""),
    ]


def test_target_statement_renders_as_markdown_with_escaped_data_and_links(parks):
    statement = protection.target_statement(TARGETS, parks, EN)
    national = statement.notes[0].render(escape_markdown, lambda source: f"<{source.url}>")
    assert national == "National target: Concept \\{2026\\} \\[draft\\] (<https://example.org/target>)."
    contribution = statement.contribution[0].render(escape_markdown, str)
    assert contribution.startswith("**UNDP's contribution.**")


def test_target_statement_in_russian_uses_the_catalogue_wording(parks):
    statement = protection.target_statement(TARGETS, parks, RU)
    # The day reads the Russian way too (01.01.2025, not the ISO 2025-01-01 the data keeps).
    label = RU("Official national figure ({date})").format(date="01.01.2025")
    assert statement.figures[0].label == label != "Official national figure (2025-01-01)"
    assert statement.figures[0].value == "11,37\u00a0%"
    assert statement.protection.notes[-1].plain() == RU(protection.PROTECTION_EXPLANATION)


def test_target_statement_without_figures_says_nothing(parks):
    statement = protection.target_statement(None, parks, EN)
    assert not statement.available
    assert statement.figures == () and statement.notes == () and statement.sources == ()
    assert [s.plain() for s in statement.contribution] == [
        "UNDP's contribution. The 2 UNDP-supported reserves and parks in this atlas cover 150,000 ha."
    ]


def test_a_published_national_share_is_not_marked_computed(parks):
    targets = {**TARGETS, "national_targets": [{"by_year": 2030, "target_pct": 17.0}]}
    statement = protection.target_statement(targets, parks, EN)
    assert statement.figures[1].value == "17.0\u00a0%"
    assert statement.notes[0].source is None  # a target with no address cites nothing
    assert not any("computed" in s.plain() for s in statement.notes)


def test_local_name_falls_back_to_english_for_missing_names():
    for missing in ("", None, math.nan):
        assert local_name({"name_en": "Naurzum", "name_kk": missing}, "name_kk") == "Naurzum"
    assert local_name({"name_en": "Naurzum", "name_kk": "Наурызым"}, "name_kk") == "Наурызым"
    assert local_name({"name_en": ""}, "name_ru") == ""
    frame = pd.DataFrame({"name_en": ["A", "B", "C"], "name_ru": ["А", "", None]})
    assert local_names(frame, "name_ru").tolist() == ["А", "B", "C"]


def test_hectares_and_numbers_are_formatted_one_way():
    assert format_hectares(415_164.2, EN) == "415,164 ha"
    assert format_hectares(415_164.2, RU) == "415\u00a0164 га"
    assert format_hectares(None, EN) == format_hectares(math.nan, EN) == "not published"
    assert format_number(1_234.56, EN) == "1,235" and format_number(12.345, EN, 1) == "12.3"
