"""Scene lists: saved and reopened exactly, and every value checked like a link."""

from __future__ import annotations

import json

import pytest

from kzatlas.analysis import Filters
from kzatlas.scenes import (
    DECK_FORMAT,
    MAX_SCENES,
    Deck,
    DeckError,
    Scene,
    deck_to_json,
    load_default_deck,
    parse_deck,
)
from kzatlas.selection import Allowed, MapView

ALLOWED = Allowed(
    regions=frozenset({"KZ-39", "KZ-43"}),
    kinds=frozenset({"national_park", "strict_nature_reserve", "nature_reserve", "undp_site"}),
    themes=frozenset({"biodiversity"}),
    feature_ids=frozenset({"pa-naurzum", "pa-barsakelmes"}),
    year_bounds=(1926, 2025),
)


def test_a_deck_survives_saving_and_opening():
    deck = Deck(
        "Briefing for the ministry",
        (
            Scene("Kostanay's reserves", Filters(regions=("KZ-39",)), "pa-naurzum", MapView(51.5, 64.4, 7)),
            Scene("Аральское море", Filters(undp_only=True, name_query="Барсакельмес")),
        ),
    )
    reopened, warnings = parse_deck(deck_to_json(deck, ALLOWED.year_bounds), ALLOWED)
    assert reopened == deck and warnings == []


def test_each_scene_has_its_own_explorer_link():
    scene = Scene("x", Filters(regions=("KZ-39",)), "pa-naurzum", MapView(51.5, 64.4, 7))
    assert scene.explorer_url() == "/?regions=KZ-39&sel=pa-naurzum&view=51.5000%2C64.4000%2C7"
    assert Scene("empty").explorer_url() == "/"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        # A scene file nested 100,000 deep once overflowed the parser's recursion.
        (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
        (b'{"format": "' + DECK_FORMAT.encode() + b'", "version": ' + b"9" * 5000 + b"}", "number longer"),
        (b'{"format": "' + DECK_FORMAT.encode() + b'", "version": 1e999}', "too large"),
        (b'{"format": "' + DECK_FORMAT.encode() + b'", "version": NaN}', "NaN"),
        (json.dumps({"format": "something-else"}).encode(), "not an atlas scene list"),
        (json.dumps({"format": DECK_FORMAT, "version": 9, "scenes": []}).encode(), "version 9"),
        (
            json.dumps({"format": DECK_FORMAT, "version": "<b>" + "9" * 500, "scenes": []}).encode(),
            r"version <b>9{8}… is not",  # the value as written, shortened, markup kept as text
        ),
        (json.dumps({"format": DECK_FORMAT, "version": 1, "scenes": []}).encode(), "no scenes"),
        (json.dumps({"format": DECK_FORMAT, "version": 1, "scenes": ["x"]}).encode(), "scene 1"),
        (b" " * 300_000, "larger than"),
        (
            json.dumps({"format": DECK_FORMAT, "version": 1, "scenes": [{"params": {}}] * (MAX_SCENES + 1)}).encode(),
            "at most",
        ),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(DeckError, match=reason):
        parse_deck(data, ALLOWED)


def test_unknown_values_in_a_scene_are_dropped_with_a_warning():
    document = {
        "format": DECK_FORMAT,
        "version": 1,
        "title": "t",
        "scenes": [
            {"caption": "<b>bold</b>" * 50, "params": {"regions": "KZ-39,ZZ", "sel": "nope", "view": "0,0,0", "x": "y"}}
        ],
    }
    deck, warnings = parse_deck(json.dumps(document).encode(), ALLOWED)
    [scene] = deck.scenes
    assert scene.filters.regions == ("KZ-39",) and scene.selected is None and scene.view is None
    assert len(scene.caption) == 160
    assert warnings == ["scene 1: ignored regions", "scene 1: ignored sel", "scene 1: ignored view"]


def test_editing_a_deck():
    deck = Deck("t", tuple(Scene(str(i)) for i in range(3)))
    assert [s.caption for s in deck.moved(0, 1).scenes] == ["1", "0", "2"]
    assert [s.caption for s in deck.moved(2, 5).scenes] == ["0", "1", "2"]
    assert [s.caption for s in deck.without(1).scenes] == ["0", "2"]
    full = Deck("t", tuple(Scene(str(i)) for i in range(MAX_SCENES)))
    with pytest.raises(DeckError):
        full.with_scene(Scene("one too many"))


def test_the_default_deck_is_valid_for_the_bundled_catalogue(features, regions):
    allowed = Allowed(
        regions=frozenset(regions["iso_code"]),
        kinds=frozenset(features["kind"]),
        themes=frozenset(),
        feature_ids=frozenset(features["id"]),
        year_bounds=(1926, 2025),
    )
    deck = load_default_deck(allowed)
    assert len(deck.scenes) >= 5 and all(scene.caption for scene in deck.scenes)
    selected = {scene.selected for scene in deck.scenes}
    assert {"corr-kapshagay-balkhash", "corr-yrgyz-torgay-zhylanshyk", "undp-semipalatinsk-rehabilitation"} <= selected
    assert deck.scenes[0].filters.undp_only


def test_a_story_scene_keeps_its_year_and_a_hostile_year_is_dropped_with_a_warning():
    deck = Deck("Story", (Scene("1968", year=1968), Scene("Today")))
    reopened, warnings = parse_deck(deck_to_json(deck, ALLOWED.year_bounds), ALLOWED)
    assert reopened == deck and warnings == []
    assert reopened.scenes[0].explorer_url() == "/?year=1968"
    hostile = ["<script>", "1968;2000", "0x7B0", "19680", "1799", "2101", " 19 ", "1e3", "١٩٦٨"]
    document = {
        "format": DECK_FORMAT,
        "version": 1,
        "title": "t",
        "scenes": [{"caption": str(i), "params": {"year": value}} for i, value in enumerate(hostile)],
    }
    opened, warnings = parse_deck(json.dumps(document).encode(), ALLOWED)
    assert [scene.year for scene in opened.scenes] == [None] * len(hostile)
    assert len(warnings) == len(hostile) and all("ignored year" in warning for warning in warnings)


def test_the_story_deck_ships_valid_years(features, regions):
    from kzatlas.scenes import load_story_deck

    deck = load_story_deck(ALLOWED)
    assert [scene.year for scene in deck.scenes] == [1926, 1991, 2000, 2018, None]
