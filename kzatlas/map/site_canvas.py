"""Thousands of UNDP sites drawn as one layer on a canvas (:class:`CanvasPoints`).

A Leaflet circle marker per site costs the browser about 30 ms per thousand to make, add and
paint, which at 10,000 sites is most of the map's first paint. So the sites of a map are one
layer, ``L.KzSites``, that keeps their positions in two number arrays, draws them in one pass
over Leaflet's canvas renderer and finds the site under the pointer by distance. To the reader
it is the same as a marker per site: each site is a circle of the sites' style (the selected
one outlined and drawn on top), the sites share one tooltip that follows the pointer, and a
click reports the site's position with its id (``maps.SELECT_ON_CLICK`` does the same for the
SVG shapes). The time line shows, hides and fades sites by id through ``kzApply`` (see
:mod:`kzatlas.map.time_control_browser`).

The canvas lies in its own pane (``SITES_PANE``) above the region outlines and the protected
areas, and below the place names, so sites are never veiled by a region's fill. That pane lets
the pointer through: the layer looks for a site under the pointer before the shapes below see
the event (a capturing listener on the map), and only when there is one does it take the hover
or the click; elsewhere regions and areas answer as before. While a site is under the pointer,
the other shapes' tooltips are hidden so only the site's shows.

The class is defined once per page by the first map that needs it; a saved map file carries
it too, so the file works on its own.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from jinja2 import Template

from kzatlas.map.feature_payload import script_json

# How much paler a site is drawn once its UNDP work has ended by the year the time line shows.
FADED = 0.35
# A site's circle by the map's zoom: [below this zoom, radius px, white outline px]. Smaller
# at the zooms that show the whole country, where thousands of sites would otherwise hide
# each other and the protected areas; the selected site is 2 px larger with its own outline.
SITE_SIZES = ((5, 4, 1), (7, 5, 1), (99, 7, 2))
# The sites' pane: above the shapes (Leaflet's overlay pane, 400), below the names (450).
SITES_PANE = "kz-sites"
SITES_PANE_Z = 440
# On the map's container while a site is under the pointer (other tooltips hidden meanwhile).
ON_SITE_CLASS = "kz-on-site"
SITE_TIP_CLASS = "kz-site-tip"

SITES_LAYER_JS = """
if (!L.KzSites) {
    L.KzSites = L.Path.extend({
        options: {fill: true},
        kzSites: true,
        // rows: [lat, lng, id, escaped name, tail index]; look and chosen: Path options.
        initialize: function (rows, look, chosen, selected) {
            L.setOptions(this, look);
            this._rows = rows;
            this._look = L.extend({}, this.options);
            this._paler = L.extend({}, this._look, {opacity: this._look.opacity * FADED, fillOpacity: this._look.fillOpacity * FADED});
            this._chosen = L.extend({}, this._look, chosen);
            this._chosenPaler = L.extend({}, this._chosen, {opacity: this._chosen.opacity * FADED, fillOpacity: this._chosen.fillOpacity * FADED});
            this._selectedAt = -1;
            for (var i = 0; i < rows.length; i++) { if (rows[i][2] === selected) { this._selectedAt = i; } }
            this._hidden = new Uint8Array(rows.length);
            this._faded = new Uint8Array(rows.length);
            this._hit = -1;
        },
        // How many sites are shown (not hidden by the time line).
        kzCount: function () {
            var count = 0;
            for (var i = 0; i < this._rows.length; i++) { if (!this._hidden[i]) { count += 1; } }
            return count;
        },
        kzRow: function (index) { return this._rows[index]; },
        // Show the sites whose id ``shows`` accepts, paler where ``faded`` says so; returns how many show.
        kzApply: function (shows, faded) {
            var count = 0;
            for (var i = 0; i < this._rows.length; i++) {
                var id = String(this._rows[i][2]);
                var show = shows(id);
                this._hidden[i] = show ? 0 : 1;
                this._faded[i] = show && faded(id) ? 1 : 0;
                count += show ? 1 : 0;
            }
            this.redraw();
            return count;
        },
        beforeAdd: function (map) {
            if (!map.getPane(PANE)) {
                var pane = map.createPane(PANE);
                pane.style.zIndex = PANE_Z;
                pane.style.pointerEvents = "none";
            }
            L.Path.prototype.beforeAdd.call(this, map);
        },
        onAdd: function (map) {
            L.Path.prototype.onAdd.call(this, map);
            this._onSite = false;
            this._listen = {mousemove: L.bind(this._pointerMove, this), click: L.bind(this._pointerClick, this), mouseleave: L.bind(this._leave, this)};
            for (var type in this._listen) { map.getContainer().addEventListener(type, this._listen[type], true); }
        },
        onRemove: function (map) {
            for (var type in this._listen) { map.getContainer().removeEventListener(type, this._listen[type], true); }
            this._leave();
            L.Path.prototype.onRemove.call(this, map);
        },
        // Whether a site is under the pointer of ``event`` on the map itself (not on a button,
        // the layer list, the legend or the time line, which keep their own clicks).
        _siteAt: function (event) {
            var map = this._map;
            if (!map || map._animatingZoom || (map.dragging && map.dragging.moving())) { return false; }
            if (event.target !== map.getContainer() && !map.getPane("mapPane").contains(event.target)) { return false; }
            return this._containsPoint(map.mouseEventToLayerPoint(event));
        },
        // Before the shapes below see a move: over a site, the site takes it.
        _pointerMove: function (event) {
            var map = this._map;
            if (!this._siteAt(event)) { this._leave(event); return; }
            L.DomEvent.stopPropagation(event);
            var data = {latlng: map.mouseEventToLatLng(event), originalEvent: event};
            if (!this._onSite) {
                this._onSite = true;
                L.DomUtil.addClass(map.getContainer(), ON_SITE);
                map.getContainer().style.cursor = "pointer";
                this.fire("mouseover", data, true);
            }
            this.fire("mousemove", data, true);
        },
        _leave: function (event) {
            if (!this._onSite) { return; }
            this._onSite = false;
            var map = this._map;
            if (map) {
                L.DomUtil.removeClass(map.getContainer(), ON_SITE);
                map.getContainer().style.cursor = "";
            }
            this.fire("mouseout", {originalEvent: event}, true);
        },
        // A click on a site is the site's (not the region's below it); a drag's end is no click.
        _pointerClick: function (event) {
            var map = this._map;
            if (map.dragging && map.dragging.moved()) { return; }
            if (!this._siteAt(event)) { return; }
            L.DomEvent.stopPropagation(event);
            this.fire("click", {latlng: map.mouseEventToLatLng(event), originalEvent: event}, true);
        },
        // The circles' radius and outline at the map's zoom (SIZES), and how far a click reaches.
        _size: function () {
            var zoom = this._map ? this._map.getZoom() : Infinity, size = SIZES[SIZES.length - 1];
            for (var i = SIZES.length - 1; i >= 0; i--) { if (zoom < SIZES[i][0]) { size = SIZES[i]; } }
            var tolerance = this._renderer ? this._renderer.options.tolerance || 0 : 0;
            return {r: size[1], weight: size[2], chosenR: size[1] + 2,
                    reach: size[1] + size[2] / 2 + tolerance, chosenReach: size[1] + 2 + this._chosen.weight / 2 + tolerance};
        },
        _project: function () {
            var map = this._map, rows = this._rows, n = rows.length;
            var xs = new Float64Array(n), ys = new Float64Array(n);
            var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
            for (var i = 0; i < n; i++) {
                var p = map.latLngToLayerPoint([rows[i][0], rows[i][1]]);
                xs[i] = p.x; ys[i] = p.y;
                if (p.x < minX) { minX = p.x; } if (p.x > maxX) { maxX = p.x; }
                if (p.y < minY) { minY = p.y; } if (p.y > maxY) { maxY = p.y; }
            }
            this._xs = xs; this._ys = ys;
            var pad = this._size().chosenReach + this._chosen.weight;
            this._pxBounds = n ? L.bounds([minX - pad, minY - pad], [maxX + pad, maxY + pad]) : null;
        },
        _update: function () { if (this._map) { this._updatePath(); } },
        _updatePath: function () {
            var renderer = this._renderer;
            if (!renderer._drawing || !this._xs) { return; }
            var ctx = renderer._ctx, area = renderer._redrawBounds || renderer._bounds, size = this._size();
            var look = L.extend({}, this._look, {weight: size.weight}), paler = L.extend({}, this._paler, {weight: size.weight});
            var pad = size.chosenReach + this._chosen.weight;
            var left = area.min.x - pad, top = area.min.y - pad, right = area.max.x + pad, bottom = area.max.y + pad;
            for (var i = 0; i < this._rows.length; i++) {
                if (this._hidden[i] || i === this._selectedAt) { continue; }
                var x = this._xs[i], y = this._ys[i];
                if (x < left || x > right || y < top || y > bottom) { continue; }
                this._dot(ctx, i, this._faded[i] ? paler : look, size.r);
            }
            var chosen = this._selectedAt;
            if (chosen >= 0 && !this._hidden[chosen]) { this._dot(ctx, chosen, this._faded[chosen] ? this._chosenPaler : this._chosen, size.chosenR); }
        },
        _dot: function (ctx, index, look, r) {
            ctx.beginPath();
            ctx.arc(this._xs[index], this._ys[index], r, 0, Math.PI * 2, false);
            this._renderer._fillStroke(ctx, {options: look});
        },
        // The site under ``point`` (the selected one first, then the last drawn), kept as ``_hit``.
        _containsPoint: function (point) {
            this._hit = -1;
            if (!this._xs) { return false; }
            var size = this._size(), xs = this._xs, ys = this._ys, chosen = this._selectedAt;
            var near = function (i, reach) {
                var dx = xs[i] - point.x, dy = ys[i] - point.y;
                return dx * dx + dy * dy <= reach * reach;
            };
            if (chosen >= 0 && !this._hidden[chosen] && near(chosen, size.chosenReach)) { this._hit = chosen; return true; }
            for (var i = this._rows.length - 1; i >= 0; i--) {
                if (!this._hidden[i] && near(i, size.reach)) { this._hit = i; return true; }
            }
            return false;
        }
    });
}
""".replace("FADED", repr(FADED)).replace("SIZES", json.dumps(SITE_SIZES)).replace("PANE_Z", str(SITES_PANE_Z)).replace("PANE", repr(SITES_PANE)).replace(
    "ON_SITE", repr(ON_SITE_CLASS)
)


class CanvasPoints(MacroElement):
    """Many sites on one canvas layer, with the same tooltip, click and selection as the SVG ones.

    ``rows`` is the JSON text of ``[lat, lng, id, escaped name, tail index]`` rows (see
    :meth:`kzatlas.map.feature_payload.PreparedFeatures.point_rows`); ``tails`` are the escaped
    tooltip tails. A click reports the site's position with its id, like ``maps.SELECT_ON_CLICK``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            {{ this.layer_code }}
            var group = {{ this._parent.get_name() }};
            var rows = {{ this.rows }}, tails = {{ this.tails }};
            var renderer = L.canvas({padding: 0.5, tolerance: 3, pane: {{ this.pane }}});
            var sites = new L.KzSites(rows, Object.assign({renderer: renderer}, {{ this.style }}), {{ this.selected_style }}, {{ this.selected }});
            // One tooltip for all the sites, following the pointer over the one under it.
            var shared = L.tooltip({sticky: true, className: {{ this.tip_class }}}), shownFor = -1;
            function close() { shownFor = -1; if (shared._map) { shared._map.closeTooltip(shared); } }
            sites.on("mouseover mousemove", function (event) {
                var map = sites._map;
                if (sites._hit < 0 || !map) { return; }
                if (sites._hit !== shownFor) {
                    var row = rows[sites._hit];
                    shownFor = sites._hit;
                    shared.setContent("<b>" + row[3] + "</b><br>" + tails[row[4]]);
                }
                if (shared._map) { shared.setLatLng(event.latlng); } else { map.openTooltip(shared, event.latlng); }
            });
            sites.on("mouseout remove", close);
            sites.on("click", function (event) {
                if (sites._hit < 0) { return; }
                var row = rows[sites._hit], anchor = L.latLng(row[0], row[1]);
                anchor.id = row[2];
                event.latlng = anchor;
            });
            group.addLayer(sites);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: str, tails: tuple[str, ...], style: dict, selected_style: dict, selected: str | None):
        super().__init__()
        self._name = "CanvasPoints"
        self.layer_code = SITES_LAYER_JS
        self.pane = script_json(SITES_PANE)
        self.tip_class = script_json(SITE_TIP_CLASS)
        self.rows = rows
        self.tails = script_json(list(tails))
        self.style = script_json(style)
        self.selected_style = script_json(selected_style)
        self.selected = script_json(selected)
