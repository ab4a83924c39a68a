"""The briefing pack's map: the offline basemap under it and names that never overlap."""

from __future__ import annotations

import io
from itertools import combinations

import numpy as np
import pytest
from PIL import Image

from kzatlas import briefing, catalog
from kzatlas.briefing.labelling import inside, overlaps, place_labels
from kzatlas.briefing.pack_map import static_map_names
from kzatlas.config import BASEMAP_LAND_COLOUR, BASEMAP_RIVER_COLOUR, MAP_BACKGROUND
from kzatlas.i18n import translator
from kzatlas.map.name_order import AREA_NAMES_AT_COUNTRY_ZOOM

COUNTRY = briefing.Scope("country")
KOSTANAY = briefing.Scope("region", "KZ-39")
NAURZUM = briefing.Scope("feature", "pa-naurzum")


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def share_near(image: np.ndarray, colour: str, tolerance: int = 2) -> float:
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(image.astype(int) - target).max(axis=2) <= tolerance).mean())


def assert_apart(boxes) -> None:
    for first, second in combinations(boxes, 2):
        assert not overlaps(first, second), (first, second)


# ---------------------------------------------------------------------------- placement


def test_overlaps_counts_shared_area_only():
    assert overlaps((0, 0, 10, 10), (5, 5, 15, 15))
    assert overlaps((0, 0, 10, 10), (2, 2, 3, 3))  # one inside the other
    assert not overlaps((0, 0, 10, 10), (10, 0, 20, 10))  # touching edges
    assert not overlaps((0, 0, 10, 10), (0, 11, 10, 20))


def test_place_labels_skips_a_name_that_would_cover_one_placed_before():
    candidates = [
        [(0, 0, 100, 20)],  # the most important name
        [(50, 10, 150, 30)],  # runs into it: left out
        [(120, 0, 200, 20)],  # free
        [(190, 5, 260, 25)],  # runs into the one before
    ]
    chosen = place_labels(candidates)
    assert [index for index, _ in chosen] == [0, 2]
    assert_apart([box for _, box in chosen])


def test_place_labels_takes_the_first_free_position_of_a_name():
    candidates = [[(0, 0, 100, 20)], [(50, 0, 150, 20), (50, 25, 150, 45), (50, 50, 150, 70)]]
    assert place_labels(candidates) == [(0, (0, 0, 100, 20)), (1, (50, 25, 150, 45))]


def test_place_labels_keeps_names_inside_the_bounds_and_off_taken_space():
    bounds = (0, 0, 300, 200)
    candidates = [[(-10, 0, 50, 20), (250, 0, 310, 20)], [(10, 10, 60, 30)], [(100, 100, 160, 120)]]
    chosen = place_labels(candidates, bounds=bounds, taken=[(90, 90, 110, 110)])
    assert chosen == [(1, (10, 10, 60, 30))]
    assert all(inside(box, bounds) for _, box in chosen)


def test_place_labels_stops_at_the_limit_counting_only_names_placed():
    candidates = [[(0, 0, 10, 10)], [(5, 5, 15, 15)], [(20, 0, 30, 10)], [(40, 0, 50, 10)], [(60, 0, 70, 10)]]
    assert [index for index, _ in place_labels(candidates, limit=3)] == [0, 2, 3]


def test_place_labels_never_overlaps_on_a_crowded_random_field():
    rng = np.random.default_rng(7)
    candidates = []
    for x, y, w, h in zip(rng.uniform(0, 900, 300), rng.uniform(0, 600, 300), rng.uniform(20, 140, 300), [18] * 300):
        candidates.append([(x, y, x + w, y + h), (x - w, y, x, y + h)])
    chosen = place_labels(candidates, bounds=(0, 0, 1000, 620))
    assert 20 < len(chosen) < 300
    assert_apart([box for _, box in chosen])


# ---------------------------------------------------------------------------- the map


@pytest.fixture(scope="module")
def country_png(bundled):
    return briefing.static_map_png(bundled, COUNTRY)


