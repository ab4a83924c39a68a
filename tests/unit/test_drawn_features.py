"""Drawn shapes: hostile map messages refused, good ones turned into store records."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from kzatlas.edit.drawn_records import (
    DRAWN_METHOD,
    MAX_DRAWN_VERTICES,
    DrawingError,
    DrawSource,
    NewFeatureFields,
    changed_feature_record,
    difference_percent,
    feature_choices,
    new_feature_record,
    parse_drawing,
    region_index,
)
from kzatlas.store.records import normalise_record

SOURCE = DrawSource(url="https://example.org/decree-map", date="2024-05-01")
# A made-up square "region" around Astana, and one in the Aral Sea area.
REGIONS = gpd.GeoDataFrame(
    {
        "iso_code": ["KZ-71", "KZ-43"],
        "name_en": ["Astana", "Kyzylorda Region"],
        "name_ru": ["Астана", "Кызылординская область"],
        "name_kk": ["Астана", "Қызылорда облысы"],
    },
    geometry=[shapely.box(71.0, 51.0, 72.0, 51.5), shapely.box(60.0, 44.0, 62.0, 46.0)],
    crs="EPSG:4326",
)


def polygon(*points):
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[*points, points[0]]]}}


def marker(lon, lat):
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


SQUARE = polygon([71.2, 51.1], [71.4, 51.1], [71.4, 51.3], [71.2, 51.3])


def test_a_drawn_boundary_becomes_a_digitised_shape():
    shape = parse_drawing([SQUARE])
    assert shape.quality == "digitised"
    assert shape.geometry.geom_type == "Polygon" and shape.geometry.is_valid
    assert shape.notes == ()


def test_a_marker_becomes_a_point_and_last_active_is_used_when_the_list_is_empty():
    shape = parse_drawing(None, marker(71.43, 51.13))
    assert shape.quality == "point" and shape.geometry.equals(shapely.Point(71.43, 51.13))


def test_a_bow_tie_is_repaired_with_a_note_and_two_boundaries_are_joined():
    bow_tie = polygon([71.0, 51.0], [71.2, 51.2], [71.2, 51.0], [71.0, 51.2])
    shape = parse_drawing([bow_tie])
    assert shape.geometry.is_valid and shape.geometry.area > 0
    assert any("crossed itself" in note for note in shape.notes)
    other = polygon([60.5, 44.5], [60.7, 44.5], [60.7, 44.7])
    joined = parse_drawing([SQUARE, other])
    assert joined.geometry.geom_type == "MultiPolygon"
    assert "2 drawn boundaries saved as one shape" in joined.notes


@pytest.mark.parametrize(
    ("drawings", "words"),
    [
        ([], "Nothing is drawn"),
        ("not a list", "Nothing is drawn"),
        ([{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[71, 51], [72, 52]]}}], "not LineString"),
        ([{"type": "Feature", "geometry": {"type": "Bogus<script>", "coordinates": []}}], "not other"),
        ([marker(71, 51), marker(72, 51)], "not several markers"),
        ([marker(71, 51), SQUARE], "not several markers or both"),
        ([marker(200, 51)], "outside longitude"),
        ([marker(71, float("nan"))], "finite"),
        ([marker("71", 51)], "not a number"),
        ([marker(True, 51)], "not a number"),
        ([polygon([71, 51], [72, 51])], "three different points"),
        ([{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "[[1,2]]"}}], "without points"),
        ([{"type": "Feature", "geometry": None}], "no shape"),
        ([42], "not a map shape"),
        ([polygon([71, 51], [71.1, 51], [71.2, 51])], "encloses no area"),
    ],
)
def test_bad_drawings_are_refused_in_plain_words(drawings, words):
    with pytest.raises(DrawingError, match=words):
        parse_drawing(drawings)


def test_a_drawing_with_too_many_points_is_refused_before_it_is_built():
    ring = [[71 + i * 1e-6, 51 + (i % 2) * 1e-3] for i in range(MAX_DRAWN_VERTICES + 5)]
    with pytest.raises(DrawingError, match="more than"):
        parse_drawing([{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}])
    with pytest.raises(DrawingError, match="more than 50 shapes"):
        parse_drawing([marker(71, 51)] * 51)


def test_a_new_feature_record_has_the_drawn_area_regions_and_source():
    shape = parse_drawing([SQUARE])
    drawn = new_feature_record(
        shape,
        NewFeatureFields(name_en="  Tengiz wetland  ", kind="nature_reserve", themes=("biodiversity",), year=2024),
        SOURCE,
        region_index(REGIONS),
        feature_id="drw-test",
    )
    record = drawn.record
    assert record["id"] == "drw-test" and record["name_en"] == "Tengiz wetland"
    assert record["geometry_quality"] == "digitised" and record["geometry_method"] == DRAWN_METHOD
    assert record["region_codes"] == "KZ-71"
    assert 25_000 < record["area_drawn_ha"] < 35_000  # 0.2 x 0.2 degrees at 51 N is about 31,000 ha
    assert record["source_url"] == SOURCE.url and record["source_date"] == "2024-05-01"
    assert json.loads(record["sources_json"])[0]["url"] == SOURCE.url
    assert record["undp_supported"] is False and record["year"] == 2024
    clean = normalise_record(record, 1)  # the store accepts it as it is
    assert clean["geometry"].equals(shape.geometry)
    assert drawn.notes == []


def test_a_marker_outside_kazakhstan_is_a_point_with_a_warning():
    drawn = new_feature_record(
        parse_drawing([marker(30.0, 50.0)]),
        NewFeatureFields(name_en="Elsewhere", kind="undp_site"),
        DrawSource(title="Field notes", date="2024-01-01"),
        region_index(REGIONS),
        feature_id="drw-x",
    )
    assert drawn.record["geometry_quality"] == "point" and drawn.record["area_drawn_ha"] is None
    assert drawn.record["undp_supported"] is True and drawn.record["region_codes"] == ""
    assert "the shape lies outside Kazakhstan" in drawn.notes


@pytest.mark.parametrize(
    ("fields", "source", "words"),
    [
        (NewFeatureFields(name_en=" ", kind="undp_site"), SOURCE, "English name is required"),
        (NewFeatureFields(name_en="A\u202eB", kind="undp_site"), SOURCE, "control or text-direction"),
        (NewFeatureFields(name_en="A" * 201, kind="undp_site"), SOURCE, "longer than"),
        (NewFeatureFields(name_en="A", kind="undp_programme"), SOURCE, "kind"),
        (NewFeatureFields(name_en="A", kind="undp_site", themes=("nope",)), SOURCE, "theme"),
        (NewFeatureFields(name_en="A", kind="undp_site", year=1200), SOURCE, "year"),
        (NewFeatureFields(name_en="A", kind="undp_site"), DrawSource(date="2024-01-01"), "A source is required"),
        (NewFeatureFields(name_en="A", kind="undp_site"), DrawSource(url="javascript:alert(1)", date="2024-01-01"), "http"),
        (NewFeatureFields(name_en="A", kind="undp_site"), DrawSource(url="https://e.org/a"), "date is required"),
        (NewFeatureFields(name_en="A", kind="undp_site"), DrawSource(url="https://e.org/a", date="2999-01-01"), "future"),
    ],
)
def test_new_feature_fields_and_sources_are_checked(fields, source, words):
    with pytest.raises(DrawingError, match=words):
        new_feature_record(parse_drawing([SQUARE]), fields, source, None, feature_id="drw-x")


def existing_frame():
    return gpd.GeoDataFrame(
        {
            "id": ["pa-test", "site-test", "prog-test"],
            "name_en": ["Test reserve", "Test site", "Test programme"],
            "kind": ["strict_nature_reserve", "undp_site", "undp_programme"],
            "region_codes": ["KZ-43", "KZ-71", ""],
            "area_ha": [30_000.0, float("nan"), float("nan")],
            "area_drawn_ha": [29_000.0, float("nan"), float("nan")],
            "geometry_quality": ["surveyed", "point", "none"],
            "geometry_method": ["survey", "coordinates", "no single location"],
            "source_url": ["https://old.example/reserve", "https://old.example/site", ""],
            "sources_json": [json.dumps([{"title": "Old", "url": "https://old.example/reserve"}]), "[]", "not json"],
            "year": [1970, 2020, 2021],
        },
        geometry=[shapely.box(60.5, 44.5, 60.7, 44.7), shapely.Point(71.4, 51.1), None],
        crs="EPSG:4326",
    )


def test_changing_a_shape_keeps_the_feature_and_replaces_only_shape_and_source():
    row = existing_frame().iloc[0].to_dict()
    drawn = changed_feature_record(parse_drawing([SQUARE]), row, SOURCE, region_index(REGIONS))
    record = drawn.record
    assert record["id"] == "pa-test" and record["name_en"] == "Test reserve" and record["region_codes"] == "KZ-43"
    assert record["area_ha"] == 30_000.0 and record["year"] == 1970
    assert record["geometry_quality"] == "digitised" and record["geometry_method"] == DRAWN_METHOD
    assert record["source_url"] == SOURCE.url and record["coord_source"] == SOURCE.url
    assert [entry["url"] for entry in json.loads(record["sources_json"])] == ["https://old.example/reserve", SOURCE.url]
    assert "this replaces a surveyed boundary with a drawn one" in drawn.notes
    assert drawn.official_area_ha == 30_000.0
    assert difference_percent(drawn.drawn_area_ha, drawn.official_area_ha) == pytest.approx(
        (drawn.drawn_area_ha - 30_000) / 300, abs=0.1
    )
    normalise_record(record, 1)


def test_moving_a_point_is_drawing_a_marker_for_it():
    row = existing_frame().iloc[1].to_dict()
    drawn = changed_feature_record(parse_drawing([marker(71.5, 51.2)]), row, SOURCE, region_index(REGIONS))
    assert drawn.record["geometry"].equals(shapely.Point(71.5, 51.2))
    assert drawn.record["geometry_quality"] == "point" and drawn.record["area_drawn_ha"] is None
    assert drawn.notes == []
    assert normalise_record(drawn.record, 1)["year"] == 2020


def test_programmes_without_a_place_are_not_offered_for_redrawing():
    ids = [feature_id for feature_id, _label in feature_choices(existing_frame())]
    assert ids == ["pa-test", "site-test"]
    assert difference_percent(None, 10.0) is None and difference_percent(5.0, None) is None
