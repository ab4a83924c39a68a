"""Editing a shape in place: the opened shape goes to the drawing layer and comes back as a checked record."""

from __future__ import annotations

import json

import pytest
import shapely

from kzatlas.edit.drawn_records import (
    EDIT_MAX_VERTICES,
    QUALITY_DRAWN,
    DrawingError,
    DrawSource,
    changed_feature_record,
    editable_features,
    parse_drawing,
)
from kzatlas.map.browser_code import open_for_editing_group

SOURCE = DrawSource(title="Decree map, annex 1", date="2024-05-01")
TWO_BLOCKS = shapely.MultiPolygon([shapely.box(64.0, 51.0, 64.5, 51.4), shapely.box(65.0, 51.0, 65.3, 51.2)])


def test_an_opened_multipolygon_comes_back_unchanged_when_nothing_is_moved():
    features, simplified = editable_features(TWO_BLOCKS)
    # One editable polygon per block: Leaflet.draw edits polygons one by one.
    assert not simplified and [feature["geometry"]["type"] for feature in features] == ["Polygon", "Polygon"]
    shape = parse_drawing(json.loads(json.dumps(features)))
    assert shape.geometry.equals(TWO_BLOCKS) and shape.quality == QUALITY_DRAWN


def test_a_moved_vertex_is_saved_with_the_quality_the_editor_states():
    features, _ = editable_features(shapely.box(64.0, 51.0, 64.5, 51.4))
    ring = features[0]["geometry"]["coordinates"][0]
    ring[0] = ring[-1] = [ring[0][0] - 0.2, ring[0][1] - 0.1]  # one corner dragged outwards
    existing = {"id": "pa-test", "name_en": "Test reserve", "kind": "nature_reserve", "geometry_quality": "approximate"}
    drawn = changed_feature_record(parse_drawing(features), existing, SOURCE, None, quality="surveyed")
    assert drawn.record["geometry_quality"] == "surveyed" and drawn.record["name_en"] == "Test reserve"
    assert drawn.drawn_area_ha > shapely.box(64.0, 51.0, 64.5, 51.4).area  # larger than before, in hectares
    assert not drawn.notes
    with pytest.raises(DrawingError):
        changed_feature_record(parse_drawing(features), existing, SOURCE, None, quality="region")
    # Without a stated quality a boundary is digitised; a dragged marker is always a point.
    assert changed_feature_record(parse_drawing(features), existing, SOURCE, None).record["geometry_quality"] == "digitised"
    point, _ = editable_features(shapely.Point(70.0, 48.0))
    point[0]["geometry"]["coordinates"] = [70.1, 48.05]
    moved = changed_feature_record(parse_drawing(point), existing, SOURCE, None, quality="surveyed")
    assert moved.record["geometry_quality"] == "point" and moved.record["geometry"].equals(shapely.Point(70.1, 48.05))


def test_a_boundary_with_too_many_points_is_simplified_before_it_is_opened():
    circle = shapely.Point(70.0, 48.0).buffer(1.0, quad_segs=2_000)
    assert shapely.get_num_coordinates(circle) > EDIT_MAX_VERTICES
    features, simplified = editable_features(circle)
    assert simplified
    opened = shapely.geometry.shape(features[0]["geometry"])
    assert shapely.get_num_coordinates(opened) <= EDIT_MAX_VERTICES
    assert abs(opened.area - circle.area) / circle.area < 0.01


def test_nothing_to_open_without_a_shape():
    assert editable_features(None) == ([], False)
    assert editable_features(shapely.LineString([(70, 48), (71, 49)])) == ([], False)


def test_the_opening_layer_carries_the_shape_as_data_not_markup():
    hostile = [{"type": "Feature", "properties": {"name": "</script><script>alert(1)</script>"},
                "geometry": {"type": "Point", "coordinates": [70.0, 48.0]}}]
    group = open_for_editing_group("draw-0-pa-x-1", hostile)
    import folium

    fmap = folium.Map()
    group.add_to(fmap)
    html = fmap.get_root().render()
    assert "</script><script>alert(1)" not in html
    assert "window.drawnItems" in html and "draw-0-pa-x-1" in html
