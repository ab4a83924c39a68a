"""The items table of a briefing pack: which features it lists, in what order, and how.

Each listed feature becomes one row of plain, translated text (name, kind, official area,
year, how its shape is drawn, source); the notes say what the uncertain shapes mean and how
many items have no place on the map.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from kzatlas import reports
from kzatlas.analysis import located
from kzatlas.briefing.text import clean_text, shown_url
from kzatlas.config import AREA_KINDS, KINDS, RELATIONSHIP_COLUMN
from kzatlas.formats import format_hectares, format_number
from kzatlas.i18n import N_, QUALITY_LABELS, Translate, kind_label, local_name, shown_name

UNCERTAIN_QUALITIES = ("approximate", "schematic")

# The items table: internal column keys -> heading msgid. Keys stay stable for the
# renderers; headings are translated into ``Briefing.headers``.
ITEM_HEADINGS = {
    "name": N_("Name"),
    "kind": N_("Kind"),
    "area": N_("Official area"),
    "year": N_("Year"),
    "shape": N_("Shape"),
    "distance": N_("Distance (km)"),
    "source": N_("Source"),
}


def item_name(row: pd.Series, name_column: str, translate: Translate | None = None) -> str:
    """The name a pack prints for a feature or region row.

    Parameters
    ----------
    row : Series
        A row with ``id`` and the ``name_*`` columns.
    name_column : str
        The language's name column; an empty name falls back to English, then to the id.
    translate : callable, optional
        With it, an English fallback is marked as such (:func:`kzatlas.i18n.shown_name`).

    Returns
    -------
    str
        Printable text.
    """
    name = local_name(row, name_column) if translate is None else shown_name(row, name_column, translate)
    return clean_text(name) or clean_text(row.get("id"))


def _year(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def has_position(geometry) -> bool:
    """Whether ``geometry`` can be drawn (an item without a map position is never placed).

    Parameters
    ----------
    geometry : shapely geometry or None

    Returns
    -------
    bool
    """
    return geometry is not None and not geometry.is_empty


def items_table(
    rows: pd.DataFrame, translate: Translate, name_column: str, distances: dict[str, float | None] | None = None
) -> pd.DataFrame:
    """One row per feature in ``rows`` (kept in order): name, kind, area, year, shape, source.

    Parameters
    ----------
    rows : DataFrame
        The features to list, in the order they are printed.
    translate : callable
        ``translate(msgid) -> str`` for the pack's language.
    name_column : str
        Which ``name_*`` column names each item.
    distances : dict, optional
        Feature id to distance in km (``None`` for the feature itself); adds the
        ``distance`` column when given.

    Returns
    -------
    DataFrame
        The columns of :data:`ITEM_HEADINGS` that apply, plus ``url``.
    """
    records = []
    for _, row in rows.iterrows():
        kind = clean_text(row["kind"])
        quality = clean_text(row["geometry_quality"])
        if not has_position(row.geometry):
            quality = "none"  # listed, never placed, whatever the record says
        record = {
            "name": item_name(row, name_column, translate),
            "kind": kind_label(kind, translate, row.get(RELATIONSHIP_COLUMN)),
            "area": format_hectares(row["area_ha"], translate) if kind in AREA_KINDS else "",
            "year": _year(row["year"]),
            "shape": translate(QUALITY_LABELS.get(quality, quality)),
        }
        if distances is not None:
            distance = distances.get(row["id"])
            record["distance"] = "" if distance is None else format_number(distance, translate, 1)
        record["url"] = clean_text(row.get("source_url"))
        record["source"] = shown_url(record["url"])
        records.append(record)
    columns = [key for key in ITEM_HEADINGS if distances is not None or key != "distance"] + ["url"]
    return pd.DataFrame(records, columns=columns)


def sorted_features(frame: gpd.GeoDataFrame, name_column: str) -> gpd.GeoDataFrame:
    """``frame`` in legend order of kinds, then by the name shown, so a reader finds an item quickly.

    Parameters
    ----------
    frame : GeoDataFrame
        Features with ``kind`` and the ``name_*`` columns.
    name_column : str
        Which name the order follows.

    Returns
    -------
    GeoDataFrame
        The same rows, reordered.
    """
    keys = [
        (KINDS.index(row["kind"]) if row["kind"] in KINDS else len(KINDS), item_name(row, name_column).casefold())
        for _, row in frame.iterrows()
    ]
    return frame.iloc[sorted(range(len(frame)), key=keys.__getitem__)]


def shape_notes(rows: gpd.GeoDataFrame, translate: Translate, count_unlocated: bool) -> list[str]:
    """What the drawn shapes are (for each uncertain quality present) and how many items are not drawn.

    Parameters
    ----------
    rows : GeoDataFrame
        The listed features.
    translate : callable
        ``translate(msgid) -> str`` for the pack's language.
    count_unlocated : bool
        Whether to add a note counting the items without a map position.

    Returns
    -------
    list of str
        Translated notes, possibly none.
    """
    drawn = located(rows)
    present = set(drawn["geometry_quality"])
    notes = [
        f"{translate(QUALITY_LABELS[quality])}: {translate(reports.QUALITY_EXPLANATIONS[quality])}"
        for quality in UNCERTAIN_QUALITIES
        if quality in present
    ]
    missing = len(rows) - len(drawn)
    if count_unlocated and missing:
        notes.append(
            translate(
                "{count} matching items have no verifiable location and are listed below without a map position."
            ).format(count=missing)
        )
    return notes
