"""The import preview's map layer: the file's shapes over the catalogue, in colours of their own.

New shapes are dashed magenta, boundaries that replace a catalogue shape dashed purple, rejected
rows (where the file gave them a place) dotted grey and drawn on top. A file of thousands of
points is thinned (:mod:`kzatlas.map.point_thinning`): a crowded patch of the map becomes one
round marker with the number of points it stands for, in the colour of their state.

Pure folium, like :mod:`kzatlas.map.folium_maps`; the page swaps the layer into the atlas map.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
from folium.utilities import JsCode

from kzatlas.config import NAME_COLUMNS
from kzatlas.formats import format_number
from kzatlas.i18n import N_, Translate, kind_label, language_of, name_column, shown_name
from kzatlas.map.base_layers import to_feature_collection
from kzatlas.map.folium_maps import CSS_CLASS_PREFIX
from kzatlas.map.point_thinning import COUNT_COLUMN, thin_points
from kzatlas.safety import escape_html

IMPORT_COLOUR = "#C2185B"  # magenta: no kind uses it
IMPORT_CLASS = f"{CSS_CLASS_PREFIX}import"
# What the import does with a row -> how the preview draws it. Rejected rows come last, on top.
STATE_STYLES = {
    "add": {"color": IMPORT_COLOUR, "dashArray": "8 5"},
    "change": {"color": "#6A1B9A", "dashArray": "12 4"},
    "reject": {"color": "#424242", "dashArray": "2 4"},
}
ACTION_TIPS = {
    "add": N_("New from the file"),
    "change": N_("Boundary from the file (replaces the shape)"),
    "reject": N_("Rejected: not saved (the table says why)"),
}
COUNT_TIPS = {
    "add": N_("{count} new points from the file here"),
    "change": N_("{count} points from the file here that replace a shape"),
    "reject": N_("{count} rejected points from the file here (the table says why)"),
}
# The counted marker: a round label whose text is set as text (never parsed as HTML).
COUNT_ICON = JsCode(
    """
    function (feature, layer) {
        if (!layer.setIcon) { return; }
        var props = feature.properties || {};
        var size = Math.round(Math.min(46, 20 + 5 * Math.log10(Math.max(props.count || 1, 1))));
        var label = document.createElement("span");
        label.textContent = String(props.label || "");
        label.style.cssText = "display:flex;align-items:center;justify-content:center;width:100%;height:100%;"
            + "border-radius:50%;color:#fff;font:600 11px sans-serif;border:2px solid #fff;"
            + "box-shadow:0 0 3px rgba(0,0,0,.6);background:" + props.colour;
        layer.setIcon(L.divIcon({html: label, className: props.css, iconSize: [size, size]}));
    }
    """
)


def _state_class(state: str) -> str:
    return f"{IMPORT_CLASS}-{state}"


def _style(feature: dict) -> dict:
    state = feature["properties"].get("state", "add")
    style = STATE_STYLES.get(state, STATE_STYLES["add"])
    return {
        "color": style["color"],
        "weight": 3,
        "dashArray": style["dashArray"],
        "fillColor": style["color"],
        "fillOpacity": 0.15,
        "className": f"{IMPORT_CLASS} {_state_class(state)}",
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


def _counted_layer(counted: gpd.GeoDataFrame, translate: Translate) -> folium.GeoJson:
    """Crowded cells as round markers with their count (text) and an escaped tooltip."""
    counted = counted.copy()
    counted[COUNT_COLUMN] = [int(count) for count in counted[COUNT_COLUMN]]
    counted["label"] = [format_number(count, translate) for count in counted[COUNT_COLUMN]]
    counted["tip"] = [
        escape_html(translate(COUNT_TIPS[state]).format(count=label))
        for state, label in zip(counted["action"], counted["label"])
    ]
    counted["colour"] = [STATE_STYLES[state]["color"] for state in counted["action"]]
    counted["css"] = [f"{IMPORT_CLASS}-count {_state_class(state)}" for state in counted["action"]]
    counted["id"] = [f"count-{number}" for number in range(len(counted))]
    return folium.GeoJson(
        to_feature_collection(counted, ["id", COUNT_COLUMN, "label", "tip", "colour", "css"]),
        marker=folium.Marker(icon=folium.DivIcon(html="", class_name=f"{IMPORT_CLASS}-count")),
        on_each_feature=COUNT_ICON,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    )


def import_preview_group(planned: gpd.GeoDataFrame, translate: Translate) -> folium.FeatureGroup:
    """A feature group with the file's added, changed and rejected shapes, each state in its own colour.

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
        The layer, with escaped tooltips; rows left alone are not drawn. Above
        :data:`~kzatlas.map.point_thinning.THIN_ABOVE` points, crowded cells are drawn as one
        counted marker per state (see :func:`~kzatlas.map.point_thinning.thin_points`).
    """
    group = folium.FeatureGroup(name=escape_html(translate("From the file (not saved yet)")), show=True)
    shown = planned[planned["action"].isin(tuple(ACTION_TIPS))].copy()
    if shown.empty:
        return group
    # Rejected rows are drawn last, over the others.
    shown = shown.iloc[shown["action"].map(list(ACTION_TIPS).index).argsort(kind="stable")]
    is_point = (shown.geom_type == "Point").to_numpy()
    thinned = thin_points(shown[is_point], "action")
    single_points = thinned[thinned[COUNT_COLUMN] == 1].drop(columns=[COUNT_COLUMN])
    counted = thinned[thinned[COUNT_COLUMN] > 1]
    singles = gpd.GeoDataFrame(pd.concat([shown[~is_point], single_points]), geometry="geometry", crs=shown.crs)
    if not singles.empty:
        singles["tip"] = [_tip(row, translate) for _, row in singles.iterrows()]
        singles["state"] = singles["action"]
        folium.GeoJson(
            to_feature_collection(singles, ["id", "tip", "state"]),
            style_function=_style,
            marker=folium.CircleMarker(radius=8, fill=True),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
            control=False,
        ).add_to(group)
    if not counted.empty:
        _counted_layer(counted, translate).add_to(group)
    return group
