"""The map on every screen: its frame's height, what it is fitted to, and how large it draws.

Nothing here talks to Streamlit. The map body stays the same on every run and every screen;
everything that depends on the screen is worked out in the browser:

* :class:`ScreenFit` - the map opens fitted to Kazakhstan (``fitBounds`` with fractional zoom)
  at whatever size its frame has, and fits again when the frame changes size until the reader
  moves it; it never shows past the offline basemap (a least zoom worked out from the frame's
  size, and ``maxBounds``); names, lines and controls scale with the frame (``--kz-scale``).
* :class:`FillWindow` - the map's frame grows to the bottom of the browser window.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from kzatlas.config import BASEMAP_BOUNDS, BASEMAP_DETAIL_ZOOM, MAP_SCALE_FROM_PX

FIT_PADDING_PX = 24
FLY_SECONDS = 0.8
LEAST_ZOOM = 3  # the map's own minimum zoom (folium's ``min_zoom``)
# The CSS custom property the map's container carries: 1 on a laptop, 2 on a 4K wall.
SCALE_PROPERTY = "--kz-scale"

# Lines (their width and dashes) and dots are drawn ``--kz-scale`` times as large: Leaflet's SVG
# renderer is wrapped once per page, so a style set later (a hover, a selection) scales too.
_SCALED_SVG = """
    if (!L.SVG.prototype.__kzScaled) {
        L.SVG.prototype.__kzScaled = true;
        var updateStyle = L.SVG.prototype._updateStyle, updateCircle = L.SVG.prototype._updateCircle;
        L.SVG.prototype._updateStyle = function (layer) {
            updateStyle.call(this, layer);
            var factor = (this._map && this._map.__kzScale) || 1, path = layer._path, options = layer.options;
            if (factor === 1 || !path || !options.stroke) { return; }
            path.setAttribute("stroke-width", options.weight * factor);
            if (options.dashArray) {
                path.setAttribute("stroke-dasharray", String(options.dashArray).split(/[ ,]+/).map(
                    function (part) { return parseFloat(part) * factor; }).join(" "));
            }
        };
        L.SVG.prototype._updateCircle = function (layer) {
            var factor = (this._map && this._map.__kzScale) || 1;
            if (factor === 1 || layer instanceof L.Circle) { return updateCircle.call(this, layer); }
            var radius = layer._radius;
            layer._radius = radius * factor;
            try { return updateCircle.call(this, layer); } finally { layer._radius = radius; }
        };
    }
