"""The map's frame: Leaflet and drawing tools served by the app, the legend, the layer list.

The layer-list entries carry each kind's swatch, so the list doubles as the legend. The list
starts folded into its button on a map frame where, open, it would hide too much of the map
(:class:`AtlasLayerControl`); the scale bar speaks the map's language; a click on a shape
closes the tooltip over it until the pointer leaves the shape (:class:`MapChrome`).
"""

from __future__ import annotations

import folium
import folium.plugins
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate
from jinja2 import Template

from kzatlas.config import (
    BAND_KINDS,
    KIND_COLOURS,
    LEAFLET_CSS_URL,
    LEAFLET_DRAW_CSS_URL,
    LEAFLET_DRAW_JS_URL,
    LEAFLET_JS_URL,
    POINT_KINDS,
    UN_DISCLAIMER,
)
from kzatlas.i18n import KIND_LABELS, N_, Translate
from kzatlas.map.browser_code import FOLDED_LAYERS_CLASS
from kzatlas.safety import escape_html

# The scale bar's labels; ``{distance}`` is the number Leaflet picked.
SCALE_KILOMETRES = N_("{distance} km")
SCALE_METRES = N_("{distance} m")
# The layer list starts folded where the map frame is narrower than this (CSS pixels: a laptop's
# map is about 900 wide, a 1920x1080 screen's about 1460), or where the open list would cover
# more than this share of the frame (open, it covers about 11 % of a laptop's map and 7-8 % of a
# 1920x1080 screen's, depending on the language).
LAYER_LIST_FOLD_BELOW_PX = 1200
LAYER_LIST_MAX_SHARE = 0.10


class AtlasMap(folium.Map):
    """A folium map whose Leaflet comes from the app's own static files, not a CDN."""

    default_js = [("leaflet", LEAFLET_JS_URL)]
    default_css = [("leaflet_css", LEAFLET_CSS_URL)]

    def get_bounds(self) -> list[list[float]]:
        """The map's fixed outer bounds (``maxBounds``) where it has them.

        streamlit-folium asks a map for its bounds on every rerun only to fill a default
        value the atlas never reads; folium would walk every coordinate of every shape for it,
        a noticeable share of each rerun with thousands of shapes.

        Returns
        -------
        list of list of float
            ``[[south, west], [north, east]]``.
        """
        fixed = self.options.get("maxBounds")
        return [list(corner) for corner in fixed] if fixed else super().get_bounds()


class AtlasDraw(folium.plugins.Draw):
    """Leaflet.draw's toolbar, loaded from the app's own static files like Leaflet itself."""

    default_js = [("leaflet_draw_js", LEAFLET_DRAW_JS_URL)]
    default_css = [("leaflet_draw_css", LEAFLET_DRAW_CSS_URL)]


# The editing map's tools: boundaries (polygon, rectangle) and markers; no lines or circles,
# which the catalogue cannot hold. A polygon may not cross itself while being drawn.
DRAW_OPTIONS = {
    "polyline": False,
    "circle": False,
    "circlemarker": False,
    "polygon": {"allowIntersection": False, "showArea": False},
    "rectangle": {"showArea": False},
    "marker": True,
}


# The attribution prefix: Leaflet's name as plain text (no flag or other symbol, and no address:
# the map works offline and loads nothing from the web).
LEAFLET_CREDIT = "Leaflet"


