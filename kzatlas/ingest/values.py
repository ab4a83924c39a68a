"""A row's values from the file's mapped columns, checked one by one.

:func:`fill_values` turns one row's properties into a working record: the catalogue's columns
plus working keys that start with ``_`` (position, regions, WDPA id, source), which later
steps use and drop. Every problem goes to the row: a reason to reject it, or a note of a repair.
"""

from __future__ import annotations

from kzatlas.catalog import FEATURE_COLUMNS, LIST_SEPARATOR
from kzatlas.config import KINDS, NAME_COLUMNS
from kzatlas.i18n import THEME_LABELS
from kzatlas.ingest import limits
from kzatlas.ingest.columns import TARGET_LABELS, kind_from_text, split_items
from kzatlas.ingest.coordinates import LATITUDE, LONGITUDE, check_coordinate, lenient_pair
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.planned import PlannedRow
from kzatlas.ingest.regions import RegionIndex
from kzatlas.ingest.validate import SOURCE_DATE, Checked, check_date, check_number, check_year, clean_text, is_blank
from kzatlas.safety import plain_snippet, safe_link

HECTARES_PER_KM2 = 100.0
_TEXT_TARGETS = {
    **dict.fromkeys(NAME_COLUMNS, limits.MAX_NAME_CHARS),
    "iucn_category": 40,
    "undp_project": limits.MAX_NAME_CHARS,
    "partners": limits.MAX_TEXT_CHARS,
    "donors": limits.MAX_TEXT_CHARS,
    "location_name": limits.MAX_NAME_CHARS,
    "source_title": limits.MAX_NAME_CHARS,
    "notes": limits.MAX_TEXT_CHARS,
}


def _cell(props: dict, mapping: dict, target: str) -> object:
    column = mapping.get(target)
    return None if column is None else props.get(column)


def _empty_record() -> dict:
    defaults = {"str": "", "int": None, "float": None, "bool": False}
    return {column: defaults[dtype] for column, dtype in FEATURE_COLUMNS.items()}


def _take(planned: PlannedRow, checked: Checked) -> object:
    """The checked value, its notes added to the row's repairs; ``None`` and a reason when it failed."""
    if checked.error:
        planned.reasons.append(checked.error)
        return None
    planned.repairs += checked.notes
    return checked.value


def fill_values(planned: PlannedRow, props: dict, mapping: dict, defaults: dict, regions: RegionIndex) -> dict:
    """The record's values from the mapped columns, checked; problems go to the row.

    Parameters
    ----------
    planned : PlannedRow
        The row; its ``reasons`` and ``repairs`` grow.
    props : dict
        The row's cells by column name.
    mapping : dict
        Catalogue field to column (or ``None``).
    defaults : dict
        Values for fields whose cell is blank (``kind``, ``themes`` and the text fields).
    regions : RegionIndex
        For region codes and names.

    Returns
    -------
    dict
        The catalogue's columns, plus ``_latitude``, ``_longitude``, ``_coordinate_pair``
        (both cells read whatever their hemisphere letters say), ``_regions``,
        ``_wdpa_id``, ``_designation`` (an unknown kind) and the ``_source_*`` keys.
    """
    record = _empty_record()
    for target, limit in _TEXT_TARGETS.items():
        value = _cell(props, mapping, target)
        if is_blank(value) and target in defaults:
            value = defaults[target]
        record[target] = _take(planned, clean_text(TARGET_LABELS[target], value, limit)) or ""
    _fill_kind_and_themes(planned, record, props, mapping, defaults)
    codes = []
    for item in split_items(_cell(props, mapping, "region")):
        code = _take(planned, regions.lookup(item))
        if code:
            codes.append(code)
    record["_regions"] = list(dict.fromkeys(codes))
    _fill_numbers(planned, record, props, mapping)
    _fill_links(planned, record, props, mapping)
    return record


