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
import math

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from kzatlas import mapdata
from kzatlas.basemap import BasemapData, bundled_basemap
from kzatlas.catalog import split_list
from kzatlas.config import (
    BASEMAP_BORDER_COLOUR,
    BASEMAP_LAND_COLOUR,
    BASEMAP_RIVER_COLOUR,
    BASEMAP_WATER_COLOUR,
    BASEMAP_WATER_LINE_COLOUR,
    COORDINATE_DECIMALS,
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
from kzatlas.i18n import KIND_LABELS, QUALITY_LABELS, Translate, format_hectares, local_name, local_names
from kzatlas.safety import escape_html

# Kinds that get a layer on the map, bottom first (corridors under the areas they link).
MAP_KINDS = (KIND_CORRIDOR, KIND_NATIONAL_PARK, KIND_NATURE_RESERVE, KIND_STRICT_RESERVE, KIND_UNDP_SITE)
UNCERTAIN_QUALITIES = ("approximate", "schematic")
CSS_CLASS_PREFIX = "kz-layer-"

# On a feature click, report the feature's fixed anchor point and id instead of the mouse
# position, and keep the click from reaching the map: clicking the same feature twice then
# sends the same value (streamlit-folium does not rerun), and only empty map clears.
SELECT_ON_CLICK = JsCode(
    """
    function (feature, layer) {
        layer.on("click", function (event) {
            var props = feature.properties;
            var anchor = L.latLng(props.anchor[0], props.anchor[1]);
            anchor.id = props.id;
            event.latlng = anchor;
            L.DomEvent.stopPropagation(event);
        });
    }
    """
)


# Names on the map. A name shows from its minimum zoom on, and only where it does not run into
# a name that matters more (lower priority number): countries, then the capital and the two
# other big cities, then the atlas's features by size, then UNDP sites, then regional centres.
LABEL_PANE = "kz-labels"
LAND_PANE = "kz-land"
FEATURE_LABELS_AT_COUNTRY_ZOOM = 8
COUNTRY_ZOOM_LABEL = 4
MIDDLE_ZOOM_LABEL = 6
CLOSE_ZOOM_LABEL = 7
MIDDLE_RANKS = 20
BASEMAP_LABEL_STYLE = {
    # kind/rank -> (CSS class, minimum zoom, priority base)
    "country": ("kz-label-country", 3, 0),
    "capital": ("kz-label-city kz-label-capital", 3, 1),
    "big_city": ("kz-label-city kz-label-capital", 3, 2),
    "city": ("kz-label-city", 5, 200),
}

LABEL_CSS = """
.kz-label{width:0!important;height:0!important;background:none;border:none}
.kz-label>span{position:absolute;left:0;top:0;transform:translate(-50%,-50%);white-space:nowrap;
 font:11px/1.25 "Helvetica Neue",Arial,"Liberation Sans",sans-serif;color:#2e2e2e;
 text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff;pointer-events:none}
.kz-label-country>span{font-size:12px;letter-spacing:.14em;text-transform:uppercase;color:#85857f;
 text-shadow:0 0 2px #eee,0 0 3px #eee}
.kz-label-city>span{transform:translate(-4px,-50%);padding-left:10px;color:#333}
.kz-label-city>span:before{content:"";position:absolute;left:0;top:50%;margin-top:-3.5px;width:7px;height:7px;
 box-sizing:border-box;border-radius:50%;background:#fff;border:1.5px solid #4a4a4a}
.kz-label-capital>span{font-weight:700;font-size:12px}
.kz-label-capital>span:before{background:#4a4a4a}
.kz-label-feature>span{font-weight:600;color:#17322a;font-size:11px}
.kz-label-site>span{transform:translate(10px,-50%);color:#7a2e00}
"""

# Shows each name from its minimum zoom on, most important first, and hides one that would
# touch a name already placed. Runs after every zoom or pan and whenever layers come or go.
LABEL_SCRIPT = """
function (map) {
    function pane(name, z) {
        var node = map.getPane(name) || map.createPane(name);
        node.style.zIndex = z;
        node.style.pointerEvents = "none";
    }
    pane(%(land)s, 150);
    pane(%(labels)s, 450);
    window.kzLabel = function (lat, lng, html, cls, priority, minZoom) {
        return L.marker([lat, lng], {
            pane: %(labels)s, interactive: false, keyboard: false,
            icon: L.divIcon({
                className: "kz-label " + cls, iconSize: null,
                html: '<span data-p="' + priority + '" data-z="' + minZoom + '">' + html + "</span>"
            })
        });
    };
    var waiting = null;
    function place() {
        waiting = null;
        var zoom = map.getZoom(), frame = map.getContainer().getBoundingClientRect();
        var tags = Array.prototype.slice.call(map.getPane(%(labels)s).querySelectorAll(".kz-label > span"));
        var candidates = [];
        tags.forEach(function (tag) {
            var fits = zoom >= parseFloat(tag.getAttribute("data-z"));
            tag.parentNode.style.display = fits ? "" : "none";
            tag.style.visibility = "hidden";
            if (fits) { candidates.push(tag); }
        });
        candidates.sort(function (a, b) {
            return parseFloat(a.getAttribute("data-p")) - parseFloat(b.getAttribute("data-p"));
        });
        var placed = [];
        candidates.forEach(function (tag) {
            var box = tag.getBoundingClientRect();
            if (box.right < frame.left || box.left > frame.right || box.bottom < frame.top || box.top > frame.bottom) {
                return;
            }
            var clash = placed.some(function (other) {
                return box.left < other.right + 4 && box.right + 4 > other.left &&
                    box.top < other.bottom + 2 && box.bottom + 2 > other.top;
            });
            if (!clash) { placed.push(box); tag.style.visibility = "visible"; }
        });
    }
    function later() { if (waiting === null) { waiting = setTimeout(place, 40); } }
    map.on("zoomend moveend resize layeradd layerremove", later);
    map.whenReady(later);
}
"""


def _script_json(value) -> str:
    """``value`` as compact JSON that is safe inside a script element."""
    return str(htmlsafe_json_dumps(value, separators=(",", ":"), ensure_ascii=False))


class _Basemap(MacroElement):
    """Neighbours, seas and lakes, rivers and their names; never clickable, never in the way.

    Land is drawn in its own pane under everything (the optional web tiles included), water
    and rivers above the regions and under the features, and names in a pane above the
    shapes that lets every click through.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        ({{ this.label_script }})({{ this._parent.get_name() }});
        {% if this.data %}
        (function () {
            var map = {{ this._parent.get_name() }}, data = {{ this.data }};
            L.geoJSON(data.land, {pane: {{ this.land_pane | tojson }}, interactive: false,
                style: {{ this.land_style }}}).addTo(map);
            L.geoJSON(data.water, {interactive: false, style: {{ this.water_style }}}).addTo(map);
            L.geoJSON(data.rivers, {interactive: false, style: {{ this.river_style }}}).addTo(map);
            var names = L.layerGroup();
            data.labels.forEach(function (item) {
                names.addLayer(window.kzLabel(item[0], item[1], item[2], item[3], item[4], item[5]));
            });
            names.addTo(map);
        })();
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, data: BasemapData | None):
        super().__init__()
        self._name = "Basemap"
        self.css = LABEL_CSS
        self.land_pane = LAND_PANE
        self.label_script = LABEL_SCRIPT % {
            "land": _script_json(LAND_PANE),
            "labels": _script_json(LABEL_PANE),
        }
        self.land_style = _script_json(
            {
                "color": BASEMAP_BORDER_COLOUR,
                "weight": 0.8,
                "fillColor": BASEMAP_LAND_COLOUR,
                "fillOpacity": 1,
                "className": "kz-basemap-land",
            }
        )
        self.water_style = _script_json(
            {
                "color": BASEMAP_WATER_LINE_COLOUR,
                "weight": 0.6,
                "fillColor": BASEMAP_WATER_COLOUR,
                "fillOpacity": 1,
                "className": "kz-basemap-water",
            }
        )
        self.river_style = _script_json(
            {"color": BASEMAP_RIVER_COLOUR, "weight": 1.1, "opacity": 0.9, "className": "kz-basemap-river"}
        )
        self.data = None
        if data is not None:
            self.data = _script_json(
                {
                    "land": data.land,
                    "water": data.water,
                    "rivers": data.rivers,
                    "labels": basemap_label_items(data.labels),
                }
            )


def basemap_label_items(labels: list) -> list[list]:
    """``[lat, lng, html, class, priority, minimum zoom]`` for the basemap's names.

    ``labels`` come from :class:`kzatlas.basemap.BasemapData` (names already escaped), most
    important first; regional centres keep that order as their priority.
    """
    items = []
    for position, (lat, lng, html, kind, rank) in enumerate(labels):
        if kind == "country":
            style = BASEMAP_LABEL_STYLE["country"]
        elif rank == 1:
            style = BASEMAP_LABEL_STYLE["capital"]
        elif rank == 2:
            style = BASEMAP_LABEL_STYLE["big_city"]
        else:
            style = BASEMAP_LABEL_STYLE["city"]
        css, min_zoom, base = style
        items.append([lat, lng, html, css, base + (position if base >= 100 else 0), min_zoom])
    return items


class _FeatureLabels(MacroElement):
    """Names of one feature group's shapes, placed by the map's label script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            if (!window.kzLabel) { return; }
            {{ this.items }}.forEach(function (item) {
                group.addLayer(window.kzLabel(item[0], item[1], item[2], item[3], item[4], item[5]));
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, items: list[list]):
        super().__init__()
        self._name = "FeatureLabels"
        self.items = _script_json(items)


def feature_label_items(features: gpd.GeoDataFrame, name_column: str) -> dict[str, list[list]]:
    """Label items per kind: ``[lat, lng, html, class, priority, minimum zoom]``.

    Areas are ranked by size (official area, else drawn area): the largest
    ``FEATURE_LABELS_AT_COUNTRY_ZOOM`` are named from country zoom, the next ones from zoom
    6, the rest from zoom 7. UNDP sites are named from zoom 6, after the areas. Every name
    is escaped.
    """
    drawn = features[features.geometry.notna() & ~features.geometry.is_empty]
    drawn = drawn[drawn["kind"].isin(MAP_KINDS)]
    size = drawn["area_ha"].where(drawn["area_ha"].notna(), drawn["area_drawn_ha"]).fillna(0)
    order = drawn.assign(_size=size).sort_values(["_size", "id"], ascending=[False, True])
    items: dict[str, list[list]] = {kind: [] for kind in MAP_KINDS}
    area_rank = 0
    site_rank = 0
    for _, row in order.iterrows():
        name = local_name(row, name_column)
        if not name:
            continue
        point = row.geometry if row.geometry.geom_type == "Point" else row.geometry.representative_point()
        lat, lng = round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)
        if row["kind"] == KIND_UNDP_SITE:
            items[row["kind"]].append(
                [lat, lng, escape_html(name), "kz-label-site", 100 + site_rank, MIDDLE_ZOOM_LABEL]
            )
            site_rank += 1
            continue
        if area_rank < FEATURE_LABELS_AT_COUNTRY_ZOOM:
            min_zoom = COUNTRY_ZOOM_LABEL
        elif area_rank < MIDDLE_RANKS:
            min_zoom = MIDDLE_ZOOM_LABEL
        else:
            min_zoom = CLOSE_ZOOM_LABEL
        items[row["kind"]].append([lat, lng, escape_html(name), "kz-label-feature", 10 + area_rank, min_zoom])
        area_rank += 1
    return items


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
            // A click that reaches the map itself (no feature stopped it) clears the selection.
            map.on("click", function () {
                if (window.__GLOBAL_DATA__) { window.__GLOBAL_DATA__.last_object_clicked = null; }
            });
            {% if this.view_param %}
            // Keep the page address in step with the view without rerunning the app.
            map.on("moveend", function () {
                try {
                    var top = window.parent, centre = map.getCenter();
                    var url = new URL(top.location.href);
                    url.searchParams.set({{ this.view_param | tojson }},
                        centre.lat.toFixed(4) + "," + centre.lng.toFixed(4) + "," + map.getZoom());
                    top.history.replaceState(top.history.state, "", url.toString());
                } catch (error) {
                    // Shown outside the app (no reachable parent page): nothing to update.
                }
            });
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, background: str, view_param: str | None = None):
        super().__init__()
        self._name = "MapChrome"
        self.legend_html = legend_html
        self.background = background
        self.view_param = view_param


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


