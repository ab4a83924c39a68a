"""Map clicks and link parameters become typed values; anything unexpected becomes a notice."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from kzatlas.analysis import Filters
from kzatlas.selection import (
    SELECTED_ZOOM,
    Allowed,
    MapClick,
    MapView,
    Notice,
    feature_link,
    feature_view,
    filters_text,
    filters_to_params,
    language_to_params,
    parse_click,
    parse_count,
    parse_decimal,
    parse_filters,
    parse_language,
    parse_region,
    parse_scene,
    parse_selected,
    parse_view,
    region_link,
    scene_link,
    scene_to_params,
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


def test_counts_are_plain_ascii_digits_only():
    assert parse_count("3") == 3 and parse_count("007") == 7 and parse_count("999999") == 999999
    refused = [
        "",
        "\u00b2",
        "\u0663",
        "\u0661\u0662",
        "9" * 5000,
        "9" * 7,
        "-1",
        "+1",
        " 1",
        "1 ",
        "1_0",
        "1.0",
        "\uff11",
    ]
    for raw in [*refused, None, 3, ["1"]]:
        assert parse_count(raw) is None, raw


def test_decimals_are_finite_ascii_without_exponents():
    assert parse_decimal("48.5") == 48.5 and parse_decimal("-12") == -12.0 and parse_decimal("69.0000") == 69.0
    for raw in (
        "nan",
        "NaN",
        "inf",
        "-Infinity",
        "1e309",
        "1e3",
        "4_8",
        " 48",
        "48.",
        ".5",
        "\u0664\u0668",
        "48\n",
        None,
    ):
        assert parse_decimal(raw) is None, raw


@pytest.mark.parametrize(
    "raw", ["1e309,1e309,99", "nan,nan,5", "48.5,69,5,1", "48.5,69", "\u0664\u0668,69,5", "48.5,69,5\n"]
)
def test_hostile_views_are_refused_with_a_notice(raw):
    assert parse_view({"view": raw}) == (None, [Notice("view", raw)])


@pytest.mark.parametrize(
    "raw", ["2000-\u00b9\u2079", "\u0662\u0660\u0660\u0660-\u0662\u0660\u0661\u0660", "2000-2010\n"]
)
def test_years_in_other_digits_are_refused_with_a_notice(raw):
    filters, notices = parse_filters({"years": raw}, ALLOWED)
    assert filters.year_range is None and notices == [Notice("years", raw)]


def test_every_shared_url_payload_parses_without_an_exception():
    from payloads import URL_PARAMS

    for name, raw in URL_PARAMS:
        params = {name: raw}
        parse_filters(params, ALLOWED)
        parse_selected(params, ALLOWED.feature_ids)
        parse_view(params)
        parse_count(raw)


def test_the_profiled_region_from_the_link_is_allowlisted():
    codes = frozenset({"KZ-39", "KZ-63"})
    assert parse_region({}, codes) == (None, [])
    assert parse_region({"region": "KZ-39"}, codes) == ("KZ-39", [])
    assert parse_region({"region": "KZ-00"}, codes) == (None, [Notice("region", "KZ-00")])


@pytest.mark.parametrize("raw", ["0", "4", "-1", "²", "1e1", " 2", "nan", "9" * 5000])
def test_a_scene_number_outside_the_list_or_not_plain_digits_gives_a_notice(raw):
    assert parse_scene({"scene": raw}, 3) == (None, [Notice("scene", raw)])


def test_a_scene_number_within_the_list_is_played():
    assert parse_scene({"scene": "3"}, 3) == (3, [])
    assert parse_scene({}, 3) == (None, [])
    assert scene_to_params(2) == {"scene": "2"} and scene_to_params(None) == {}


def test_the_language_from_the_link_is_one_the_atlas_speaks():
    assert parse_language({"lang": "kk"}) == ("kk", [])
    assert parse_language({"lang": "fr"}) == (None, [Notice("lang", "fr")])
    assert parse_language({}) == (None, [])
    assert language_to_params("en") == {} and language_to_params("ru") == {"lang": "ru"}


def test_links_to_a_feature_a_region_and_a_scene_use_the_declared_parameters():
    assert feature_link("pa-naurzum") == "/?sel=pa-naurzum"
    assert region_link("KZ-39") == "/region_profile?region=KZ-39"
    assert scene_link(4) == "/present?scene=4"


def test_filters_in_words_for_a_citation():
    assert filters_text(Filters()) == "none"
    assert filters_text(Filters(kinds=("national_park",), undp_only=True)) == "kinds=national_park; undp=1"


def test_a_view_on_a_feature_centres_on_it_and_a_feature_without_position_has_none():
    features = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[Point(71.41612, 51.16055), None], crs="EPSG:4326")
    assert feature_view(features, "a") == MapView(51.1606, 71.4161, SELECTED_ZOOM)
    assert feature_view(features, "b") is None
    assert feature_view(features, "unknown") is None
