"""Browser snippets for the maps and the filters in words (no browser needed)."""

from __future__ import annotations

import math

import folium

from kzatlas.analysis import Filters
from kzatlas.map import browser_code
from kzatlas.selection import filters_in_words

NAMES = {"KZ-39": "Kostanay Region", "KZ-35": "Karaganda Region"}


def test_bounds_become_leaflet_corners_and_bad_bounds_none():
    assert browser_code.leaflet_bounds((61.0, 48.5, 66.4, 54.1)) == [[48.5, 61.0], [54.1, 66.4]]
    assert browser_code.leaflet_bounds((math.nan, 1, 2, 3)) is None
    assert browser_code.leaflet_bounds(()) is None


def test_a_flight_moves_once_per_request_and_closes_tooltips():
    fmap = folium.Map()
    browser_code.fly_group("req-7", bounds=[[48.5, 61.0], [54.1, 66.4]]).add_to(fmap)
    html = fmap.get_root().render()
    assert '"req-7"' in html and "flyToBounds" in html and "closeTooltip" in html
    assert "[[48.5, 61.0], [54.1, 66.4]]" in html


def test_map_style_removes_the_focus_rectangle_and_folds_the_layer_list_on_narrow_maps():
    fmap = folium.Map()
    browser_code.MapStyle().add_to(fmap)
    html = fmap.get_root().render()
    assert "outline: none" in html
    assert f"max-width: {browser_code.NARROW_MAP_PX - 1}px" in html
    hover_open = ".leaflet-control-layers-expanded:hover .leaflet-control-layers-list"
    narrow = html[html.index(f"max-width: {browser_code.NARROW_MAP_PX - 1}px") :]
    narrow = narrow[: narrow.index("\n}")]
    # Once for a narrow map, once for a map whose open list would meet the legend (the fold class).
    assert narrow.count(hover_open) == 1 and f".{browser_code.FOLDED_LAYERS_CLASS} " not in narrow
    assert html.count(f".{browser_code.FOLDED_LAYERS_CLASS} {hover_open}") == 1
    assert html.count(hover_open) == 2


def test_filters_in_words_name_regions_kinds_years_and_undp():
    filters = Filters(regions=("KZ-39", "KZ-35"), kinds=("national_park",), year_range=(2000, 2010), undp_only=True)
    words = filters_in_words(filters, lambda text: text, NAMES, year_bounds=(1930, 2024))
    assert words == (
        "Regions: Kostanay Region, Karaganda Region; Kinds: National park; Years 2000–2010; UNDP-supported only"
    )
    assert "KZ-39" not in words


def test_filters_in_words_leave_out_the_full_year_range_and_say_when_nothing_is_filtered():
    assert filters_in_words(Filters(year_range=(1930, 2024)), lambda text: text, NAMES, (1930, 2024)) == (
        "All features, no filter"
    )


def test_filters_in_words_are_translated():
    def translate(text: str) -> str:
        return {"Regions: {names}": "Области: {names}", "UNDP-supported only": "Только при поддержке ПРООН"}.get(
            text, text
        )

    words = filters_in_words(Filters(regions=("KZ-39",), undp_only=True), translate, NAMES)
    assert words == "Области: Kostanay Region; Только при поддержке ПРООН"
