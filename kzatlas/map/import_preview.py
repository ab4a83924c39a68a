"""The import preview's map layer: the file's shapes over the catalogue, in a colour of their own.

Pure folium, like :mod:`kzatlas.map.folium_maps`; the page swaps the layer into the atlas map.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from kzatlas.i18n import N_, Translate
from kzatlas.map.base_layers import to_feature_collection
from kzatlas.map.folium_maps import CSS_CLASS_PREFIX
from kzatlas.safety import escape_html

IMPORT_COLOUR = "#C2185B"  # magenta: no kind uses it
IMPORT_CLASS = f"{CSS_CLASS_PREFIX}import"
ACTION_TIPS = {"add": N_("New from the file"), "change": N_("Boundary from the file (replaces the shape)")}


def _style(_feature: dict) -> dict:
    return {
        "color": IMPORT_COLOUR,
        "weight": 3,
        "dashArray": "8 5",
        "fillColor": IMPORT_COLOUR,
        "fillOpacity": 0.15,
        "className": IMPORT_CLASS,
    }


def import_preview_group(planned: gpd.GeoDataFrame, translate: Translate) -> folium.FeatureGroup:
    """A feature group with the file's added and changed shapes, dashed in magenta.

    Parameters
    ----------
    planned : GeoDataFrame
        ``ImportPlan.frame()``: id, name_en, kind, action, geometry.
    translate : callable
        The page's translation function.

    Returns
    -------
    folium.FeatureGroup
        The layer, with escaped tooltips; rows left alone or rejected are not drawn.
    """
    group = folium.FeatureGroup(name=escape_html(translate("From the file (not saved yet)")), show=True)
    shown = planned[planned["action"].isin(tuple(ACTION_TIPS))].copy()
    if shown.empty:
        return group
    shown["tip"] = [
        f"<b>{escape_html(name)}</b><br>{escape_html(translate(ACTION_TIPS[action]))}"
        for name, action in zip(shown["name_en"], shown["action"], strict=True)
    ]
    folium.GeoJson(
        to_feature_collection(shown, ["id", "tip"]),
        style_function=_style,
        marker=folium.CircleMarker(radius=8, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(group)
    return group