"""


class ScreenFit(MacroElement):
    """Fit the map to its frame: the country (or ``home``) on opening, the basemap always covering it.

    ``window.kzFit(bounds, maxZoom, animate)`` fits the map to ``[[south, west], [north, east]]``
    (no closer than ``maxZoom``); the map keeps that fit when its frame changes size until the
    reader (or a link's view) moves it. With ``view_param`` the page address carries no view while
    the map still shows the view it opened with, so a copied address opens fitted to the next
    screen too; ``window.kzKeepsView()`` says whether the address should carry the view, and
    ``window.kzOpening()`` whether the map is still being drawn (its moves are then instant).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var container = map.getContainer();
            var settings = {{ this.settings | tojson }};
            var basemap = L.latLngBounds(settings.basemap);
            var own = 0;          // above 0 while this script moves the map
            var fitted = null;    // what the view is fitted to, until someone else moves it
            var pristine = true;  // the view is still the one the map opened with
            var opening = true;   // the map is being drawn (the moves asked for with it are its opening view)
            setTimeout(function () { opening = false; }, 0);
            var scale = 1;
            // A view asked for while the map is being drawn (a link's view, which the map component
            // sets right after drawing) is instant: Leaflet's animated zoom starts a frame later,
            // and the pan back inside the basemap that the frame's sizing asks for in that frame,
            // at the old zoom, left the centre up to a degree off the link's.
            var setView = map.setView;
            map.setView = function (centre, zoom, options) {
                return setView.call(this, centre, zoom, opening ? L.extend({}, options, {animate: false}) : options);
            };
            {{ this.scaled_svg }}
            function mine(action) { own += 1; try { action(); } finally { own -= 1; } }
            // Leaflet pulls the view back inside the basemap after a move: part of that move.
            // After this script's own move (a fit) it is instant: animated, it ended on its own after
            // the fit on a large frame and left the map off its fit. After the reader's drag it eases back.
            var panInside = L.Map.prototype._panInsideMaxBounds;
            map.off("moveend", panInside);
            map._panInsideMaxBounds = function () {
                if (map._enforcingBounds) { return; }
                var options = own > 0 ? {animate: false} : undefined;
                mine(function () { map.panInsideBounds(map.options.maxBounds, options); });
            };
            function rescale() {
                var size = map.getSize();
                var next = Math.max(1, Math.min(size.x / settings.scaleFrom[0], size.y / settings.scaleFrom[1]));
                next = Math.round(next * 100) / 100;
                container.style.setProperty(settings.property, String(next));
                if (next === scale) { return; }
                scale = next;
                map.__kzScale = next;
                map.eachLayer(function (layer) {
                    if (layer._path && layer._renderer && layer._renderer._updateStyle) {
                        layer._renderer._updateStyle(layer);
                        if (layer._radius !== undefined && layer.redraw) { layer.redraw(); }
                    }
                });
            }
            function inset(zoom) {
                // The basemap less a few pixels at ``zoom``: Leaflet lets a view stray a pixel past maxBounds.
                var margin = L.point(settings.insetPx, settings.insetPx);
                return L.latLngBounds(map.unproject(map.project(basemap.getSouthWest(), zoom).add([margin.x, -margin.y]), zoom),
                                      map.unproject(map.project(basemap.getNorthEast(), zoom).add([-margin.x, margin.y]), zoom));
            }
            function limit() {
                // The least zoom at which the basemap covers the whole frame; no panning past it.
                map.options.minZoom = settings.leastZoom;
                var inner = inset(map.getBoundsZoom(basemap, true));
                var least = map.getBoundsZoom(inner, true);
                // (Leaflet's own step up to a new least zoom would be animated, out of this script's hands.)
                if (map.getZoom() < least) { map.setView(map.getCenter(), least, {animate: false}); }
                map.setMinZoom(least);
                map.setMaxBounds(inner);
            }
            function options(maxZoom, animate) {
                var padding = Math.round(settings.padding * scale);
                return {padding: [padding, padding], maxZoom: maxZoom, animate: animate, duration: settings.seconds};
            }
            function fitNow() {
                map.fitBounds(fitted.bounds, options(fitted.maxZoom, false));
            }
            window.kzFit = function (bounds, maxZoom, animate) {
                fitted = {bounds: L.latLngBounds(bounds), maxZoom: Math.min(maxZoom || settings.detailZoom, settings.detailZoom)};
                if (!opening) { pristine = false; }
                mine(function () {
                    if (!animate) { fitNow(); return; }
                    var target = map._getBoundsCenterZoom(fitted.bounds, options(fitted.maxZoom, true));
                    var centre = map._limitCenter(target.center, target.zoom, map.options.maxBounds);
                    map.flyTo(centre, target.zoom, {duration: settings.seconds});
                });
            };
            window.kzKeepsView = function () { return !pristine; };
            window.kzOpening = function () { return opening; };
            window.kzOwnMove = mine;  // for a move that resizing the frame makes (see FillWindow)
            map.on("movestart", function () {
                if (!own) { fitted = null; pristine = false; }
            });
            // The centre the reader saw before the frame changed size. It is taken before Leaflet
            // measures the new size: by the "resize" event, Leaflet's own resize has panned the
            // view back to it but a resize without panning (FillWindow's) has not, and both have
            // already sent a "moveend" from the new frame.
            // Until then the map is between two frames: ``map.kzSizing`` tells the address writer
            // (MapChrome) to let the "moveend" Leaflet sends from there pass.
            var before = null;
            var invalidateSize = map.invalidateSize;
            map.invalidateSize = function () {
                before = map._loaded ? map.getCenter() : null;
                map.kzSizing = true;
                try { return invalidateSize.apply(map, arguments); } finally { before = null; map.kzSizing = false; }
            };
            map.on("resize", function (event) {
                map.kzSizing = false;
                // Keep the fit, or else what the map showed at its centre.
                var centre = fitted ? null : (before || map.containerPointToLatLng(event.oldSize.divideBy(2)));
                var zoom = map.getZoom();
                rescale();
                mine(function () {
                    limit();
                    if (fitted) { fitNow(); }
                    else if (!map._animatingZoom) { map.setView(centre, Math.max(zoom, map.getMinZoom()), {animate: false}); }
                });
            });
            {% if this.view_param %}
            map.on("moveend", function () {
                // Only a map still showing the fit it opened with drops the view from the address;
                // one opened at a link's view keeps that view there.
                if (!pristine || !fitted) { return; }
                try {
                    var top = window.parent;
                    if (top === window) { return; }
                    var url = new URL(top.location.href);
                    if (!url.searchParams.has({{ this.view_param | tojson }})) { return; }
                    url.searchParams.delete({{ this.view_param | tojson }});
                    (top.__kzReplaceState || top.history.replaceState).call(top.history, top.history.state, "", url.toString());
                } catch (error) {
                    // Shown outside the app (no reachable parent page): no address to keep.
                }
            });
            {% endif %}
            rescale();
            mine(limit);
            if (settings.home) { window.kzFit(settings.home, settings.detailZoom, false); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, home=None, view_param: str | None = None):
        super().__init__()
        self._name = "ScreenFit"
        self.view_param = view_param
        self.scaled_svg = _SCALED_SVG
        self.settings = {
            "home": [list(corner) for corner in home] if home else None,
            "basemap": [list(corner) for corner in BASEMAP_BOUNDS],
            "detailZoom": BASEMAP_DETAIL_ZOOM,
            "leastZoom": LEAST_ZOOM,
            "insetPx": 2,
            "padding": FIT_PADDING_PX,
            "seconds": FLY_SECONDS,
            "scaleFrom": list(MAP_SCALE_FROM_PX),
            "property": SCALE_PROPERTY,
        }


class FillWindow(MacroElement):
    """Size the map's frame from its top to the bottom of the browser window, and keep it so.

    The height is at least ``min_px`` and ``min_share`` of the window's height (a frame that
    starts low on the page then reaches below the window instead of shrinking to a strip).
    Leaflet is told the new size (``invalidateSize``); :class:`ScreenFit` then keeps the fit or
    the centre. ``margin_px`` is left free below the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var frame = window.frameElement;
            if (!frame) { return; }
            var top = window.parent;
            var container = map.getContainer();
            function pageTop() {
                // The frame's top on the page, however far the page is scrolled, read from the frame's
                // holder: a frame Streamlit has not sized yet sits on a line of text, about 18 px below
                // its place, and a fit from there would be redone later (redrawing every site).
                var box = (frame.parentElement || frame).getBoundingClientRect();
                var scroller = frame.parentElement, page = top.document.documentElement;
                while (scroller && scroller !== top.document.body && scroller !== page) {
                    var overflow = top.getComputedStyle(scroller).overflowY;
                    if ((overflow === "auto" || overflow === "scroll") && scroller.scrollHeight > scroller.clientHeight) {
                        return box.top + scroller.scrollTop;
                    }
                    scroller = scroller.parentElement;
                }
                return box.top + (top.scrollY || 0);
            }
            function fit() {
                var height = Math.max({{ this.min_px }}, Math.floor(top.innerHeight * {{ this.min_share }}),
                    Math.floor(top.innerHeight - pageTop() - {{ this.margin_px }}));
                if (container.clientHeight === height && frame.clientHeight === height) { return; }
                frame.style.setProperty("height", height + "px", "important");
                container.style.height = height + "px";
                if (container.parentElement) { container.parentElement.style.height = height + "px"; }
                // Leaflet pans the view back inside the basemap as the frame grows: not a move of
                // the reader's, so the map stays fitted.
                (window.kzOwnMove || function (action) { action(); })(function () {
                    map.invalidateSize({animate: false, pan: false});
                });
            }
            fit();
            top.addEventListener("resize", fit);
            // The page lays out what is above the map after the map is drawn.
            [50, 250, 800, 2000].forEach(function (delay) { setTimeout(fit, delay); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, margin_px: int = 12, min_px: int = 240, min_share: float = 0.0):
        super().__init__()
        self._name = "FillWindow"
        self.margin_px = int(margin_px)
        self.min_px = int(min_px)
        self.min_share = float(min_share)
