"""Pure folium builders. Nothing here talks to Streamlit.

The map is split in two so that filters never remount it:

* :func:`build_base_map` - the part that never changes with filters (region outlines as
  an offline basemap, the optional web tiles, the legend). ``st_folium`` hashes this
  part; as long as it is identical the iframe stays mounted and keeps its view.
* :func:`build_feature_groups` - one group per kind holding the filtered features,
  handed to ``st_folium(feature_group_to_add=...)`` which swaps them in place.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from kzatlas.catalog import split_list
from kzatlas.config import (
    COORDINATE_DECIMALS,
    KAZAKHSTAN_BOUNDS,
    KIND_COLOURS,
    KIND_CORRIDOR,
    KIND_NATIONAL_PARK,
    KIND_NATURE_RESERVE,
    KIND_STRICT_RESERVE,
    KIND_UNDP_SITE,
    LEAFLET_CSS_URL,
    LEAFLET_JS_URL,
    MAP_BACKGROUND,
    MAP_CENTER,
    MAP_ZOOM,
    REGION_FILL_COLOUR,
    REGION_LINE_COLOUR,
    UN_DISCLAIMER,
    WEB_TILES_ATTRIBUTION,
    WEB_TILES_URL,
)
from kzatlas.i18n import KIND_LABELS, QUALITY_LABELS, Translate
from kzatlas.safety import escape_html

# Kinds that get a layer on the map, bottom first (corridors under the areas they link).
MAP_KINDS = (KIND_CORRIDOR, KIND_NATIONAL_PARK, KIND_NATURE_RESERVE, KIND_STRICT_RESERVE, KIND_UNDP_SITE)
UNCERTAIN_QUALITIES = ("approximate", "schematic")
CSS_CLASS_PREFIX = "kz-layer-"


class AtlasMap(folium.Map):
    """A folium map whose Leaflet comes from the app's own static files, not a CDN."""

    default_js = [("leaflet", LEAFLET_JS_URL)]
    default_css = [("leaflet_css", LEAFLET_CSS_URL)]


