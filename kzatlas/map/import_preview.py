"""The import preview's map layer: the file's shapes over the catalogue, in a colour of their own.

Pure folium, like :mod:`kzatlas.map.folium_maps`; the page swaps the layer into the atlas map.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from kzatlas.config import NAME_COLUMNS
from kzatlas.i18n import N_, Translate, kind_label, language_of, name_column, shown_name
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


def _shape_name(row, translate: Translate) -> str:
    """The shape's name in the page's language, else English (marked), else any name the file gives, else its id."""
    name = shown_name(row, name_column(language_of(translate)), translate)
    return name or next((str(row[column]) for column in NAME_COLUMNS if row.get(column)), "") or str(row["id"])


def _tip(row, translate: Translate) -> str:
    what = translate(ACTION_TIPS[row["action"]])
    kind = kind_label(row["kind"], translate) if row.get("kind") else ""
    lines = [f"<b>{escape_html(_shape_name(row, translate))}</b>", escape_html(kind), escape_html(what)]
    return "<br>".join(line for line in lines if line)


def import_preview_group(planned: gpd.GeoDataFrame, translate: Translate) -> folium.FeatureGroup:
    """A feature group with the file's added and changed shapes, dashed in magenta.

    Parameters
    ----------
    planned : GeoDataFrame
        ``ImportPlan.frame()``: id, the name columns, kind, action, geometry.
    translate : callable
        The page's translation function: the layer's name, each shape's name (in the page's
        language where there is one) and what the import does with it follow the page's language.

    Returns
    -------
    folium.FeatureGroup
        The layer, with escaped tooltips; rows left alone or rejected are not drawn.
    """
    group = folium.FeatureGroup(name=escape_html(translate("From the file (not saved yet)")), show=True)
    shown = planned[planned["action"].isin(tuple(ACTION_TIPS))].copy()
    if shown.empty:
        return group
    shown["tip"] = [_tip(row, translate) for _, row in shown.iterrows()]
    folium.GeoJson(
        to_feature_collection(shown, ["id", "tip"]),
        style_function=_style,
        marker=folium.CircleMarker(radius=8, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(group)
    return group
