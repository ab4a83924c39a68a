"""Where a table's header is: the row of column names above the data, and names people give columns.

Spreadsheets as offices keep them have a title or a cover page above the table, and headers
over two merged rows ("Координаты" over "Широта" and "Долгота"). :func:`split_table` finds the
header (the first row that looks like one, above rows of data; a second row of names under a
merged cell is flattened to "Координаты / Широта") or takes the one the user chose, and
:func:`table_score` tells a sheet that holds a table from a cover page. This module is light
(no pandas): it runs in the reading process as well as in the app.
"""

from __future__ import annotations

import unicodedata

from kzatlas import config
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.validate import parse_number

# Rows looked at for the header (and offered to choose from).
HEADER_SCAN_ROWS = 30
# Between the two lines of a flattened header name.
JOIN = " / "
NO_HEADER = N_("the file has no header row")
NO_ROWS = N_("the file has a header but no rows")
FORMULA_CELL = N_("cell {cell} holds a formula; formulas are not run, type the value instead")

# Names a column is known by, per catalogue field (English, Russian, Kazakh, WDPA).
COLUMN_ALIASES = {
    "wdpa_id": ("wdpaid", "wdpa_id", "wdpa"),
    **{
        config.NAME_COLUMN_PREFIX + code: (config.NAME_COLUMN_PREFIX + code, *settings["headers"])
        for code, settings in config.LANGUAGE_SETTINGS.items()
    },
    "kind": ("kind", "type", "desig_eng", "designation", "тип", "вид", "түрі", "категория_оопт"),
    "themes": ("themes", "theme", "topics", "темы", "тема", "тақырып", "тақырыптар"),
    "region": ("region", "region_code", "region_codes", "oblast", "province", "область", "облыс", "облысы", "регион", "аймақ", "iso_code", "sub_loc"),
    "latitude": ("latitude", "lat", "y", "lat_dd", "широта", "ендік"),
    "longitude": ("longitude", "lon", "lng", "long", "x", "lon_dd", "долгота", "бойлық"),
    "year": ("year", "status_yr", "established", "year_established", "год", "жыл", "год_создания"),
    "area_ha": ("area_ha", "hectares", "ha", "площадь_га", "площадь", "аумағы_га", "аумағы"),
    "area_km2": ("rep_area", "area_km2", "km2", "площадь_км2"),
    "iucn_category": ("iucn_cat", "iucn_category", "iucn", "категория_мсоп"),
    "undp_project": ("undp_project", "project", "проект", "жоба"),
    "partners": ("partners", "partner", "партнеры", "партнёры", "серіктестер"),
    "donors": ("donors", "donor", "funder", "доноры", "донорлар"),
    "budget_usd": ("budget_usd", "budget", "бюджет", "бюджет_usd"),
    "location_name": ("location_name", "location", "place", "местоположение", "место", "орны"),
    "links": ("links", "link", "website", "web", "сайт"),
    "source_url": ("source_url", "url", "href", "источник_url", "дереккөз_url"),
    "source_title": ("source_title", "source", "источник", "дереккөз"),
    "source_date": ("source_date", "date", "accessed", "дата", "күні"),
    "notes": ("notes", "note", "description", "comment", "comments", "примечание", "описание", "ескертпе", "сипаттама"),
}  # fmt: skip


def header_key(name: str) -> str:
    """A column name reduced for comparison: case-folded, letters and digits only.

    Parameters
    ----------
    name : str
        A column name as the file gives it.

    Returns
    -------
    str
        ``"Source URL"``, ``"source_url"`` and ``"SOURCE-URL"`` all give ``"sourceurl"``.
    """
    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def name_keys(name: str) -> tuple[str, ...]:
    """The keys a column is compared by: its whole name, then its last line ("Координаты / Широта")."""
    keys = [header_key(name)]
    if JOIN in str(name):
        keys.append(header_key(str(name).rsplit(JOIN, 1)[-1]))
    return tuple(keys)


ALIAS_KEYS = {target: tuple(header_key(alias) for alias in aliases) for target, aliases in COLUMN_ALIASES.items()}
_KNOWN = {key for keys in ALIAS_KEYS.values() for key in keys}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _numeric(value: object) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        return parse_number(value) is not None
    except ValueError:
        return any(ch.isdigit() for ch in str(value)) and any(ch in str(value) for ch in "°′'\"")


def header_like(cells: list) -> bool:
    """Whether a row could be a header: two or more cells, all text, none a number or coordinate."""
    filled = [cell for cell in cells if not _blank(cell)]
    return len(filled) >= 2 and all(isinstance(cell, str) and not _numeric(cell) for cell in filled)


def _known(cells: list) -> int:
    return sum(1 for cell in cells if not _blank(cell) and any(key in _KNOWN for key in name_keys(str(cell))))


def _width(cells: list) -> int:
    return sum(1 for cell in cells if not _blank(cell))


def _second_line(upper: list, lower: list) -> bool:
    """Whether ``lower`` continues a header under merged cells of ``upper`` (a group over its parts)."""
    if not lower or any(not isinstance(cell, str) or _numeric(cell) for cell in lower if not _blank(cell)):
        return False
    group = None
    for position, cell in enumerate(lower):
        above = upper[position] if position < len(upper) else None
        if not _blank(above):
            group = position if not _blank(cell) else None
        elif not _blank(cell) and group is not None:
            return True
    return False


