"""Pure folium builders. Nothing here talks to Streamlit.

The map is split in two so that filters never remount it:

* :func:`build_base_map` - the part that never changes with filters (region outlines as
  an offline basemap, the optional web tiles, the legend). ``st_folium`` hashes this
  part; as long as it is identical the iframe stays mounted and keeps its view.
* :func:`build_feature_groups` - one group per kind holding the filtered features,
  handed to ``st_folium(feature_group_to_add=...)`` which swaps them in place.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
from folium.utilities import JsCode

from kzatlas.catalog import split_list
from kzatlas.config import (
    BAND_KINDS,
    BASEMAP_BOUNDS,
    KAZAKHSTAN_BOUNDS,
    KIND_COLOURS,
    KIND_UNDP_SITE,
    MAP_BACKGROUND,
    MAP_CENTER,
    MAP_KINDS,
    MAP_ZOOM,
    POINT_KINDS,
    REGION_FILL_COLOUR,
    REGION_LINE_COLOUR,
    RELATIONSHIP_COLUMN,
    WEB_TILES_ATTRIBUTION,
    WEB_TILES_URL,
)
from kzatlas.formats import format_hectares
from kzatlas.i18n import ORIGIN_LABELS, QUALITY_LABELS, Translate, kind_label, local_name
from kzatlas.map import feature_payload, site_canvas
from kzatlas.map.base_layers import BaseShapes, FetchedGeoJson, base_shapes, region_collection, to_feature_collection
from kzatlas.map.basemap import BasemapData, bundled_basemap
from kzatlas.map.chrome import (
    DRAW_OPTIONS,
    AtlasDraw,
    AtlasLayerControl,
    AtlasMap,
    MapChrome,
    layer_name,
    legend_html,
    note_html,
    scale_units,
)
from kzatlas.map.name_labels import (
    BasemapLayer,
    FeatureLabels,
    map_labels,
)
from kzatlas.map.screen_fit import LEAST_ZOOM, ScreenFit
from kzatlas.safety import escape_html

UNCERTAIN_QUALITIES = ("approximate", "schematic")
CSS_CLASS_PREFIX = "kz-layer-"

# On a feature click, report the feature's fixed anchor point and id instead of the mouse
# position, and keep the click from reaching the map: clicking the same feature twice then
# sends the same value (streamlit-folium does not rerun), and only empty map clears. The map
# hears of the click, to keep the shape's tooltip from covering its name (MapChrome).
SELECT_ON_CLICK = JsCode(
    """
    function (feature, layer) {
        layer.on("click", function (event) {
            var props = feature.properties;
            var anchor = L.latLng(props.anchor[0], props.anchor[1]);
            anchor.id = props.id;
            event.latlng = anchor;
            L.DomEvent.stopPropagation(event);
            if (layer._map) { layer._map.fire("kzpicked", {id: props.id}); }
        });
    }
    """
)


def feature_tooltip_html(
    row: pd.Series,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
) -> str:
    """Tooltip HTML for one feature; every value from the data is escaped."""
    name = local_name(row, name_column)
    lines = [
        f"<b>{escape_html(name)}</b>",
        escape_html(kind_label(row["kind"], translate, row.get(RELATIONSHIP_COLUMN))),
    ]
    if row["kind"] not in POINT_KINDS:
        lines.append(
            f"{escape_html(translate('Official area'))}: {escape_html(format_hectares(row['area_ha'], translate))}"
        )
    quality = row["geometry_quality"]
    if quality in UNCERTAIN_QUALITIES:
        lines.append(
            f"<i>&#9888; {escape_html(translate(QUALITY_LABELS[quality]))}; "
            f"{escape_html(translate('drawn'))} {escape_html(format_hectares(row['area_drawn_ha'], translate))}</i>"
        )
    regions = [region_names.get(code, code) for code in split_list(row["region_codes"])]
    if regions:
        lines.append(f"{escape_html(translate('Region'))}: {escape_html(', '.join(regions))}")
    if not pd.isna(row["year"]):
        lines.append(f"{escape_html(translate('Year'))}: {int(row['year'])}")
    if row["undp_supported"]:
        lines.append(escape_html(translate("Supported by UNDP")))
    if row.get("origin") in ORIGIN_LABELS:
        lines.append(f"<i>{escape_html(translate(ORIGIN_LABELS[row.get('origin')]))}</i>")
    return "<br>".join(lines)


SELECTED_OUTLINE = "#111111"


def _style_for(kind: str, dashed: bool, selected: bool = False) -> dict:
    colour = KIND_COLOURS[kind]
    if kind in POINT_KINDS:
        style = {"color": "#ffffff", "weight": 2, "fillColor": colour, "fillOpacity": 0.95}
    else:
        style = {
            "color": colour,
            "weight": 2,
            "fillColor": colour,
            "fillOpacity": 0.15 if kind in BAND_KINDS else 0.35,
        }
        if dashed or kind in BAND_KINDS:
            style["dashArray"] = "6 4"
    style["className"] = f"{CSS_CLASS_PREFIX}{kind}"
    if selected:
        style.update(color=SELECTED_OUTLINE, weight=4, className=f"{CSS_CLASS_PREFIX}{kind} kz-selected")
    return style


def _style_function(feature: dict) -> dict:
    properties = feature["properties"]
    return _style_for(
        properties["kind"], properties["geometry_quality"] in UNCERTAIN_QUALITIES, bool(properties.get("selected"))
    )


def prepare_map_features(
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
    band: int | None = None,
) -> feature_payload.PreparedFeatures:
    """Every drawable feature of ``features`` made ready to send (see :mod:`kzatlas.map.feature_payload`).

    ``band`` is the detail band (default: that of the atlas's opening zoom). Prepare the whole
    catalogue once and pass the result to :func:`build_feature_groups` for each filter set.
    """
    return feature_payload.prepare_features(
        features,
        feature_payload.zoom_band(MAP_ZOOM) if band is None else band,
        name_column,
        lambda row: feature_tooltip_html(row, translate, name_column, region_names),
    )


def build_feature_groups(
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
    selected_id: str | None = None,
    *,
    prepared: feature_payload.PreparedFeatures | None = None,
) -> list[folium.FeatureGroup]:
    """One feature group per map kind, always all of them (possibly empty).

    Keeping the list fixed keeps the layer control stable as filters change. A click on a
    feature reports its id (see ``SELECT_ON_CLICK``); ``selected_id`` is drawn outlined.
    ``prepared`` (from :func:`prepare_map_features`, for a catalogue that holds ``features``)
    saves simplifying and serialising the shapes again; without it they are prepared here.
    Many UNDP sites go on one canvas layer (:class:`kzatlas.map.site_canvas.CanvasPoints`).
    """
    if prepared is None:
        prepared = prepare_map_features(features, translate, name_column, region_names)
    groups = []
    ids = features["id"].tolist()
    sites = [i for i in ids if i in prepared.points]
    on_canvas = prepared.sites_on_canvas(ids)
    labels = map_labels(features, name_column, on_canvas)
    for kind in MAP_KINDS:
        group = folium.FeatureGroup(name=layer_name(kind, translate), show=True)
        if kind == KIND_UNDP_SITE and on_canvas:
            site_canvas.CanvasPoints(
                prepared.point_rows(sites),
                prepared.tails,
                _style_for(kind, False),
                _style_for(kind, False, selected=True),
                selected_id,
            ).add_to(group)
            groups.append(group)
            continue
        data = prepared.collection((i for i in ids if prepared.kinds.get(i) == kind), selected_id)
        # folium refuses tooltip fields on an empty layer; an empty layer needs none.
        tooltip = folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True) if data["features"] else None
        marker = folium.CircleMarker(radius=7, fill=True) if kind in POINT_KINDS else None
        folium.GeoJson(
            data,
            name=kind,
            style_function=_style_function,
            highlight_function=lambda _feature: {"weight": 4, "fillOpacity": 0.5},
            tooltip=tooltip,
            marker=marker,
            on_each_feature=SELECT_ON_CLICK,
            control=False,
        ).add_to(group)
        if labels[kind]:
            FeatureLabels(labels[kind]).add_to(group)
        groups.append(group)
    return groups


def _region_style(_feature: dict) -> dict:
    return {
        "color": REGION_LINE_COLOUR,
        "weight": 1,
        "fillColor": REGION_FILL_COLOUR,
        "fillOpacity": 0.75,
        "className": f"{CSS_CLASS_PREFIX}regions",
    }


def build_base_map(
    regions: gpd.GeoDataFrame | None,
    translate: Translate,
    name_column: str,
    *,
    view_param: str | None = None,
    selectable_regions: bool = False,
    web_tiles: bool = True,
    basemap: BasemapData | None | bool = True,
    centre: tuple[float, float] = MAP_CENTER,
    zoom: float = MAP_ZOOM,
    home: tuple | None = KAZAKHSTAN_BOUNDS,
    publish: Callable[[bytes], str | None] | None = None,
    shapes: BaseShapes | None = None,
) -> AtlasMap:
    """The filter-independent map: region outlines, optional web tiles, legend.

    ``regions`` may be ``None`` when the regions layer failed to load; the map still
    draws (on a plain background) so the other layers stay usable. With ``view_param`` the
    map writes its centre and zoom into that query parameter of the page as it moves.
    With ``selectable_regions`` a click on a region reports its ISO code like a feature click.
    ``web_tiles=False`` leaves out the optional web basemap (for files that must never go online).
    ``basemap`` is the offline basemap to draw: ``True`` (the bundled one, in the language of
    ``name_column``), a :class:`~kzatlas.map.basemap.BasemapData`, or ``False``/``None`` for none.
    The label script is always added, so feature names show with or without it.

    The map opens fitted to ``home`` (Kazakhstan; ``None`` keeps ``centre`` and ``zoom``, e.g. a
    saved view) at whatever size its frame has, and never shows past the offline basemap
    (:class:`~kzatlas.map.screen_fit.ScreenFit`); the map body is the same on every screen.

    ``publish`` (for the live app only, e.g. :func:`kzatlas.map.static_files.publish_json`) takes the
    region outlines and the basemap as JSON bytes and returns the address they are served at;
    the map then fetches them from there instead of carrying them. When it returns ``None``, or
    without it (every saved file), the shapes are inside the map as before. ``shapes`` (from
    :func:`base_shapes` for the same ``regions``, language and basemap) saves preparing them again.
    """
    fmap = AtlasMap(
        location=list(centre),
        zoom_start=zoom,
        tiles=None,
        min_zoom=LEAST_ZOOM,
        max_zoom=12,
        control_scale=False,  # MapChrome adds a metric-only scale bar
        prefer_canvas=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    fmap.options["maxBounds"] = [list(corner) for corner in BASEMAP_BOUNDS]
    fmap.options["maxBoundsViscosity"] = 1.0
    if shapes is None:
        shapes = base_shapes(regions, name_column, basemap) if publish is not None else None
    if shapes is not None:
        region_data, data = shapes.regions, shapes.basemap
    else:
        region_data = region_collection(regions, name_column)
        data = bundled_basemap(name_column) if basemap is True else (basemap or None)
    data_url = None
    if publish is not None and (region_data is not None or data is not None):
        data_url = publish(shapes.payload)
    region_layer = None
    if region_data is not None:
        layer_class = FetchedGeoJson if data_url else folium.GeoJson
        region_layer = layer_class(
            region_data,
            name=escape_html(translate("Regions (2022 division)")),
            style_function=_region_style,
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
            on_each_feature=SELECT_ON_CLICK if selectable_regions else None,
            control=True,
        ).add_to(fmap)
    # After the regions: water is drawn over them (lakes lie inside the regions' outlines).
    BasemapLayer(data, data_url=data_url, regions=region_layer if data_url else None).add_to(fmap)
    if web_tiles:
        folium.TileLayer(
            WEB_TILES_URL,
            attr=WEB_TILES_ATTRIBUTION,
            name=escape_html(translate("Web map tiles (needs internet)")),
            overlay=True,
            show=False,
            opacity=0.6,
            control=True,
        ).add_to(fmap)
    MapChrome(legend_html(translate), MAP_BACKGROUND, view_param, scale_units(translate), note_html(translate)).add_to(fmap)
    # After the chrome: its address update on each move runs first (see ScreenFit).
    ScreenFit(home, view_param).add_to(fmap)
    return fmap


def build_layer_control() -> folium.LayerControl:
    """The layer switcher: open where the map frame has room for it, else folded into its button.

    See :class:`~kzatlas.map.chrome.AtlasLayerControl` (decided in the browser from the frame's size).
    """
    return AtlasLayerControl(collapsed=False, position="topright")


def build_full_map(
    regions: gpd.GeoDataFrame | None,
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
    *,
    selected_id: str | None = None,
    **base_options,
) -> AtlasMap:
    """Base map plus feature groups and layer control in one standalone map (tests, exports).

    ``base_options`` go to :func:`build_base_map` (e.g. ``web_tiles``, ``centre``, ``zoom``).
    """
    fmap = build_base_map(regions, translate, name_column, **base_options)
    for group in build_feature_groups(features, translate, name_column, region_names, selected_id):
        group.add_to(fmap)
    build_layer_control().add_to(fmap)
    return fmap


def build_edit_map(
    regions: gpd.GeoDataFrame | None,
    translate: Translate,
    name_column: str,
    **base_options,
) -> AtlasMap:
    """The base map with Leaflet.draw's toolbar: draw a boundary or place a marker, then edit it.

    What is drawn stays on the map's own drawing layer (edit and delete work on it) and is
    reported by ``st_folium`` as ``all_drawings``. ``base_options`` go to
    :func:`build_base_map`.
    """
    fmap = build_base_map(regions, translate, name_column, **base_options)
    AtlasDraw(
        position="topleft",
        show_geometry_on_click=False,
        draw_options=DRAW_OPTIONS,
        edit_options={"edit": True, "remove": True},
    ).add_to(fmap)
    return fmap


def region_highlight_group(regions: gpd.GeoDataFrame | None, iso_code: str | None) -> folium.FeatureGroup:
    """An outline of one region, drawn above the others and letting clicks through.

    Sent as a swappable feature group so choosing another region moves the outline without
    rebuilding (and remounting) the map.
    """
    group = folium.FeatureGroup(name="highlight", control=False)
    if regions is None or iso_code is None:
        return group
    chosen = regions[regions["iso_code"] == iso_code].copy()
    chosen["id"] = chosen["iso_code"]
    folium.GeoJson(
        to_feature_collection(chosen, ["id"]),
        style_function=lambda _feature: {
            "color": SELECTED_OUTLINE,
            "weight": 3,
            "fill": False,
            "interactive": False,
            "className": "kz-region-outline kz-selected",
        },
        control=False,
    ).add_to(group)
    return group