def _fill_kind_and_themes(planned: PlannedRow, record: dict, props: dict, mapping: dict, defaults: dict) -> None:
    # Kind: a kind id, a label or a designation.
    raw_kind = _cell(props, mapping, "kind")
    kind = kind_from_text(raw_kind) if not is_blank(raw_kind) else None
    if kind is None and not is_blank(raw_kind):
        record["_designation"] = plain_snippet(raw_kind, 60)
    if kind is None and is_blank(raw_kind):
        kind = defaults.get("kind") if defaults.get("kind") in KINDS else None
    record["kind"] = kind or ""
    # Themes: known theme ids; unknown ones are left out with a note.
    themes = []
    for item in split_items(_cell(props, mapping, "themes") or defaults.get("themes")):
        if item in THEME_LABELS:
            themes.append(item)
        else:
            planned.repairs.append(
                Message(N_("theme '{theme}' is not one of the atlas's themes; left out"), theme=plain_snippet(item, 30))
            )
    record["themes"] = LIST_SEPARATOR.join(dict.fromkeys(themes))


def _fill_numbers(planned: PlannedRow, record: dict, props: dict, mapping: dict) -> None:
    record["year"] = _take(planned, check_year(_cell(props, mapping, "year")))
    area_ha = _take(planned, check_number(N_("official area (ha)"), _cell(props, mapping, "area_ha"), 0))
    area_km2 = _take(planned, check_number(N_("official area (km²)"), _cell(props, mapping, "area_km2"), 0))
    if area_ha is None and area_km2 is not None:
        area_ha = area_km2 * HECTARES_PER_KM2
    record["area_ha"] = area_ha if area_ha else None
    record["budget_usd"] = _take(planned, check_number(N_("budget"), _cell(props, mapping, "budget_usd"), 0))
    latitude, longitude = _cell(props, mapping, LATITUDE), _cell(props, mapping, LONGITUDE)
    record["_latitude"] = _take(planned, check_coordinate(LATITUDE, latitude))
    record["_longitude"] = _take(planned, check_coordinate(LONGITUDE, longitude))
    # Both cells as numbers whatever their letters say: to tell a file whose columns are exchanged.
    record["_coordinate_pair"] = lenient_pair(latitude, longitude)
    wdpa_id = check_number(TARGET_LABELS["wdpa_id"], _cell(props, mapping, "wdpa_id"), 1)
    record["_wdpa_id"] = int(wdpa_id.value) if wdpa_id.value and not wdpa_id.error and float(wdpa_id.value).is_integer() else None


def _fill_links(planned: PlannedRow, record: dict, props: dict, mapping: dict) -> None:
    # Links and sources: web addresses only.
    links = []
    for item in split_items(_cell(props, mapping, "links")):
        if safe_link(item, allow_relative=False) is None:
            planned.reasons.append(
                Message(N_("link '{link}' is not an http(s) web address"), link=plain_snippet(item, 40))
            )
        else:
            links.append(item)
    record["links"] = LIST_SEPARATOR.join(links)
    url = _cell(props, mapping, "source_url")
    if not is_blank(url):
        if safe_link(str(url).strip(), allow_relative=False) is None:
            planned.reasons.append(
                Message(N_("source URL '{link}' is not an http(s) web address"), link=plain_snippet(url, 40))
            )
        else:
            record["_source_url"] = str(url).strip()
    record["_source_title"] = record.pop("source_title") or ""
    record["_source_date"] = _take(planned, check_date(SOURCE_DATE, _cell(props, mapping, "source_date"))) or ""


def row_label(record: dict, number: int) -> str | Message:
    """How the report names a row: its first name (at most 80 characters), else its number.

    Parameters
    ----------
    record : dict
        The row's working record.
    number : int
        The row's position in the file (1-based).

    Returns
    -------
    str or Message
        A name (data, never translated), or the message "feature N".
    """
    for column in NAME_COLUMNS:
        if record.get(column):
            return str(record[column])[:80]
    return Message(N_("feature {number}"), number=number)
