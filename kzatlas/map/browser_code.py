"""Small pieces of browser code for the atlas maps. Nothing here talks to Streamlit.

* :class:`MapStyle` - stylesheet rules every map shares: no focus rectangle on a clicked
  shape, and a layer list that folds into its button on a narrow map.
* :class:`KeepViewInAddress` - when the page rewrites its own address (a filter or a click
  changed), the map's current view is put back into ``view=``, so the address always holds
  what the reader sees.
* :func:`fly_group` - a swappable layer that moves the map to a region, a feature or a view
  once, with an animation, without reloading the map (fitted to the frame by
  :class:`kzatlas.map.screen_fit.ScreenFit`).
* :func:`open_for_editing_group` - a swappable layer that puts a feature's shape on the
  drawing map's editable layer once, so Leaflet.draw's edit tool moves its vertices.
"""

from __future__ import annotations

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from kzatlas.config import BASEMAP_DETAIL_ZOOM
from kzatlas.map.screen_fit import FIT_PADDING_PX, FLY_SECONDS, SCALE_PROPERTY
from kzatlas.map.site_canvas import ON_SITE_CLASS, SITE_TIP_CLASS

# Below this width (CSS pixels of the map) the layer list folds into its button.
NARROW_MAP_PX = 700
# The largest zoom a fit to a small shape or a point may reach: what the basemap is drawn for.
FIT_MAX_ZOOM = BASEMAP_DETAIL_ZOOM

# The expanded layer list folded into its button, opened again by hover or keyboard focus. It
# applies under a narrow frame's media query and wherever the map's container carries
# ``FOLDED_LAYERS_CLASS`` (set by the chrome's script when the open list would meet the legend).
FOLDED_LAYERS_CLASS = "kz-fold-layers"
_FOLDED_LAYERS = """
  {scope}.leaflet-control-layers-expanded .leaflet-control-layers-list {{ display: none; }}
  {scope}.leaflet-control-layers-expanded .leaflet-control-layers-toggle {{ display: block; }}
  {scope}.leaflet-control-layers-expanded {{ padding: 0; }}
  {scope}.leaflet-control-layers-expanded:hover .leaflet-control-layers-list,
  {scope}.leaflet-control-layers-expanded:focus-within .leaflet-control-layers-list {{ display: block; }}
  {scope}.leaflet-control-layers-expanded:hover, {scope}.leaflet-control-layers-expanded:focus-within {{
    padding: 6px 10px 6px 6px;
  }}
  {scope}.leaflet-control-layers-expanded:hover .leaflet-control-layers-toggle,
  {scope}.leaflet-control-layers-expanded:focus-within .leaflet-control-layers-toggle {{ display: none; }}
"""

MAP_STYLE_CSS = f"""
<style>
.leaflet-container .leaflet-interactive:focus, .leaflet-container path:focus,
.leaflet-container:focus {{ outline: none; }}
.kz-quiet .leaflet-tooltip {{ display: none; }}
.{ON_SITE_CLASS} .leaflet-tooltip:not(.{SITE_TIP_CLASS}) {{ display: none; }}
/* Controls, legend and tooltips grow with the frame ({SCALE_PROPERTY}, set by the map's script);
   the scale bar only in its type, as its length measures the map. */
.leaflet-control-container .leaflet-control:not(.leaflet-control-scale) {{ zoom: var({SCALE_PROPERTY}, 1); }}
.leaflet-control-scale-line {{ font-size: calc(11px * var({SCALE_PROPERTY}, 1)); }}
.leaflet-container .leaflet-tooltip {{ font-size: calc(12px * var({SCALE_PROPERTY}, 1)); }}
@media (max-width: {NARROW_MAP_PX - 1}px) {{{_FOLDED_LAYERS.format(scope="")}}}
{_FOLDED_LAYERS.format(scope="." + FOLDED_LAYERS_CLASS + " ")}
</style>
"""


class MapStyle(MacroElement):
    """Stylesheet rules for a map (see :data:`MAP_STYLE_CSS`), written into the page head."""

    _template = Template("")

    def __init__(self):
        super().__init__()
        self._name = "MapStyle"

    def render(self, **kwargs):
        """Add the rules to the document head once."""
        super().render(**kwargs)
        root = self.get_root()
        if "kz-map-style" not in root.header._children:
            root.header.add_child(Element(MAP_STYLE_CSS), name="kz-map-style")