def round_geometry(geometry):
    """``geometry`` with coordinates rounded to ``COORDINATE_DECIMALS`` (about a metre)."""
    if geometry is None or geometry.is_empty:
        return geometry
    return shapely.transform(geometry, lambda coords: np.round(coords, COORDINATE_DECIMALS))


def to_feature_collection(frame: gpd.GeoDataFrame, properties: list[str]) -> dict:
    """A GeoJSON FeatureCollection with only ``properties`` and rounded coordinates.

    The pseudo-property ``"anchor"`` adds ``[lat, lng]`` of a point inside each shape (the
    value a click reports). Rows without geometry are left out (they cannot be drawn).
    """
    features = []
    for _, row in frame.iterrows():
        geometry = row.geometry
        if geometry is None or geometry.is_empty:
            continue
        values = {name: row[name] for name in properties if name != "anchor"}
        if "anchor" in properties:
            point = geometry.representative_point()
            values["anchor"] = [round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)]
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(round_geometry(geometry))),
                "properties": values,
            }
        )
    return {"type": "FeatureCollection", "features": features}


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
        escape_html(translate(KIND_LABELS.get(row["kind"], row["kind"]))),
    ]
    if row["kind"] != KIND_UNDP_SITE:
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
    return "<br>".join(lines)


SELECTED_OUTLINE = "#111111"


