"""The atlas maps on a page: the one ``st_folium`` call, its keys, and the clicks it reports.

Every map is drawn once per page and language; later runs swap feature groups into it and
move it with ``center``/``zoom``, so filters and scene changes never remount the iframe. The
region outlines and the basemap are fetched from a static file (:mod:`kzatlas.map.static_files`), so
the map sent again on each run carries only their address.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date

import geopandas as gpd
import streamlit as st

from kzatlas import scenes, selection
from kzatlas.analysis import Filters
from kzatlas.catalog import region_frame
from kzatlas.config import BASEMAP_DETAIL_ZOOM, KAZAKHSTAN_BOUNDS, MAP_HEIGHT_PX, MAP_ZOOM
from kzatlas.map import browser_code, feature_payload, folium_maps, static_files
from kzatlas.map.screen_fit import FillWindow
from kzatlas.map.time_control import year_group
from kzatlas.ui import bridge, cache, map_component, state
from kzatlas.ui.frame import PageContext
from kzatlas.ui.time_line import time_control

LOCATOR_HEIGHT_PX = 420
# The explorer's map reaches the bottom of the window (less this margin), and takes at least this
# share of the window's height: on a laptop the whole map shows below the page's heading.
EXPLORER_MAP_MARGIN_PX = 16
EXPLORER_MAP_MIN_SHARE = 0.5
# The screen scenes' features are prepared for (their detail; the browser fits any screen).
SCENE_FRAME_PX = (1920, 1080)
CLICKS = ("last_object_clicked",)  # the only thing the maps report back
DRAWINGS = ("all_drawings", "last_active_drawing")  # what the editing map reports back
EDIT_MAP_HEIGHT_PX = 520


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
    st.session_state[f"{page}.clicked_now"] = bool(click is not None and click.feature_id)
    if click is not None:
        state.set_selected(page, click.feature_id)
        if click.feature_id:
            state.count_click(page)
    chosen = state.selected(page)
    state.write_params({selection.PARAM_SELECTED: chosen} if chosen else {}, (selection.PARAM_SELECTED,))
    return chosen


def details_scroll_nonce(page: str) -> int | None:
    """A number for the click of this run that picked a feature (``None`` when there was none).

    The page helper scrolls the details panel into view once per number.
    """
    if not st.session_state.get(f"{page}.clicked_now"):
        return None
    return st.session_state[state.CLICK_COUNT].get(page)


def region_bounds(context: PageContext, codes: tuple[str, ...]) -> list | None:
    """Leaflet bounds around the regions ``codes`` (all of Kazakhstan when ``codes`` is empty)."""
    if not codes:
        (south, west), (north, east) = KAZAKHSTAN_BOUNDS
        return [[south, west], [north, east]]

    def bounds() -> list | None:
        regions = region_frame(context.catalogue)
        if regions is None:
            return None
        chosen = regions[regions["iso_code"].isin(codes)]
        return browser_code.leaflet_bounds(chosen.total_bounds) if not chosen.empty else None

    found = context.remembered(("region bounds", tuple(codes)), None, bounds)
    return None if found is None else [list(corner) for corner in found]


def feature_bounds(features: gpd.GeoDataFrame, feature_id: str | None) -> list | None:
    """Leaflet bounds around one feature (``None`` when it is unknown or has no shape)."""
    if not feature_id:
        return None
    match = features[features["id"] == feature_id]
    if match.empty or match.geometry.iloc[0] is None or match.geometry.iloc[0].is_empty:
        return None
    return browser_code.leaflet_bounds(match.total_bounds)


def follow_region_filter(page: str, context: PageContext, filters: Filters) -> None:
    """Fit the map to the regions picked in the filter, animated, when the pick changes.

    On the first run of the page the view the link asked for is kept; a link with regions but
    no view or selection opens fitted to them.
    """
    shown = state.shown_regions(page)
    state.set_shown_regions(page, filters.regions)
    if shown is None:
        if filters.regions and state.view(page) is None and not state.selected(page):
            state.request_flight(page, region_bounds(context, filters.regions))
        return
    if shown != filters.regions:
        state.request_flight(page, region_bounds(context, filters.regions))


def _live_base(context: PageContext, build=folium_maps.build_base_map, **options) -> folium_maps.AtlasMap:
    """The base of a live map (``build``: :func:`folium_maps.build_base_map` or :func:`folium_maps.build_edit_map`).

    Its unchanging shapes come from a static file; ``options`` go to ``build``.
    """
    return build(
        region_frame(context.catalogue),
        context.translate,
        context.name_column,
        publish=static_files.publish_json,
        shapes=cache.base_shapes(context.geodata_dir, context.language),
        **options,
    )


def _flight_group(page: str) -> list:
    requested = state.flight(page)
    if requested is None:
        return []
    number, bounds = requested
    return [browser_code.fly_group(f"{page}-{number}", bounds=bounds)]


def _show_map(
    page: str,
    context: PageContext,
    recipe: str,
    build_base: Callable[[], folium_maps.AtlasMap],
    build_groups: Callable[[], list],
    groups_key: Hashable,
    *,
    extras: list | tuple = (),
    height: int,
    returned_objects: list[str],
    view: selection.MapView | None = None,
    key: str | None = None,
) -> dict | None:
    """Draw the base once and swap the groups into it; ``view`` moves the map without remounting it.

    The base (named by ``recipe``, one per kind of map) is rendered once per language and data
    version, the groups once per ``groups_key`` (which must name everything ``build_groups``
    depends on besides the data version and language); ``extras`` (a flight, a shape opened
    for editing) are rendered on each run. Only ``returned_objects`` come back, so panning and
    zooming never rerun the app.
    """
    widget_key = key or map_key(page, context)

    def styled_base() -> folium_maps.AtlasMap:
        base = build_base()
        browser_code.MapStyle().add_to(base)
        return base

    def layer_control() -> str:
        # Into a base rendered as the browser's is, so the switcher names its layers alike.
        fig = styled_base()
        map_component.base_arguments(fig, widget_key)
        return map_component.layer_control_script(fig, build_groups(), folium_maps.build_layer_control())

    def rendered_groups() -> map_component.GroupArguments:
        groups = build_groups()
        control = context.remembered_map_part(
            ("map control", recipe, widget_key, map_component.layer_signature(groups)), layer_control
        )
        return map_component.group_arguments(map_component.scratch_map(), groups, layer_control=control)

    base = context.remembered_map_part(
        ("map base", recipe, widget_key), lambda: map_component.base_arguments(styled_base(), widget_key)
    )
    groups = context.remembered_map_part(("map groups", recipe, groups_key), rendered_groups)
    parts = [groups]
    if extras:
        parts.append(map_component.group_arguments(map_component.scratch_map(), list(extras), first=groups.count))
    arguments = map_component.joined(
        base,
        parts,
        height=height,
        returned_objects=returned_objects,
        center=(view.lat, view.lng) if view else None,
        zoom=view.zoom if view else None,
    )
    return map_component.show(arguments, widget_key)


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
    band = feature_payload.zoom_band(view.zoom if view else MAP_ZOOM)
    prepared = cache.map_features(
        context.geodata_dir, context.store_address, context.catalogue.store_version, band, context.language
    )
    return folium_maps.build_feature_groups(
        features, context.translate, context.name_column, context.region_names(), selected_id, prepared=prepared
    )


def _feature_groups_key(features: gpd.GeoDataFrame, selected_id: str | None, view: selection.MapView | None) -> tuple:
    """What :func:`_feature_groups` depends on besides the data version and language (the features by id)."""
    return ("features", tuple(features["id"]), selected_id, feature_payload.zoom_band(view.zoom if view else MAP_ZOOM))


def render_map(
    page: str,
    context: PageContext,
    features: gpd.GeoDataFrame,
    selected_id: str | None = None,
    time_line: bool = False,
) -> dict | None:
    """Draw the atlas map; filters swap feature groups in place (no remount, view kept).

    Panning and zooming never rerun the app: only clicks are returned, and the view goes
    into the address from the browser side. With ``time_line`` the map has the year slider
    (:mod:`kzatlas.map.time_control`), for every feature of the catalogue.
    """
    this_year = date.today().year

    def base() -> folium_maps.AtlasMap:
        fmap = _live_base(context, view_param=selection.PARAM_VIEW)
        browser_code.KeepViewInAddress(selection.PARAM_VIEW).add_to(fmap)
        FillWindow(margin_px=EXPLORER_MAP_MARGIN_PX, min_share=EXPLORER_MAP_MIN_SHARE).add_to(fmap)
        if time_line:
            time_control(context, this_year).add_to(fmap)
        return fmap

    view = state.view(page)
    return _show_map(
        page,
        context,
        f"browse-time-{this_year}" if time_line else "browse",
        base,
        lambda: _feature_groups(context, features, selected_id, view),
        _feature_groups_key(features, selected_id, view),
        extras=_flight_group(page),
        height=MAP_HEIGHT_PX,
        returned_objects=list(CLICKS),
        view=view,
    )


# From this many matching features on, a page sends what is below its map after the map is drawn.
BELOW_MAP_LATER_FROM = 2000


def below_map_later(page: str, features: gpd.GeoDataFrame) -> bool:
    """Whether ``page`` should leave what is below its map for the run after the map is drawn.

    Only for large catalogues (:data:`BELOW_MAP_LATER_FROM` features), and once per session:
    the page helper reports the drawn map (:func:`kzatlas.ui.bridge.map_drawn`), which runs the
    page again with everything.
    """
    return len(features) >= BELOW_MAP_LATER_FROM and not bridge.map_drawn(page)


def render_region_locator(page: str, context: PageContext, features: gpd.GeoDataFrame, iso_code: str | None) -> None:
    """A small map of the regions with ``iso_code`` outlined; clicking a region selects it.

    The outline and the features are swapped in place, so changing region flies the map
    to it (fitted to the map's size) instead of reloading it.
    """

    def groups() -> list:
        outline = folium_maps.region_highlight_group(region_frame(context.catalogue), iso_code)
        return _feature_groups(context, features) + [outline]

    bounds = region_bounds(context, (iso_code,)) if iso_code else None
    _show_map(
        page,
        context,
        "locator",
        lambda: _live_base(context, selectable_regions=True),
        groups,
        (_feature_groups_key(features, None, None), iso_code),
        extras=[browser_code.fly_group(f"region-{iso_code}", bounds=bounds)] if bounds is not None else [],
        height=LOCATOR_HEIGHT_PX,
        returned_objects=list(CLICKS),
    )


def scene_extent(context: PageContext, scene: scenes.Scene, matching: gpd.GeoDataFrame) -> list:
    """The area ``scene`` is fitted to (see :func:`kzatlas.scenes.scene_extent`)."""
    return scenes.scene_extent(
        scene,
        lambda codes: region_bounds(context, codes),
        lambda feature_id: feature_bounds(matching, feature_id),
    )


def scene_flight(extent: list, nonce: str):
    """The move to a scene: its extent fitted to the screen, no closer than the basemap is drawn for."""
    return browser_code.fly_group(nonce, bounds=extent, max_zoom=BASEMAP_DETAIL_ZOOM)


def render_scene_map(
    page: str, context: PageContext, scene: scenes.Scene, number: int, matching: gpd.GeoDataFrame, height: int
) -> None:
    """The map of one scene, filling the window below the caption, the scene fitted to it.

    Stepping between scenes flies the same map to the next scene's extent (no reload) and
    closes any tooltip left open. The map has the time line; a story scene moves it to its year
    (any other scene to today).
    """
    this_year = date.today().year

    def base() -> folium_maps.AtlasMap:
        fmap = _live_base(context)
        FillWindow().add_to(fmap)
        time_control(context, this_year).add_to(fmap)
        return fmap

    extent = scene_extent(context, scene, matching)
    view = scenes.extent_view(extent, SCENE_FRAME_PX)
    nonce = f"scene-{number}-{hash(scene) & 0xFFFFFF:x}"
    _show_map(
        page,
        context,
        f"scene-time-{this_year}",
        base,
        lambda: _feature_groups(context, matching, scene.selected, view),
        _feature_groups_key(matching, scene.selected, view),
        extras=[scene_flight(extent, nonce), year_group(nonce, scene.year)],
        height=height,
        returned_objects=[],
    )


def edit_map_key(page: str, context: PageContext) -> str:
    """The editing map's key: a new one after each saved drawing, so the next starts empty."""
    return f"{map_key(page, context)}.draw{state.draw_round(page)}"


def render_edit_map(
    page: str,
    context: PageContext,
    features: gpd.GeoDataFrame,
    highlighted_id: str | None = None,
    extra_groups: list | tuple = (),
) -> dict:
    """The atlas map with drawing tools; returns what is drawn on it.

    The catalogue's features are shown for reference (``highlighted_id`` outlined, and the map
    moved to it). Drawing, editing or deleting a shape reruns the page; panning and zooming
    do not. ``extra_groups`` are swapped in with the features (e.g. a shape opened for editing).

    Returns
    -------
    dict
        ``all_drawings`` (GeoJSON features on the drawing layer, or ``None``) and
        ``last_active_drawing``.
    """
    view = selection.feature_view(features, highlighted_id) if highlighted_id else None
    returned = _show_map(
        page,
        context,
        "edit",
        lambda: _live_base(context, folium_maps.build_edit_map),
        lambda: _feature_groups(context, features, highlighted_id),
        _feature_groups_key(features, highlighted_id, None),
        extras=extra_groups,
        height=EDIT_MAP_HEIGHT_PX,
        returned_objects=list(DRAWINGS),
        view=view,
        key=edit_map_key(page, context),
    )
    returned = returned if isinstance(returned, dict) else {}
    return {name: returned.get(name) for name in DRAWINGS}


def render_preview_map(
    page: str,
    context: PageContext,
    features: gpd.GeoDataFrame,
    extra_groups: list,
    bounds: tuple[float, float, float, float] | None,
) -> None:
    """The atlas map with extra layers over it (an import's shapes), fitted to ``bounds`` (minx, miny, maxx, maxy)."""
    fitted = browser_code.leaflet_bounds(bounds) if bounds is not None else None
    flight = [browser_code.fly_group(f"preview-{fitted}", bounds=fitted)] if fitted is not None else []
    _show_map(
        page,
        context,
        "preview",
        lambda: _live_base(context),
        lambda: _feature_groups(context, features),
        _feature_groups_key(features, None, None),
        extras=list(extra_groups) + flight,
        height=MAP_HEIGHT_PX,
        returned_objects=[],
    )
