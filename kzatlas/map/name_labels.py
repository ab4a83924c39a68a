"""Names on the web map and the offline basemap under it (folium elements and their script).

Country, sea, lake, city and town names come from the basemap files; reserve, park, corridor and
site names are ranked by size so the larger ones are labelled first, and a small script shows
each name only at the zooms where it fits without touching a more important one.

Label sizes are written as ``calc(<N>px * var(--kz-scale, 1))``: a map container that sets the
CSS custom property ``--kz-scale`` scales every name with it.
"""

from __future__ import annotations

import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from kzatlas.config import (
    BASEMAP_BORDER_COLOUR,
    BASEMAP_LAND_COLOUR,
    BASEMAP_RIVER_COLOUR,
    BASEMAP_WATER_COLOUR,
    BASEMAP_WATER_LINE_COLOUR,
    COORDINATE_DECIMALS,
    KIND_UNDP_SITE,
    MAP_KINDS,
    POINT_KINDS,
)
from kzatlas.i18n import local_name
from kzatlas.map import name_order
from kzatlas.map.basemap import BasemapData
from kzatlas.map.feature_payload import script_json as _script_json
from kzatlas.safety import escape_html

LABEL_PANE = "kz-labels"
LAND_PANE = "kz-land"
COUNTRY_ZOOM_LABEL = 4
MIDDLE_ZOOM_LABEL = 6
CLOSE_ZOOM_LABEL = 7
MIDDLE_RANKS = 20
# group of a name -> (CSS class, minimum zoom); the order of the groups is name_order's. The
# regional centres and the seas are named from country zoom (where they fit), the other lakes
# and the towns from zoom 6.
LABEL_STYLE = {
    name_order.GROUP_COUNTRY: ("kz-label-country", 3),
    name_order.GROUP_CAPITAL: ("kz-label-city kz-label-capital", 3),
    name_order.GROUP_SEA: ("kz-label-water kz-label-sea", COUNTRY_ZOOM_LABEL),
    name_order.GROUP_CITY: ("kz-label-city", COUNTRY_ZOOM_LABEL),
    name_order.GROUP_LAKE: ("kz-label-water", MIDDLE_ZOOM_LABEL),
    name_order.GROUP_SITE: ("kz-label-site", MIDDLE_ZOOM_LABEL),
    name_order.GROUP_TOWN: ("kz-label-city kz-label-town", MIDDLE_ZOOM_LABEL),
}
# Names of seas and lakes: a deep blue that reads on the basemap's water and on land.
WATER_NAME_COLOUR = "#2F6690"


def _scaled(pixels: float) -> str:
    """A CSS length that follows the map container's ``--kz-scale`` (1 when it is not set)."""
    return f"calc({pixels:g}px * var(--kz-scale, 1))"


LABEL_CSS = f"""
.kz-label{{width:0!important;height:0!important;background:none;border:none}}
.kz-label>span{{position:absolute;left:0;top:0;transform:translate(-50%,-50%);white-space:nowrap;
 font:{_scaled(11)}/1.25 "Helvetica Neue",Arial,"Liberation Sans",sans-serif;color:#2e2e2e;
 text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff;pointer-events:none}}
.kz-label-country>span{{font-size:{_scaled(12)};letter-spacing:.14em;text-transform:uppercase;color:#85857f;
 text-shadow:0 0 2px #eee,0 0 3px #eee}}
.kz-label-city>span{{transform:translate(-4px,-50%);padding-left:10px;color:#333}}
.kz-label-city>span:before{{content:"";position:absolute;left:0;top:50%;margin-top:-3.5px;width:7px;height:7px;
 box-sizing:border-box;border-radius:50%;background:#fff;border:1.5px solid #4a4a4a}}
.kz-label-capital>span{{font-weight:700;font-size:{_scaled(12)}}}
.kz-label-capital>span:before{{background:#4a4a4a}}
.kz-label-town>span{{font-size:{_scaled(10)};color:#444;padding-left:8px;transform:translate(-3px,-50%)}}
.kz-label-town>span:before{{width:5px;height:5px;margin-top:-2.5px;border-width:1px}}
.kz-label-water>span{{font-style:italic;color:{WATER_NAME_COLOUR};font-size:{_scaled(11)};letter-spacing:.03em;
 text-shadow:0 0 2px #e8f0f6,0 0 3px #e8f0f6,0 0 4px #e8f0f6}}
.kz-label-sea>span{{font-size:{_scaled(12.5)};letter-spacing:.08em}}
.kz-label-feature>span{{font-weight:600;color:#17322a;font-size:{_scaled(11)}}}
.kz-label-site>span{{transform:translate(10px,-50%);color:#7a2e00}}
"""