class MapChrome(MacroElement):
    """Legend, background colour and the UN disclaimer, drawn as a Leaflet control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            map.getContainer().style.background = {{ this.background | tojson }};
            // Kilometres only, no miles, with the unit in the map's language.
            var units = {{ this.units | tojson }};
            var Scale = L.Control.Scale.extend({
                _updateMetric: function (maxMeters) {
                    var meters = this._getRoundNum(maxMeters);
                    var label = meters < 1000 ? units.m.replace("{distance}", meters)
                        : units.km.replace("{distance}", meters / 1000);
                    this._updateScale(this._mScale, label, meters / maxMeters);
                }
            });
            new Scale({imperial: false}).addTo(map);
            // A click on a shape hides the tooltip over it (it would cover the shape's name) until
            // the pointer is seen anywhere else (the shape's layer reports the click, see
            // SELECT_ON_CLICK; the page may redraw the shape meanwhile, so it is known by its id).
            var quietId = null, openTip = null;
            function tipId(tip) {
                var source = tip && tip._source;
                return source && source.feature && source.feature.properties ? source.feature.properties.id : null;
            }
            function hideTip(tip, hidden) {
                var node = tip && tip.getElement ? tip.getElement() : null;
                if (node) { node.style.visibility = hidden ? "hidden" : ""; }
            }
            map.on("tooltipopen", function (event) {
                openTip = event.tooltip;
                hideTip(event.tooltip, quietId !== null && tipId(event.tooltip) === quietId);
            });
            map.on("tooltipclose", function (event) {
                hideTip(event.tooltip, false);
                if (openTip === event.tooltip) { openTip = null; }
            });
            map.on("kzpicked", function (event) {
                quietId = event.id;
                if (openTip) { hideTip(openTip, true); }
            });
            map.on("mousemove", function (event) {
                if (quietId === null) { return; }
                var node = event.originalEvent && event.originalEvent.target;
                var layer = node && map._targets ? map._targets[L.stamp(node)] : null;
                var props = layer && layer.feature ? layer.feature.properties : null;
                if (!props || props.id !== quietId) { quietId = null; }
            });
            map.on("mouseout", function () { quietId = null; });
            // The layer list (AtlasLayerControl) opens only where it leaves most of the map free.
            window.kzLayerList = function (target, baseLayers, extraLayers, options) {
                var open = new L.Control.Layers(baseLayers, extraLayers, L.extend({}, options, {collapsed: false}));
                open.addTo(target);
                var frame = target.getContainer(), box = open.getContainer().getBoundingClientRect();
                var area = Math.max(1, frame.clientWidth * frame.clientHeight);
                if (frame.clientWidth >= {{ this.fold_below }} && box.width * box.height <= {{ this.max_share }} * area) {
                    return open;
                }
                target.removeControl(open);
                return new L.Control.Layers(baseLayers, extraLayers, L.extend({}, options, {collapsed: true})).addTo(target);
            };
            // Credit Leaflet by name only: its default prefix carries a national flag, and a UN
            // map shows no national symbols in its chrome.
            if (map.attributionControl) { map.attributionControl.setPrefix({{ this.leaflet_credit | tojson }}); }
            // The key sits under the zoom buttons, over the neighbours north-west of the country
            // that a map fitted to Kazakhstan shows there; the UN disclaimer and the basemap's
            // credit run along the bottom edge with Leaflet's credit, clear of the south-east,
            // where most reserves and parks are.
            function textControl(position, className, html) {
                var control = L.control({position: position});
                control.onAdd = function () {
                    var div = L.DomUtil.create("div", className);
                    div.innerHTML = html;
                    L.DomEvent.disableClickPropagation(div);
                    return div;
                };
                return control.addTo(map);
            }
            var legend = textControl("topleft", "kz-legend", {{ this.legend_html | tojson }});
            var note = textControl("bottomright", {{ this.note_class | tojson }}, {{ this.note_html | tojson }});
            // The note takes the bottom edge itself; Leaflet's own credit stays at its right end, above it.
            var credit = map.attributionControl ? map.attributionControl.getContainer() : null;
            if (credit && credit.parentNode === note.getContainer().parentNode) {
                credit.parentNode.insertBefore(credit, note.getContainer());
            }
            // The note takes the width the bottom-left controls (scale bar, time line) leave free,
            // in its own CSS pixels (controls grow by the frame's scale, which ScreenFit keeps).
            function placeNote() {
                var frame = map.getContainer(), left = frame.querySelector(".leaflet-bottom.leaflet-left");
                var taken = left ? left.getBoundingClientRect().width : 0;
                var room = (frame.clientWidth - taken - 24) / (map.__kzScale || 1);
                note.getContainer().style.maxWidth = Math.max(160, Math.floor(room)) + "px";
            }
            // On a short map the open layer list (top right) would run into the note or the key:
            // it folds into its button then, and opens again on hover, as on a narrow map.
            function arrangeControls() {
                placeNote();
                var frame = map.getContainer(), fold = {{ this.fold_class | tojson }};
                frame.classList.remove(fold);
                var list = frame.querySelector(".leaflet-control-layers-expanded");
                if (!list) { return; }
                var above = list.getBoundingClientRect();
                var meets = [legend, note].some(function (control) {
                    var other = control.getContainer().getBoundingClientRect();
                    var apart = above.right <= other.left || other.right <= above.left ||
                        above.bottom + 4 <= other.top || other.bottom + 4 <= above.top;
                    return !apart;
                });
                frame.classList.toggle(fold, meets);
            }
            map.on("resize", arrangeControls);
            map.whenReady(function () {
                setTimeout(arrangeControls, 0);
                // The boxes change size as the fonts arrive and the text wraps: decide again then
                // (the decision itself leaves their final sizes as they were, so this settles).
                if (window.ResizeObserver) {
                    var watch = new ResizeObserver(arrangeControls);
                    watch.observe(legend.getContainer());
                    var layers = map.getContainer().querySelector(".leaflet-control-layers");
                    if (layers) { watch.observe(layers); }
                    var left = map.getContainer().querySelector(".leaflet-bottom.leaflet-left");
                    if (left) { watch.observe(left); }
                }
            });
            // A click that reaches the map itself (no feature stopped it) clears the selection.
            map.on("click", function () {
                if (window.__GLOBAL_DATA__) { window.__GLOBAL_DATA__.last_object_clicked = null; }
            });
            {% if this.view_param %}
            // Keep the page address in step with the view without rerunning the app.
            map.on("moveend", function () {
                // Not from a frame changing size (ScreenFit puts the view back right after) nor
                // halfway through a zoom (its end sends the view the reader will see).
                if (map.kzSizing || map._animatingZoom) { return; }
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

    def __init__(
        self,
        legend_html: str,
        background: str,
        view_param: str | None = None,
        units: dict[str, str] | None = None,
        note_html: str = "",
    ):
        super().__init__()
        self.leaflet_credit = LEAFLET_CREDIT
        self._name = "MapChrome"
        self.legend_html = legend_html
        self.note_html = note_html
        self.note_class = NOTE_CLASS
        self.background = background
        self.view_param = view_param
        self.units = units or {"km": SCALE_KILOMETRES, "m": SCALE_METRES}
        self.fold_below = LAYER_LIST_FOLD_BELOW_PX
        self.max_share = LAYER_LIST_MAX_SHARE
        self.fold_class = FOLDED_LAYERS_CLASS


def scale_units(translate: Translate) -> dict[str, str]:
    """The scale bar's labels in the map's language (``{distance}`` stands for the number).

    Parameters
    ----------
    translate : callable
        The page's translation function.

    Returns
    -------
    dict
        ``km`` and ``m`` label templates, e.g. ``{"km": "{distance} км", "m": "{distance} м"}``.
    """
    return {"km": translate(SCALE_KILOMETRES), "m": translate(SCALE_METRES)}


class AtlasLayerControl(folium.LayerControl):
    """The layer list, open where the map frame has room for it and folded into its button elsewhere.

    Decided in the browser from the frame's size when the list is made (see ``kzLayerList`` in
    :class:`MapChrome`): folded when the frame is narrower than ``LAYER_LIST_FOLD_BELOW_PX`` or the
    open list would cover more than ``LAYER_LIST_MAX_SHARE`` of it. Folded, one click (or a hover)
    on its button opens it. Without the chrome's script it stays open, as folium makes it.
    """

    _template = FoliumTemplate(
        """
        {% macro script(this,kwargs) %}
            var {{ this.get_name() }}_layers = {
                base_layers : {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                overlays :  {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
            };
            let {{ this.get_name() }} = (window.kzLayerList || function (target, base, overlays, options) {
                return L.control.layers(base, overlays, options).addTo(target);
            })(
                {{ this._parent.get_name() }},
                {{ this.get_name() }}_layers.base_layers,
                {{ this.get_name() }}_layers.overlays,
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )


def kind_swatch(kind: str) -> str:
    """A small coloured sample of how ``kind`` is drawn (our own markup, no data in it)."""
    colour = KIND_COLOURS[kind]
    if kind in POINT_KINDS:
        return (
            '<span class="kz-swatch" style="display:inline-block;width:12px;height:12px;border-radius:50%;'
            f'background:{colour};border:2px solid #fff;box-shadow:0 0 0 1px {colour}"></span>'
        )
    border = "dashed" if kind in BAND_KINDS else "solid"
    return (
        '<span class="kz-swatch" style="display:inline-block;width:16px;height:10px;'
        f'border:2px {border} {colour};background:{colour}55"></span>'
    )


def layer_name(kind: str, translate: Translate) -> str:
    """Layer-control entry: swatch plus escaped label, so the switcher doubles as the legend."""
    return f"{kind_swatch(kind)}&nbsp;{escape_html(translate(KIND_LABELS[kind]))}"


def legend_html(translate: Translate) -> str:
    """The always-visible key: what dashed outlines mean, and where the colours are (escaped)."""
    dashed = '<span style="display:inline-block;width:16px;height:10px;border:2px dashed #333"></span>'
    title = escape_html(translate("Legend"))
    return (
        '<div style="background:rgba(255,255,255,0.93);padding:5px 8px;border-radius:6px;'
        'font:12px/1.4 sans-serif;color:#222;box-shadow:0 1px 4px rgba(0,0,0,.3);white-space:nowrap">'
        f'<div style="font-weight:600">{title}</div>'
        f'<div class="kz-legend-row">{dashed}&nbsp;{escape_html(translate("Approximate or schematic shape, not a boundary"))}</div>'
        f'<div class="kz-legend-row">{escape_html(translate("Colours: see the layer list (top right)"))}</div></div>'
    )


# The map's note along its bottom edge: the UN disclaimer and the basemap's credit.
NOTE_CLASS = "kz-map-note"


def note_html(translate: Translate) -> str:
    """The UN disclaimer and the basemap's credit, one short paragraph (escaped)."""
    note = escape_html(translate(UN_DISCLAIMER))
    # ODbL and CC BY ask for credit wherever the basemap is shown.
    credit = escape_html(
        translate("Basemap: Natural Earth; water © OpenStreetMap contributors (ODbL); rivers GSHHG; places GeoNames")
    )
    return (
        '<div style="background:rgba(255,255,255,0.88);padding:2px 7px;border-radius:4px;'
        f'font:10.5px/1.35 sans-serif;color:#333">{note} {credit}</div>'
    )
