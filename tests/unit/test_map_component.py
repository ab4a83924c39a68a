"""The map component gets, from parts rendered once, exactly what st_folium would send it."""

from __future__ import annotations

import pytest
import streamlit_folium

from kzatlas.i18n import translator
from kzatlas.map import browser_code, folium_maps
from kzatlas.ui import map_component

english = translator("en")
SELECTED = "pa-barsakelmes"


def _base(regions, edit: bool):
    build = folium_maps.build_edit_map if edit else folium_maps.build_base_map
    fmap = build(regions, english, "name_en")
    browser_code.MapStyle().add_to(fmap)
    return fmap


def _groups(features):
    return folium_maps.build_feature_groups(features, english, "name_en", {}, SELECTED)


def _extras(features):
    opened = [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [61.0, 46.0]}}]
    return [
        browser_code.fly_group("test-1", bounds=[[45.0, 60.0], [46.0, 62.0]]),
        browser_code.open_for_editing_group("draw-1", opened),
    ]


def _st_folium_arguments(monkeypatch, fig, groups, **options) -> dict:
    """What st_folium hands to the component (recorded in place of the component)."""
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **arguments: sent.update(arguments))
    streamlit_folium.st_folium(
        fig, use_container_width=True, feature_group_to_add=groups, layer_control=folium_maps.build_layer_control(), **options
    )
    sent.pop("on_change")
    return sent


@pytest.mark.parametrize("edit", [False, True], ids=["browse map", "drawing map"])
def test_the_parts_rendered_once_send_what_st_folium_sends(monkeypatch, regions, features, edit):
    options = {"key": "page.map.en", "height": 520, "returned_objects": ["last_object_clicked"], "center": (46.0, 61.0), "zoom": 7}
    expected = _st_folium_arguments(monkeypatch, _base(regions, edit), _groups(features) + _extras(features), **options)

    base = map_component.base_arguments(_base(regions, edit), options["key"])
    # The layer switcher comes from another build of the same base, the groups from a scratch map.
    fresh = _base(regions, edit)
    map_component.base_arguments(fresh, options["key"])
    control = map_component.layer_control_script(fresh, _groups(features), folium_maps.build_layer_control())
    groups = map_component.group_arguments(map_component.scratch_map(), _groups(features), layer_control=control)
    extras = map_component.group_arguments(map_component.scratch_map(), _extras(features), first=groups.count)
    sent = map_component.joined(
        base, [groups, extras], height=520, returned_objects=options["returned_objects"], center=(46.0, 61.0), zoom=7
    )

    assert sorted(sent) == sorted(expected)
    # Byte for byte, although every part comes from a build of its own (the scripts give the
    # layers stable names, so one build's base and another's groups fit together).
    for name in expected:
        assert sent[name] == expected[name], name
    # The map keeps its key across filter changes: it depends on the base only.
    assert sent["key"] == expected["key"]


def test_one_rendered_part_serves_every_run_unchanged(regions, features):
    fig = _base(regions, False)
    base = map_component.base_arguments(fig, "page.map.en")
    control = map_component.layer_control_script(fig, _groups(features), folium_maps.build_layer_control())
    groups = map_component.group_arguments(map_component.scratch_map(), _groups(features), layer_control=control)
    first = map_component.joined(base, [groups], height=400, returned_objects=[], center=None, zoom=None)
    again = map_component.joined(base, [groups], height=400, returned_objects=[], center=None, zoom=None)
    assert first == again
    assert "feature_group_feature_group_0" in first["feature_group"]
    assert first["layer_control"] and "window.layer_control" in first["layer_control"]


def test_the_layer_switcher_is_the_same_for_every_filter_set(regions, features):
    """Rendered once per base: every filter set lists the same layers (all kinds, even empty)."""

    def control(subset):
        fig = _base(regions, False)
        map_component.base_arguments(fig, "page.map.en")
        return map_component.layer_control_script(fig, _groups(subset), folium_maps.build_layer_control())

    parks = features[features["kind"] == "national_park"]
    assert map_component.layer_signature(_groups(parks)) == map_component.layer_signature(_groups(features))
    assert control(parks) == control(features) == control(features.iloc[:0])
