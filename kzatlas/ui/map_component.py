"""What the map component is sent, built in parts that are rendered once and reused.

``streamlit_folium.st_folium`` renders the whole map on every call: the base map's templates,
every feature group's, the layer switcher's. On the atlas's pages the base changes only with the
page, language and data version, and the feature groups only with the filters and the
selection, so this module renders the same pieces as ``st_folium`` (with its own helpers, so
the browser gets byte-identical arguments) in three parts:

* :class:`BaseArguments`: the base map's script, HTML, header and the component's key;
* :class:`GroupArguments`: the swappable feature groups, with the layer switcher that lists
  them (the same for every filter set, so rendered once per base: :func:`layer_control_script`);
* the small per-run layers (a flight, a shape opened for editing), rendered each time.

:mod:`kzatlas.ui.live_map` keeps the first two per key, joins the three into the component's
arguments (:func:`joined`) and sends them (:func:`show`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium as sf


@dataclass(frozen=True)
class BaseArguments:
    """The base map as the component receives it (independent of the feature groups)."""

    script: str
    header: str
    html: str
    map_id: str
    hash_key: str
    bounds: dict
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


@dataclass(frozen=True)
class GroupArguments:
    """Feature groups (numbered from ``first``) as one script, with their links and the layer switcher."""

    script: str
    count: int
    layer_control: str | None
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _links(elements: Iterable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stylesheets and scripts ``elements`` and their children ask for, in st_folium's order."""
    css: list[str] = []
    js: list[str] = []

    def walk(element) -> None:
        if isinstance(element, branca.colormap.ColorMap):
            raise ValueError("colour scales load scripts from the internet and are not used on live maps")
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    for element in elements:
        walk(element)
    return tuple(css), tuple(js)


def base_arguments(fig: folium.Map, key: str) -> BaseArguments:
    """Render the base map ``fig`` as st_folium does.

    ``fig``'s layers are renamed on the way (as the script names them); then it can take the
    groups (:func:`group_arguments`) but nothing else.

    ``key`` is the page's widget key: the component's key is a hash of it and the base script,
    so a new base (another language) remounts the map and a filter change does not.
    """
    fig.get_root().render()
    fig.render()
    html = sf._get_html(fig)
    header = sf._get_header(fig)
    script = sf._get_map_string(fig)
    try:
        bounds = fig.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    (south, west), (north, east) = bounds
    css, js = _links([fig])
    return BaseArguments(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(fig),
        hash_key=sf.generate_js_hash(script, key, False),
        bounds={"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        zoom=fig.options.get("zoom") if hasattr(fig, "options") else {},
        css_links=css,
        js_links=js,
    )


def group_arguments(fig: folium.Map, groups: list, first: int = 0, layer_control: str | None = None) -> GroupArguments:
    """Render ``groups`` into ``fig`` as st_folium does, numbered from ``first``.

    ``fig`` is changed; any map will do (:func:`scratch_map`): the scripts name it ``map_div``.
    ``layer_control`` is the switcher's script that goes with them (:func:`layer_control_script`).
    """
    script = "".join(sf._get_feature_group_string(group, map=fig, idx=first + i) for i, group in enumerate(groups))
    css, js = _links(groups)
    return GroupArguments(script=script, count=len(groups), layer_control=layer_control, css_links=css, js_links=js)


def layer_signature(groups: list) -> tuple:
    """What the layer switcher shows of ``groups``: their names and flags, in order (not their content)."""
    return tuple(
        (type(group).__name__, getattr(group, "layer_name", None), getattr(group, "control", None), getattr(group, "show", None))
        for group in groups
    )


def layer_control_script(fig: folium.Map, groups: list, layer_control) -> str:
    """The layer switcher's script for ``groups`` on the base ``fig``, as st_folium renders it.

    It lists ``fig``'s own layers by the names the base script gives them, so ``fig`` must be a
    base map just rendered by :func:`base_arguments`; it is changed. The script depends only
    on the base and on :func:`layer_signature` of ``groups``.
    """
    group_arguments(fig, groups)
    return sf._get_layer_control_string(layer_control, fig)


def joined(
    base: BaseArguments,
    parts: Iterable[GroupArguments],
    *,
    height: int,
    returned_objects: list[str],
    zoom,
    center,
) -> dict:
    """The component's arguments from the base and the group parts (in their order), as st_folium sends them."""
    parts = list(parts)
    # What st_folium reports before the user touches the map (its names, in its order).
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None, "bounds": base.bounds, "zoom": base.zoom, "last_circle_radius": None,
        "last_circle_polygon": None, "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }
    control = next((part.layer_control for part in parts if part.layer_control is not None), None)
    return {
        "script": base.script,
        "header": base.header,
        "html": base.html,
        "id": base.map_id,
        "key": base.hash_key,
        "height": height,
        "width": None,
        "returned_objects": returned_objects,
        "default": {name: value for name, value in defaults.items() if returned_objects is None or name in returned_objects},
        "zoom": zoom,
        "center": center,
        "feature_group": "".join(part.script for part in parts),
        "return_on_hover": False,
        "layer_control": control,
        "pixelated": False,
        "css_links": list(dict.fromkeys(base.css_links + sum((part.css_links for part in parts), ()))),
        "js_links": list(dict.fromkeys(base.js_links + sum((part.js_links for part in parts), ()))),
        "wrap_longitude": False,
    }


def scratch_map() -> folium.Map:
    """An empty map to render per-run layers into (their scripts name the map as ``map_div``)."""
    return folium.Map(tiles=None)


def show(arguments: dict, widget_key: str):
    """Send ``arguments`` (from :func:`joined`) to the st_folium component; its value comes back.

    As st_folium does, a change the map reports is also kept under ``widget_key``.
    """
    hash_key = arguments["key"]

    def keep_value() -> None:
        st.session_state[widget_key] = st.session_state.get(hash_key, {})

    return sf._component_func(**arguments, on_change=keep_value)
