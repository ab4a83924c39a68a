"""The atlas maps on a page: the one ``st_folium`` call, its keys, and the clicks it reports.

Every map is drawn once per page and language; later runs swap feature groups into it and
move it with ``center``/``zoom``, so filters and scene changes never remount the iframe.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from kzatlas import cache, mapdata, maps, scenes, selection, state
from kzatlas.catalog import region_frame
from kzatlas.config import MAP_CENTER, MAP_HEIGHT_PX, MAP_ZOOM
from kzatlas.ui.frame import PageContext

LOCATOR_HEIGHT_PX = 420
CLICKS = ("last_object_clicked",)  # the only thing the maps report back


def map_key(page: str, context: PageContext) -> str:
    """The widget key of ``page``'s map (one per language, as labels are drawn into the map)."""
    return f"{page}.map.{context.language}"


def new_map_click(page: str, key: str, allowed_ids: frozenset[str]) -> selection.MapClick | None:
    """A click the map reported since the last run (``None`` when nothing new was clicked).

    Read from session state before the map is drawn, so this run already shows its effect.
    """
    returned = st.session_state.get(key)
    if not state.map_value_changed(page, returned):
        return None
    return selection.parse_click(returned, allowed_ids)


def current_selection(page: str, context: PageContext, allowed_ids: frozenset[str]) -> str | None:
    """The selected feature: a new map click wins, else the last one (or the link's ``sel``).

    Reads the map's latest value from session state, so the map drawn in this run already
    shows the selection.
    """
    click = new_map_click(page, map_key(page, context), allowed_ids)
    if click is not None:
        state.set_selected(page, click.feature_id)
    chosen = state.selected(page)
    state.write_params({selection.PARAM_SELECTED: chosen} if chosen else {}, (selection.PARAM_SELECTED,))
    return chosen


def _show_map(
    page: str,
    context: PageContext,
    base: maps.AtlasMap,
    groups: list,
    height: int,
    returned_objects: list[str],
    view: selection.MapView | None,
) -> dict | None:
    """Draw ``base`` once and swap ``groups`` into it; ``view`` moves the map without remounting it.

    Only ``returned_objects`` come back, so panning and zooming never rerun the app.
    """
    return st_folium(
        base,
        key=map_key(page, context),
        height=height,
        use_container_width=True,
        feature_group_to_add=groups,
        layer_control=maps.build_layer_control(),
        returned_objects=returned_objects,
        center=(view.lat, view.lng) if view else None,
        zoom=view.zoom if view else None,
    )


def _feature_groups(
    context: PageContext,
    features: gpd.GeoDataFrame,
    selected_id: str | None = None,
    view: selection.MapView | None = None,
) -> list:
    """The feature groups, from shapes prepared once per catalogue version, band and language.

    The band follows the zoom the map opens with (``view``), never the user's later zooming,
    which stays in the browser.
    """
    band = mapdata.zoom_band(view.zoom if view else MAP_ZOOM)
    prepared = cache.map_features(context.geodata_dir, context.catalogue.store_version, band, context.language)
    return maps.build_feature_groups(
        features, context.translate, context.name_column, context.region_names(), selected_id, prepared=prepared
    )


def render_map(
    page: str, context: PageContext, features: gpd.GeoDataFrame, selected_id: str | None = None
) -> dict | None:
    """Draw the atlas map; filters swap feature groups in place (no remount, view kept).

    Panning and zooming never rerun the app: only clicks are returned, and the view goes
    into the address from the browser side.
    """
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column, view_param=selection.PARAM_VIEW)
    view = state.view(page)
    groups = _feature_groups(context, features, selected_id, view)
    return _show_map(page, context, base, groups, MAP_HEIGHT_PX, list(CLICKS), view)


def render_region_locator(page: str, context: PageContext, features: gpd.GeoDataFrame, iso_code: str | None) -> None:
    """A small map of the regions with ``iso_code`` outlined; clicking a region selects it.

    The outline and the features are swapped in place, so changing region glides the map
    to it instead of reloading it.
    """
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column, selectable_regions=True)
    view = None
    if regions is not None and iso_code in set(regions["iso_code"]):
        bounds = tuple(regions.loc[regions["iso_code"] == iso_code].total_bounds)
        (lat, lng), zoom = maps.view_for_bounds(bounds, height_px=LOCATOR_HEIGHT_PX)
        view = selection.MapView(lat, lng, zoom)
    groups = _feature_groups(context, features)
    groups.append(maps.region_highlight_group(regions, iso_code))
    _show_map(page, context, base, groups, LOCATOR_HEIGHT_PX, list(CLICKS), view)


def render_scene_map(
    page: str, context: PageContext, scene: scenes.Scene, matching: gpd.GeoDataFrame, height: int
) -> None:
    """The map of one scene; stepping between scenes moves the view without remounting the map."""
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column)
    view = (
        scene.view or selection.feature_view(matching, scene.selected or "") or selection.MapView(*MAP_CENTER, MAP_ZOOM)
    )
    groups = _feature_groups(context, matching, scene.selected, view)
    _show_map(page, context, base, groups, height, [], view)