def test_country_map_draws_neighbours_and_rivers_from_the_basemap(bundled, country_png, monkeypatch, tmp_path):
    with_basemap = pixels(country_png)
    monkeypatch.setenv(catalog.GEODATA_DIR_ENV, str(tmp_path))  # a folder with no basemap files
    without = pixels(briefing.static_map_png(bundled, COUNTRY))
    assert with_basemap.shape == without.shape == (1000, 1600, 3)
    # Around the country the neighbours' quiet grey replaces the plain background...
    assert share_near(with_basemap, BASEMAP_LAND_COLOUR) > 0.08
    assert share_near(without, BASEMAP_LAND_COLOUR) < 0.005
    assert share_near(with_basemap, MAP_BACKGROUND) < share_near(without, MAP_BACKGROUND) - 0.08
    # ...and the rivers are drawn in their blue (not in the map without the basemap).
    assert share_near(with_basemap, BASEMAP_RIVER_COLOUR, 6) > 3 * share_near(without, BASEMAP_RIVER_COLOUR, 6) + 5e-4


def test_map_without_basemap_still_names_the_features(bundled, monkeypatch, tmp_path):
    monkeypatch.setenv(catalog.GEODATA_DIR_ENV, str(tmp_path))
    names = static_map_names(bundled, KOSTANAY, translate=translator("en"))
    kinds = {name.kind for name in names}
    assert "area" in kinds and not kinds & {"country", "capital", "city"}


@pytest.mark.parametrize("scope", [COUNTRY, KOSTANAY, NAURZUM], ids=["country", "region", "feature"])
def test_names_on_the_map_never_overlap_and_stay_inside(bundled, scope):
    width, height = 1600, 1000
    names = static_map_names(bundled, scope, width, height, translate=translator("en"))
    assert len(names) > 5
    assert_apart([name.box for name in names])
    assert all(inside(name.box, (0, 0, width, height)) for name in names)


def test_country_map_names_neighbours_cities_and_only_the_largest_areas(bundled):
    names = static_map_names(bundled, COUNTRY, translate=translator("en"))
    by_kind: dict[str, list[str]] = {}
    for name in names:
        by_kind.setdefault(name.kind, []).append(name.text)
    assert {"Russia", "China", "Uzbekistan", "Kyrgyzstan"} <= set(by_kind["country"])
    assert {"Astana", "Almaty", "Shymkent"} <= set(by_kind["capital"])
    assert 4 <= len(by_kind["area"]) <= AREA_NAMES_AT_COUNTRY_ZOOM
    assert "Irgiz-Turgay State Nature Reserve" in by_kind["area"]  # the largest is named first
    assert "site" not in by_kind  # UNDP sites are named on closer maps only


def test_the_packs_own_feature_is_named_first(bundled):
    names = static_map_names(bundled, NAURZUM, translate=translator("en"))
    assert (names[0].kind, names[0].text) == ("selected", "Naurzum State Nature Reserve")
    assert sum(name.text == "Naurzum State Nature Reserve" for name in names) == 1


def test_russian_pack_map_is_named_in_russian(bundled):
    names = {name.text for name in static_map_names(bundled, KOSTANAY, translate=translator("ru"))}
    assert {"Россия", "Костанай", "Наурзумский государственный природный заповедник"} <= names
    english = {name.text for name in static_map_names(bundled, KOSTANAY, translate=translator("en"))}
    assert {"Russia", "Kostanay", "Naurzum State Nature Reserve"} <= english
    assert not names & {"Russia", "Kostanay", "Naurzum State Nature Reserve"}


def test_a_name_that_looks_like_math_is_written_as_it_is(tmp_path):
    from sandbox import copy_geodata

    name = "$$\\alert{m2}$$ Naurzum $x^2$"

    def rename(layer, _record, document):
        if layer != "protected_areas":
            return False
        for feature in document["features"]:
            if feature["properties"]["id"] == "pa-naurzum":
                feature["properties"]["name_en"] = name
        return True

    catalogue = catalog.load_catalogue(copy_geodata(tmp_path / "geodata", rename))
    names = static_map_names(catalogue, briefing.Scope("feature", "pa-naurzum"), translate=translator("en"))
    assert any(placed.text == name for placed in names)