# Shows each name from its minimum zoom on, most important first, and hides one that would
# touch a name already placed, run past the map's edge or lie under any of its controls (the
# buttons, the layer list, the key, the note along the bottom edge): a name is shown whole or
# not at all. Runs after every zoom or pan and whenever layers come or go.
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
        var placed = Array.prototype.map.call(
            map.getContainer().querySelectorAll(".leaflet-control"),
            function (control) { return control.getBoundingClientRect(); }
        );
        candidates.forEach(function (tag) {
            var box = tag.getBoundingClientRect();
            if (box.left < frame.left || box.right > frame.right || box.top < frame.top || box.bottom > frame.bottom) {
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


class BasemapLayer(MacroElement):
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
        {% if this.data or this.data_url %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var land = L.geoJSON(null, {pane: {{ this.land_pane | tojson }}, interactive: false,
                style: {{ this.land_style }}}).addTo(map);
            var water = L.geoJSON(null, {interactive: false, style: {{ this.water_style }}}).addTo(map);
            var rivers = L.geoJSON(null, {interactive: false, style: {{ this.river_style }}}).addTo(map);
            var names = L.layerGroup().addTo(map);
            function draw(data) {
                if (data.land) { land.addData(data.land); }
                if (data.water) { water.addData(data.water); }
                if (data.rivers) { rivers.addData(data.rivers); }
                (data.labels || []).forEach(function (item) {
                    names.addLayer(window.kzLabel(item[0], item[1], item[2], item[3], item[4], item[5]));
                });
            }
            {% if this.data_url %}
            // The unchanging shapes come from a static file the browser keeps; the layers above
            // exist already, so the layer list, clicks and tooltips are in place before they arrive.
            var regions = {{ this.regions_name or "null" }};
            fetch({{ this.data_url | tojson }}, {credentials: "same-origin"}).then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            }).then(function (data) {
                if (regions && data.regions) { regions.addData(data.regions); }
                draw(data);
                // Features drawn meanwhile stay on top: rivers over water over the regions, under them.
                [rivers, water, regions].forEach(function (layer) {
                    if (layer && map.hasLayer(layer)) { layer.bringToBack(); }
                });
            }).catch(function (error) {
                console.warn("The base map could not be loaded; the map works without it.", error);
            });
            {% else %}
            draw({{ this.data }});
            {% endif %}
        })();
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, data: BasemapData | None, data_url: str | None = None, regions=None):
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
        # With ``data_url`` the shapes (and those of the ``regions`` layer) are fetched from there.
        self.data_url = data_url
        self.regions = regions
        self.data = None
        if data is not None and data_url is None:
            self.data = _script_json(basemap_layers(data))

    def render(self, **kwargs):
        """Render, naming the regions layer that the fetched data fills."""
        self.regions_name = self.regions.get_name() if self.regions is not None else None
        super().render(**kwargs)


def basemap_layers(data: BasemapData | None) -> dict:
    """What the map's basemap script draws: land, water, rivers and names (empty without ``data``).

    Parameters
    ----------
    data : BasemapData or None
        The basemap in one language.

    Returns
    -------
    dict
        ``land``, ``water`` and ``rivers`` (GeoJSON or ``None``) and ``labels`` (see
        :func:`basemap_label_items`).
    """
    if data is None:
        return {"land": None, "water": None, "rivers": None, "labels": []}
    return {
        "land": data.land,
        "water": data.water,
        "rivers": data.rivers,
        "labels": basemap_label_items(data.labels),
    }