class KeepViewInAddress(MacroElement):
    """Put the map's view back into the page address whenever the page rewrites the address.

    The map writes ``view=`` as it moves; the page itself rewrites the whole address when a
    filter or the selection changes, from what it knew before the reader moved the map. The
    page's ``pushState``/``replaceState`` are wrapped once so that each rewrite of this page's
    address gets the current view again. Leaving the page (another path) is left alone, and a
    map that is no longer on the page stops taking part.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var name = {{ this.param | tojson }};
            var top;
            try {
                top = window.parent;
                if (top === window || !top.history) { return; }
                var page = top.location.pathname;
            } catch (error) {
                return;  // not inside the app (no reachable parent page)
            }
            function viewText() {
                // No view while the map shows the one it opened with (fitted to this screen).
                if (window.kzKeepsView && !window.kzKeepsView()) { return null; }
                var centre = map.getCenter();
                return centre.lat.toFixed(4) + "," + centre.lng.toFixed(4) + "," + map.getZoom();
            }
            function keep() {
                if (!window.frameElement || !window.frameElement.isConnected) { return false; }
                if (top.location.pathname !== page) { return true; }
                var url = new URL(top.location.href);
                var wanted = viewText();
                if (url.searchParams.get(name) !== wanted) {
                    if (wanted === null) { url.searchParams.delete(name); } else { url.searchParams.set(name, wanted); }
                    top.__kzReplaceState.call(top.history, top.history.state, "", url.toString());
                }
                return true;
            }
            // One keeper per parameter (the view here; the time line keeps the year the same way).
            top.__kzKeepers = top.__kzKeepers || {};
            top.__kzKeepers[name] = keep;
            if (!top.__kzReplaceState) {
                top.__kzReplaceState = top.history.replaceState;
                ["pushState", "replaceState"].forEach(function (method) {
                    var original = top.history[method];
                    top.history[method] = function () {
                        var result = original.apply(this, arguments);
                        Object.keys(top.__kzKeepers || {}).forEach(function (param) {
                            try {
                                if (!top.__kzKeepers[param]()) { delete top.__kzKeepers[param]; }
                            } catch (error) {
                                delete top.__kzKeepers[param];
                            }
                        });
                        return result;
                    };
                });
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, param: str):
        super().__init__()
        self._name = "KeepViewInAddress"
        self.param = param


class _FlyTo(MacroElement):
    """Move the map once per ``nonce``: to ``bounds`` (fitted) or to ``centre`` and ``zoom``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = window.map;
            if (!map || window.__kzFlown === {{ this.nonce | tojson }}) { return; }
            // Instant while the map is being drawn (its opening view), animated afterwards.
            var first = window.kzOpening ? window.kzOpening() : window.__kzFlown === undefined;
            window.__kzFlown = {{ this.nonce | tojson }};
            map.closePopup();
            map.eachLayer(function (layer) {
                if (layer.closeTooltip) { layer.closeTooltip(); }
                else if (layer instanceof L.Tooltip) { map.closeTooltip(layer); }  // the sites' shared one
            });
            // No tooltip until the pointer really moves: the browser reports the shapes that
            // slide under a resting pointer as hovered.
            var container = map.getContainer();
            if (!first) { container.classList.add("kz-quiet"); window.__kzRestingAt = null; }
            if (!window.__kzQuietTips) {
                window.__kzQuietTips = true;
                container.addEventListener("mousemove", function (event) {
                    var here = event.clientX + "," + event.clientY;
                    if (window.__kzRestingAt === null) { window.__kzRestingAt = here; }
                    else if (window.__kzRestingAt !== here) { container.classList.remove("kz-quiet"); }
                });
            }
            var bounds = {{ this.bounds | tojson }};
            var options = {animate: !first, duration: {{ this.seconds }},
                           padding: [{{ this.padding }}, {{ this.padding }}], maxZoom: {{ this.max_zoom }}};
            if (bounds && window.kzFit) {
                window.kzFit(bounds, {{ this.max_zoom }}, !first);
            } else if (bounds) {
                if (first) { map.fitBounds(bounds, options); } else { map.flyToBounds(bounds, options); }
            } else {
                var centre = {{ this.centre | tojson }}, zoom = {{ this.zoom | tojson }};
                if (first) { map.setView(centre, zoom, {animate: false}); }
                else { map.flyTo(centre, zoom, {duration: {{ this.seconds }}}); }
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, nonce: str, bounds=None, centre=None, zoom=None, max_zoom: float = FIT_MAX_ZOOM):
        super().__init__()
        self._name = "FlyTo"
        self.nonce, self.bounds, self.centre, self.zoom = str(nonce), bounds, centre, zoom
        self.seconds, self.padding, self.max_zoom = FLY_SECONDS, FIT_PADDING_PX, float(max_zoom)