def find_header(grid: list[tuple]) -> tuple[int, int] | None:
    """The header's first and last row (positions in ``grid``), or ``None`` when no row looks like one.

    Parameters
    ----------
    grid : list of tuple
        Non-empty rows, each ``(line, cells, ...)``.

    Returns
    -------
    tuple of int or None
        The first row among the first :data:`HEADER_SCAN_ROWS` that looks like a header with a
        row of data (two or more cells) below it, preferring one with two or more known column
        names, else one at least half as wide as the widest row; the last row is the next one
        when it holds the second line of a header under merged cells.
    """
    scan = grid[:HEADER_SCAN_ROWS]
    widest = max((_width(row[1]) for row in scan), default=0)
    candidates = [
        i
        for i, row in enumerate(scan)
        if header_like(row[1]) and any(_width(later[1]) >= 2 for later in grid[i + 1 : i + 4])
    ]
    chosen = next((i for i in candidates if _known(scan[i][1]) >= 2), None)
    if chosen is None:
        chosen = next((i for i in candidates if 2 * _width(scan[i][1]) >= widest), None)
    if chosen is None:
        return None
    if chosen + 2 < len(grid) and _second_line(grid[chosen][1], grid[chosen + 1][1]):
        return chosen, chosen + 1
    return chosen, chosen


def table_score(grid: list[tuple]) -> int:
    """How much a sheet looks like a table: 0 for none (a cover page), else 1 + its known column names."""
    found = find_header(grid)
    if found is None:
        return 0
    return 1 + _known([cell for row in grid[found[0] : found[1] + 1] for cell in row[1]])


def flatten(upper: list, lower: list) -> list:
    """One name per column from two header rows: a merged group's name carried over its parts."""
    names, group, group_has_parts = [], None, False
    for position in range(max(len(upper), len(lower))):
        top = upper[position] if position < len(upper) else None
        bottom = lower[position] if position < len(lower) else None
        if not _blank(top):
            group, group_has_parts = str(top).strip(), not _blank(bottom)
        elif _blank(bottom) or not group_has_parts:
            group = None
        top_name = str(top).strip() if not _blank(top) else group
        parts = [part for part in (top_name, None if _blank(bottom) else str(bottom).strip()) if part]
        names.append(JOIN.join(parts) if parts else None)
    return names


def column_names(cells: list) -> list[str]:
    """Column names from a header's cells: spaces tidied, at most 100 characters, blanks and repeats named."""
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell if cell is not None else "").split())[:100] or f"column {position}"
        while name in names:
            name = f"{name} ({position})"
        names.append(name)
    return names


def split_table(grid: list[tuple], header: tuple[int, int] | None = None, *, strict_width: bool = True) -> dict:
    """A table's columns and rows from its non-empty rows, with the header found or as chosen.

    Parameters
    ----------
    grid : list of tuple
        ``(line, cells, formula)`` per non-empty row: its line (CSV) or row (XLSX) number, its
        cells, and the first cell holding a formula (``"B5"``) or ``None``.
    header : tuple of int, optional
        The header's first and last line numbers as the user chose them; found when ``None``.
    strict_width : bool
        Whether a row with more cells than the header is rejected (CSV) or its extra cells
        left out (XLSX).

    Returns
    -------
    dict
        ``columns``; ``rows`` (``props``, ``line``, ``error``, ``extra``, ``formula``), the
        ``header`` lines used, the rows ``above`` the data (header included, to choose
        another) and ``header_choices`` (the lines a header can be chosen from).

    Raises
    ------
    RefusalError
        When there is no header, the header holds a formula, or no row follows it.
    """
    if not grid:
        raise RefusalError(NO_HEADER)
    lines = [row[0] for row in grid]
    if header is not None and header[0] in lines and header[1] in lines and header[0] <= header[1] <= header[0] + 1:
        first, last = lines.index(header[0]), lines.index(header[1])
    elif header is not None:
        raise RefusalError(N_("row {row} cannot be the header: it is empty or not in the table"), row=header[0])
    else:
        first, last = find_header(grid) or (0, 0)
    formula = next((grid[i][2] for i in range(first, last + 1) if grid[i][2]), None)
    if formula:
        raise RefusalError(N_("the header row holds a formula (cell {cell}); formulas are not run"), cell=formula)
    cells = grid[first][1] if first == last else flatten(grid[first][1], grid[last][1])
    columns = column_names(cells)
    rows = []
    for line, values, formula in grid[last + 1 :]:
        error = Message(FORMULA_CELL, cell=formula) if formula else None
        extra = list(values[len(columns) :])
        if strict_width and len(values) > len(columns) and error is None:
            error = Message(
                N_("the row has {cells} cells but the header has {columns} columns"), cells=len(values), columns=len(columns)
            )
        values = list(values[: len(columns)]) + [None] * (len(columns) - len(values))
        row = {"props": dict(zip(columns, values, strict=True)), "wkb": None, "error": error, "notes": [], "layer": 0}
        rows.append({**row, "line": line, "formula": formula, **({"extra": extra} if extra else {})})
    if not rows:
        raise RefusalError(NO_ROWS)
    return {
        "columns": columns,
        "rows": rows,
        "header": [grid[first][0], grid[last][0]],
        "above": [{"line": line, "cells": list(values), "formula": formula} for line, values, formula in grid[: last + 1]],
        "header_choices": lines[:HEADER_SCAN_ROWS],
    }


def regrid(raw: dict) -> list[tuple]:
    """The non-empty rows of a table the reader split, to split it again with another header."""
    columns = [str(column) for column in raw.get("columns", [])]
    grid = [(item["line"], item["cells"], item.get("formula")) for item in raw.get("above", [])]
    for item in raw.get("rows", []):
        props = item.get("props", {})
        grid.append((item.get("line"), [props.get(column) for column in columns] + list(item.get("extra", [])), item.get("formula")))
    return grid