def basemap_label_items(labels: list) -> list[list]:
    """``[lat, lng, html, class, priority, minimum zoom]`` for the basemap's names.

    ``labels`` come from :class:`kzatlas.map.basemap.BasemapData` (names already escaped), most
    important first (:func:`~kzatlas.map.name_order.basemap_names_in_order`); each name's
    priority is its group's (:func:`~kzatlas.map.name_order.place_group`), then that order.
    """
    items = []
    for position, (lat, lng, html, kind, rank) in enumerate(labels):
        group = name_order.place_group(kind, rank)
        css, min_zoom = LABEL_STYLE[group]
        items.append([lat, lng, html, css, name_order.priority(group, position), min_zoom])
    return items


class FeatureLabels(MacroElement):
    """Names of one feature group's shapes, placed by the map's label script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            if (!window.kzLabel) { return; }
            {{ this.items }}.forEach(function (item) {
                var label = window.kzLabel(item[0], item[1], item[2], item[3], item[4], item[5]);
                // The feature it names (the time line takes a name off with its feature).
                if (item[6] !== undefined) { label.kzFor = item[6]; }
                group.addLayer(label);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, items: list[list]):
        super().__init__()
        self._name = "FeatureLabels"
        self.items = _script_json(items)


def map_labels(features: gpd.GeoDataFrame, name_column: str, sites_on_canvas: bool) -> dict[str, list[list]]:
    """The name labels of a map of ``features``, per kind (see :func:`feature_label_items`).

    With the sites on one canvas, their names would only clutter the map (and slow it): their
    tooltips name them.
    """
    labelled = features[features["kind"] != KIND_UNDP_SITE] if sites_on_canvas else features
    return feature_label_items(labelled, name_column)


def feature_label_items(features: gpd.GeoDataFrame, name_column: str) -> dict[str, list[list]]:
    """Label items per kind: ``[lat, lng, html, class, priority, minimum zoom, feature id]``.

    Areas are ranked by size (:func:`~kzatlas.map.name_order.features_in_order`): the largest
    ``AREA_NAMES_AT_COUNTRY_ZOOM`` are named from country zoom, the next ones from zoom 6, the
    rest from zoom 7. UNDP sites are named from zoom 6, after the areas. Every name is escaped.
    """
    drawn = features[features.geometry.notna() & ~features.geometry.is_empty]
    drawn = drawn[drawn["kind"].isin(MAP_KINDS)]
    items: dict[str, list[list]] = {kind: [] for kind in MAP_KINDS}
    area_rank = 0
    site_rank = 0
    for _, row in name_order.features_in_order(drawn).iterrows():
        name = local_name(row, name_column)
        if not name:
            continue
        point = row.geometry if row.geometry.geom_type == "Point" else row.geometry.representative_point()
        lat, lng = round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)
        if row["kind"] in POINT_KINDS:
            css, min_zoom = LABEL_STYLE[name_order.GROUP_SITE]
            items[row["kind"]].append(
                [lat, lng, escape_html(name), css, name_order.priority(name_order.GROUP_SITE, site_rank), min_zoom, str(row["id"])]
            )
            site_rank += 1
            continue
        if area_rank < name_order.AREA_NAMES_AT_COUNTRY_ZOOM:
            min_zoom = COUNTRY_ZOOM_LABEL
        elif area_rank < MIDDLE_RANKS:
            min_zoom = MIDDLE_ZOOM_LABEL
        else:
            min_zoom = CLOSE_ZOOM_LABEL
        items[row["kind"]].append(
            [
                lat, lng, escape_html(name), "kz-label-feature",
                name_order.priority(name_order.GROUP_AREA, area_rank), min_zoom, str(row["id"]),
            ]
        )
        area_rank += 1
    return items