class _MapChrome(MacroElement):
    """Legend, background colour and the UN disclaimer, drawn as a Leaflet control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            map.getContainer().style.background = {{ this.background | tojson }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "kz-legend");
                div.innerHTML = {{ this.legend_html | tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, background: str):
        super().__init__()
        self._name = "MapChrome"
        self.legend_html = legend_html
        self.background = background


def kind_swatch(kind: str) -> str:
    """A small coloured sample of how ``kind`` is drawn (our own markup, no data in it)."""
    colour = KIND_COLOURS[kind]
    if kind == KIND_UNDP_SITE:
        return (
            '<span class="kz-swatch" style="display:inline-block;width:12px;height:12px;border-radius:50%;'
            f'background:{colour};border:2px solid #fff;box-shadow:0 0 0 1px {colour}"></span>'
        )
    border = "dashed" if kind == KIND_CORRIDOR else "solid"
    return (
        '<span class="kz-swatch" style="display:inline-block;width:16px;height:10px;'
        f'border:2px {border} {colour};background:{colour}55"></span>'
    )


def layer_name(kind: str, translate: Translate) -> str:
    """Layer-control entry: swatch plus escaped label, so the switcher doubles as the legend."""
    return f"{kind_swatch(kind)}&nbsp;{escape_html(translate(KIND_LABELS[kind]))}"


def legend_html(translate: Translate) -> str:
    """The always-visible key: what dashed outlines mean, and the UN disclaimer (escaped)."""
    dashed = '<span style="display:inline-block;width:16px;height:10px;border:2px dashed #333"></span>'
    title = escape_html(translate("Legend"))
    note = escape_html(translate(UN_DISCLAIMER))
    return (
        '<div style="background:rgba(255,255,255,0.93);padding:6px 9px;border-radius:6px;'
        'font:12px/1.45 sans-serif;color:#222;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:250px">'
        f'<div style="font-weight:600">{title}</div>'
        f'<div class="kz-legend-row">{dashed}&nbsp;{escape_html(translate("Approximate or schematic shape, not a boundary"))}</div>'
        f'<div class="kz-legend-row">{escape_html(translate("Colours: see the layer list above"))}</div>'
        f'<div style="margin-top:4px;font-size:10px;color:#555">{note}</div></div>'
    )


def _round_geometry(geometry):
    if geometry is None or geometry.is_empty:
        return geometry
    return shapely.transform(geometry, lambda coords: np.round(coords, COORDINATE_DECIMALS))


def to_feature_collection(frame: gpd.GeoDataFrame, properties: list[str]) -> dict:
    """A GeoJSON FeatureCollection with only ``properties`` and rounded coordinates.

    Rows without geometry are left out (they cannot be drawn).
    """
    features = []
    for _, row in frame.iterrows():
        geometry = row.geometry
        if geometry is None or geometry.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(_round_geometry(geometry))),
                "properties": {name: row[name] for name in properties},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _format_hectares(value: float | None, translate: Translate) -> str:
    if value is None or pd.isna(value):
        return translate("not published")
    return translate("{hectares} ha").format(hectares=f"{value:,.0f}")


def feature_tooltip_html(
    row: pd.Series,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
) -> str:
    """Tooltip HTML for one feature; every value from the data is escaped."""
    name = row.get(name_column) or row["name_en"]
    lines = [
        f"<b>{escape_html(name)}</b>",
        escape_html(translate(KIND_LABELS.get(row["kind"], row["kind"]))),
    ]
    if row["kind"] != KIND_UNDP_SITE:
        lines.append(
            f"{escape_html(translate('Official area'))}: {escape_html(_format_hectares(row['area_ha'], translate))}"
        )
    quality = row["geometry_quality"]
    if quality in UNCERTAIN_QUALITIES:
        lines.append(
            f"<i>&#9888; {escape_html(translate(QUALITY_LABELS[quality]))}; "
            f"{escape_html(translate('drawn'))} {escape_html(_format_hectares(row['area_drawn_ha'], translate))}</i>"
        )
    regions = [region_names.get(code, code) for code in split_list(row["region_codes"])]
    if regions:
        lines.append(f"{escape_html(translate('Region'))}: {escape_html(', '.join(regions))}")
    if not pd.isna(row["year"]):
        lines.append(f"{escape_html(translate('Year'))}: {int(row['year'])}")
    if row["undp_supported"]:
        lines.append(escape_html(translate("Supported by UNDP")))
    return "<br>".join(lines)


def _style_for(kind: str, dashed: bool) -> dict:
    colour = KIND_COLOURS[kind]
    style = {
        "color": colour,
        "weight": 2,
        "fillColor": colour,
        "fillOpacity": 0.35 if kind != KIND_CORRIDOR else 0.15,
        "className": f"{CSS_CLASS_PREFIX}{kind}",
    }
    if dashed or kind == KIND_CORRIDOR:
        style["dashArray"] = "6 4"
    return style


def _style_function(feature: dict) -> dict:
    properties = feature["properties"]
    return _style_for(properties["kind"], properties["geometry_quality"] in UNCERTAIN_QUALITIES)


def build_feature_groups(
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
) -> list[folium.FeatureGroup]:
    """One feature group per map kind, always all of them (possibly empty).

    Keeping the list fixed keeps the layer control stable as filters change.
    """
    groups = []
    for kind in MAP_KINDS:
        subset = features[features["kind"] == kind].copy()
        subset["tip"] = [
            feature_tooltip_html(row, translate, name_column, region_names) for _, row in subset.iterrows()
        ]
        data = to_feature_collection(subset, ["id", "kind", "geometry_quality", "tip"])
        group = folium.FeatureGroup(name=layer_name(kind, translate), show=True)
        # folium refuses tooltip fields on an empty layer; an empty layer needs none.
        tooltip = folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True) if data["features"] else None
        if kind == KIND_UNDP_SITE:
            colour = KIND_COLOURS[kind]
            marker = folium.CircleMarker(
                radius=7,
                color="#ffffff",
                weight=2,
                fill=True,
                fill_color=colour,
                fill_opacity=0.95,
                class_name=f"{CSS_CLASS_PREFIX}{kind}",
            )
            layer = folium.GeoJson(data, name=kind, marker=marker, tooltip=tooltip, control=False)
        else:
            layer = folium.GeoJson(
                data,
                name=kind,
                style_function=_style_function,
                tooltip=tooltip,
                control=False,
                highlight_function=lambda _feature: {"weight": 4, "fillOpacity": 0.5},
            )
        layer.add_to(group)
        groups.append(group)
    return groups


def build_base_map(regions: gpd.GeoDataFrame | None, translate: Translate, name_column: str) -> AtlasMap:
    """The filter-independent map: region outlines, optional web tiles, legend.

    ``regions`` may be ``None`` when the regions layer failed to load; the map still
    draws (on a plain background) so the other layers stay usable.
    """
    fmap = AtlasMap(
        location=list(MAP_CENTER),
        zoom_start=MAP_ZOOM,
        tiles=None,
        min_zoom=3,
        max_zoom=12,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    fmap.options["maxBounds"] = [[30.0, 30.0], [65.0, 110.0]]
    if regions is not None and not regions.empty:
        shown = regions.copy()
        names = shown[name_column].where(shown[name_column] != "", shown["name_en"])
        shown["tip"] = [escape_html(name) for name in names]
        data = to_feature_collection(shown, ["iso_code", "tip"])
        folium.GeoJson(
            data,
            name=escape_html(translate("Regions (2022 division)")),
            style_function=lambda _feature: {
                "color": REGION_LINE_COLOUR,
                "weight": 1,
                "fillColor": REGION_FILL_COLOUR,
                "fillOpacity": 1.0,
                "className": f"{CSS_CLASS_PREFIX}regions",
            },
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
            control=True,
        ).add_to(fmap)
    folium.TileLayer(
        WEB_TILES_URL,
        attr=WEB_TILES_ATTRIBUTION,
        name=escape_html(translate("Web map tiles (needs internet)")),
        overlay=True,
        show=False,
        opacity=0.6,
        control=True,
    ).add_to(fmap)
    _MapChrome(legend_html(translate), MAP_BACKGROUND).add_to(fmap)
    return fmap


def build_layer_control() -> folium.LayerControl:
    """The layer switcher, expanded so the toggles are visible without a hover."""
    return folium.LayerControl(collapsed=False, position="topright")


def build_full_map(
    regions: gpd.GeoDataFrame | None,
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
) -> AtlasMap:
    """Base map plus feature groups and layer control in one standalone map (tests, exports)."""
    fmap = build_base_map(regions, translate, name_column)
    for group in build_feature_groups(features, translate, name_column, region_names):
        group.add_to(fmap)
    build_layer_control().add_to(fmap)
    return fmap


def fixed_bounds() -> list[list[float]]:
    """Kazakhstan's extent as ``[[south, west], [north, east]]``."""
    return [list(KAZAKHSTAN_BOUNDS[0]), list(KAZAKHSTAN_BOUNDS[1])]