def leaflet_bounds(total_bounds) -> list[list[float]] | None:
    """``(minx, miny, maxx, maxy)`` as Leaflet's ``[[south, west], [north, east]]`` (rounded).

    Parameters
    ----------
    total_bounds : sequence of float
        Bounds as geopandas gives them (``GeoDataFrame.total_bounds``).

    Returns
    -------
    list or None
        ``None`` when the bounds are empty or not finite.
    """
    try:
        minx, miny, maxx, maxy = (float(value) for value in total_bounds)
    except (TypeError, ValueError):
        return None
    if not all(value == value and abs(value) != float("inf") for value in (minx, miny, maxx, maxy)):
        return None
    return [[round(miny, 4), round(minx, 4)], [round(maxy, 4), round(maxx, 4)]]


def fly_group(nonce: str, bounds=None, centre=None, zoom=None, max_zoom: float = FIT_MAX_ZOOM) -> folium.FeatureGroup:
    """A layer with no shapes that moves the map once: fitted to ``bounds``, or to ``centre``/``zoom``.

    Sent with the other swappable layers; the map moves only when ``nonce`` is new, so the
    same request sent again on a later run does nothing. A move sent with the map as it is drawn
    is instant, later ones are animated. Open tooltips and popups are closed as the map moves.

    Parameters
    ----------
    nonce : str
        Identifies this request; a new value moves the map again.
    bounds : list, optional
        ``[[south, west], [north, east]]`` to fit (see :func:`leaflet_bounds`).
    centre : tuple of float, optional
        ``(lat, lng)`` to move to when no ``bounds`` are given.
    zoom : float, optional
        The zoom that goes with ``centre``.
    max_zoom : float, optional
        The closest a fit to ``bounds`` may zoom (a point or a small shape); never past the
        basemap's detail (:data:`kzatlas.config.BASEMAP_DETAIL_ZOOM`).

    Returns
    -------
    folium.FeatureGroup
    """
    group = folium.FeatureGroup(name="fly", control=False)
    _FlyTo(nonce, bounds=bounds, centre=list(centre) if centre else None, zoom=zoom, max_zoom=max_zoom).add_to(group)
    return group


class _OpenForEditing(MacroElement):
    """Put ``features`` on the drawing layer once per ``nonce``, in place of what is there."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function open(tries) {
            var map = window.map, items = window.drawnItems;
            if (!map || !items || typeof items.clearLayers !== "function") {
                // The layers can arrive before the map and its drawing layer exist: try again
                // shortly (for up to 10 s) rather than leave the shape unopened.
                if (tries < 100) { setTimeout(function () { open(tries + 1); }, 100); }
                return;
            }
            if (window.__kzOpened === {{ this.nonce | tojson }}) { return; }
            window.__kzOpened = {{ this.nonce | tojson }};
            items.clearLayers();
            // One editable layer per part: Leaflet.draw edits polygons and markers, not groups.
            L.geoJSON({{ this.features | tojson }}).eachLayer(function (layer) { items.addLayer(layer); });
            // Reported like an edit, so the page previews the opened shape at once.
            map.fire("draw:edited", {layers: items});
        })(0);
        {% endmacro %}
        """
    )

    def __init__(self, nonce: str, features: list[dict]):
        super().__init__()
        self._name = "OpenForEditing"
        self.nonce, self.features = str(nonce), {"type": "FeatureCollection", "features": list(features)}


def open_for_editing_group(nonce: str, features: list[dict]) -> folium.FeatureGroup:
    """A layer with no shapes that opens ``features`` on the drawing map's editable layer once.

    The drawing layer (Leaflet.draw's ``featureGroup``) is emptied and gets one layer per
    feature; the edit tool (the pencil) then moves their vertices and drags markers. The map
    reports the opened shape as drawn. Sent with the other swappable layers; only a new
    ``nonce`` opens the shape again (what the editor changed survives the page's reruns).

    Parameters
    ----------
    nonce : str
        Identifies this opening (the feature and how many times it was opened).
    features : list of dict
        GeoJSON features (see :func:`kzatlas.edit.drawn_shapes.editable_features`).

    Returns
    -------
    folium.FeatureGroup
    """
    group = folium.FeatureGroup(name="open-for-editing", control=False)
    _OpenForEditing(nonce, features).add_to(group)
    return group