def _style_for(kind: str, dashed: bool, selected: bool = False) -> dict:
    colour = KIND_COLOURS[kind]
    if kind == KIND_UNDP_SITE:
        style = {"color": "#ffffff", "weight": 2, "fillColor": colour, "fillOpacity": 0.95}
    else:
        style = {
            "color": colour,
            "weight": 2,
            "fillColor": colour,
            "fillOpacity": 0.35 if kind != KIND_CORRIDOR else 0.15,
        }
        if dashed or kind == KIND_CORRIDOR:
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
) -> mapdata.PreparedFeatures:
    """Every drawable feature of ``features`` made ready to send (see :mod:`kzatlas.mapdata`).

    ``band`` is the detail band (default: that of the atlas's opening zoom). Prepare the whole
    catalogue once and pass the result to :func:`build_feature_groups` for each filter set.
    """
    return mapdata.prepare_features(
        features,
        mapdata.zoom_band(MAP_ZOOM) if band is None else band,
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
    prepared: mapdata.PreparedFeatures | None = None,
) -> list[folium.FeatureGroup]:
    """One feature group per map kind, always all of them (possibly empty).

    Keeping the list fixed keeps the layer control stable as filters change. A click on a
    feature reports its id (see ``SELECT_ON_CLICK``); ``selected_id`` is drawn outlined.
    ``prepared`` (from :func:`prepare_map_features`, for a catalogue that holds ``features``)
    saves simplifying and serialising the shapes again; without it they are prepared here.
    Many UNDP sites go on one canvas layer (:class:`kzatlas.mapdata.CanvasPoints`).
    """
    if prepared is None:
        prepared = prepare_map_features(features, translate, name_column, region_names)
    groups = []
    ids = features["id"].tolist()
    sites = [i for i in ids if i in prepared.points]
    on_canvas = len(sites) >= mapdata.CANVAS_POINTS_FROM
    # Names of thousands of sites would only clutter the map (and slow it): the tooltip names them.
    labelled = features[features["kind"] != KIND_UNDP_SITE] if on_canvas else features
    labels = feature_label_items(labelled, name_column)
    for kind in MAP_KINDS:
        group = folium.FeatureGroup(name=layer_name(kind, translate), show=True)
        if kind == KIND_UNDP_SITE and on_canvas:
            mapdata.CanvasPoints(
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
        marker = folium.CircleMarker(radius=7, fill=True) if kind == KIND_UNDP_SITE else None
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
            _FeatureLabels(labels[kind]).add_to(group)
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
) -> AtlasMap:
    """The filter-independent map: region outlines, optional web tiles, legend.

    ``regions`` may be ``None`` when the regions layer failed to load; the map still
    draws (on a plain background) so the other layers stay usable. With ``view_param`` the
    map writes its centre and zoom into that query parameter of the page as it moves.
    With ``selectable_regions`` a click on a region reports its ISO code like a feature click.
    ``web_tiles=False`` leaves out the optional web basemap (for files that must never go online).
    ``basemap`` is the offline basemap to draw: ``True`` (the bundled one, in the language of
    ``name_column``), a :class:`~kzatlas.basemap.BasemapData`, or ``False``/``None`` for none.
    The label script is always added, so feature names show with or without it.
    """
    fmap = AtlasMap(
        location=list(centre),
        zoom_start=zoom,
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
        names = local_names(shown, name_column)
        shown["tip"] = [escape_html(name) for name in names]
        shown["id"] = shown["iso_code"]
        data = to_feature_collection(shown, ["id", "tip", "anchor"])
        folium.GeoJson(
            data,
            name=escape_html(translate("Regions (2022 division)")),
            style_function=_region_style,
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
            on_each_feature=SELECT_ON_CLICK if selectable_regions else None,
            control=True,
        ).add_to(fmap)
    data = bundled_basemap(name_column) if basemap is True else (basemap or None)
    # After the regions: water is drawn over them (lakes lie inside the regions' outlines).
    _Basemap(data).add_to(fmap)
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
    _MapChrome(legend_html(translate), MAP_BACKGROUND, view_param).add_to(fmap)
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


def view_for_bounds(
    bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 420
) -> tuple[tuple[float, float], float]:
    """Centre and (quarter-step) zoom that fit ``(minx, miny, maxx, maxy)`` into a map of that size.

    Used instead of ``fit_bounds`` so the map body stays the same between reruns.
    """
    minx, miny, maxx, maxy = bounds
    centre = ((miny + maxy) / 2.0, (minx + maxx) / 2.0)

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_fraction = max(maxx - minx, 1e-6) / 360.0
    lat_fraction = max(mercator_y(maxy) - mercator_y(miny), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256.0 / lon_fraction), math.log2(height_px / 256.0 / lat_fraction))
    return centre, max(3.0, min(10.0, math.floor(zoom * 4) / 4 - 0.25))


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
