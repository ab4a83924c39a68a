"""Map clicks and link parameters become typed values; anything unexpected becomes a notice."""

from __future__ import annotations

import pytest

from kzatlas.analysis import Filters
from kzatlas.selection import (
    Allowed,
    MapClick,
    MapView,
    Notice,
    filters_to_params,
    parse_click,
    parse_filters,
    parse_selected,
    parse_view,
)

ALLOWED = Allowed(
    regions=frozenset({"KZ-39", "KZ-63"}),
    kinds=frozenset({"national_park", "undp_site"}),
    themes=frozenset({"biodiversity", "health"}),
    feature_ids=frozenset({"pa-naurzum", "KZ-39"}),
    year_bounds=(1926, 2025),
)


def test_click_on_a_feature_empty_map_or_nothing():
    ids = ALLOWED.feature_ids
    assert parse_click({"last_object_clicked": {"lat": 51.5, "lng": 64.4, "id": "pa-naurzum"}}, ids) == MapClick(
        "pa-naurzum"
    )
    assert parse_click({"last_object_clicked": None}, ids) == MapClick(None)
    assert parse_click({"last_object_clicked": {"lat": 1, "lng": 2}}, ids) == MapClick(None)
    assert parse_click({"last_object_clicked": {"id": "<script>"}}, ids) == MapClick(None)
    assert parse_click(None, ids) is None and parse_click({}, ids) is None


def test_filters_round_trip_through_the_link():
    filters = Filters(
        regions=("KZ-63", "KZ-39"), themes=("health",), kinds=("undp_site",), year_range=(1990, 2020),
        undp_only=True, name_query="Наурзум",
    )  # fmt: skip
    params = filters_to_params(filters, ALLOWED.year_bounds)
    assert params == {"q": "Наурзум", "regions": "KZ-63,KZ-39", "kinds": "undp_site", "themes": "health",
                      "years": "1990-2020", "undp": "1"}  # fmt: skip
    parsed, notices = parse_filters(params, ALLOWED)
    assert parsed == filters and notices == []


def test_default_filters_make_no_parameters():
    assert filters_to_params(Filters(year_range=(1926, 2025)), (1926, 2025)) == {}


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"regions": "KZ-39,XX-99"}, "regions"),
        ({"kinds": "castle"}, "kinds"),
        ({"themes": "<img src=x>"}, "themes"),
        ({"years": "1800-2500"}, "years"),
        ({"years": "recent"}, "years"),
        ({"undp": "yes"}, "undp"),
        ({"q": "x" * 200}, "q"),
    ],
)
def test_unknown_or_malformed_filter_values_give_defaults_and_a_notice(params, bad):
    filters, notices = parse_filters(params, ALLOWED)
    assert [n.param for n in notices] == [bad]
    assert filters.kinds == () and filters.themes == () and filters.year_range is None
    assert filters.name_query == "" and not filters.undp_only
    assert filters.regions in ((), ("KZ-39",))  # the good part of a partly bad list is kept


def test_selection_from_the_link_is_allowlisted():
    assert parse_selected({"sel": "pa-naurzum"}, ALLOWED.feature_ids) == ("pa-naurzum", [])
    assert parse_selected({"sel": "KZ-39"}, ALLOWED.feature_ids) == ("KZ-39", [])
    assert parse_selected({"sel": "drop table"}, ALLOWED.feature_ids) == (None, [Notice("sel", "drop table")])
    assert parse_selected({}, ALLOWED.feature_ids) == (None, [])


def test_view_is_parsed_within_bounds():
    assert parse_view({"view": "48.5,69.0,6"}) == (MapView(48.5, 69.0, 6.0), [])
    assert MapView(48.5, 69.0, 6.0).to_param() == "48.5000,69.0000,6"
    for raw in ("999,999,99", "48,69", "a,b,c", "nan,69,5", "48,69,inf", "48,69,20"):
        view, notices = parse_view({"view": raw})
        assert view is None and notices == [Notice("view", raw)], raw
