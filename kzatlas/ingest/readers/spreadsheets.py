"""Readers for tables: CSV with Python's ``csv`` module, XLSX with openpyxl (formulas reported, never run).

A table has no shapes: its rows are placed later from latitude/longitude or region columns.
Its header is found below any title or cover lines, or taken from the row the user chose
(:mod:`kzatlas.ingest.headers`); of a workbook, the first sheet that holds a table is read
unless another is chosen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from kzatlas.ingest import encodings, limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.headers import HEADER_SCAN_ROWS, split_table, table_score
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.readers.common import check_columns, count_features, plain
from kzatlas.safety import plain_snippet


def _table_result(grid: list[tuple], notes: list[Message], *, strict_width: bool) -> dict:
    table = split_table(grid, strict_width=strict_width)
    check_columns(table["columns"])
    count_features(len(table["rows"]))
    return {"layers": [{"name": "", "crs": None}], **table, "notes": notes, "table": True}


def read_csv(path: Path, encoding: str | None = None) -> dict:
    """Read a CSV file with Python's ``csv`` module (cells stay text; nothing is evaluated).

    Parameters
    ----------
    path : Path
        The file.
    encoding : str, optional
        The text encoding the user chose (:data:`kzatlas.ingest.encodings.ENCODINGS`); by
        default it is detected.

    Returns
    -------
    dict
        The reader result, one row per line after the header, and the ``encoding`` read with.
    """
    text, detection = encodings.decode(path.read_bytes(), encoding)
    notes: list[Message] = []
    if "\x00" in text:
        raise RefusalError(N_("the file holds NUL characters; it looks binary, not CSV text"))
    # The delimiter most used in the first lines (a title line above the table has few).
    first_lines = text[:65536].splitlines()[:10]
    delimiter = max((",", ";", "\t"), key=lambda mark: sum(line.count(mark) for line in first_lines))
    csv.field_size_limit(limits.MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[tuple[int, list, str | None]] = []
    try:
        for cells in reader:
            if len(cells) > limits.MAX_COLUMNS:
                raise RefusalError(
                    N_("line {line} has {count} cells; at most {limit} columns are accepted"),
                    line=reader.line_num,
                    count=len(cells),
                    limit=limits.MAX_COLUMNS,
                )
            if not any(cell.strip() for cell in cells):
                continue
            grid.append((reader.line_num, cells, None))
            count_features(len(grid) - 1)
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise RefusalError(
                N_("a cell on line {line} holds more than {limit} characters"), line=reader.line_num, limit=limits.MAX_CELL_CHARS
            ) from exc
        raise RefusalError(N_("the CSV file cannot be read at line {line} (unbalanced quotes?)"), line=reader.line_num) from exc
    return {**_table_result(grid, notes, strict_width=True), "encoding": detection.to_json()}


def _sheet_rows(sheet) -> Iterator[tuple[int, list, str | None]]:
    """A worksheet's non-empty rows as ``(row number, values, first formula cell)``; formulas never run."""
    from openpyxl.utils import get_column_letter

    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values, formula = [], None
        for position, cell in enumerate(cells, start=1):
            if position > limits.MAX_COLUMNS:
                if getattr(cell, "value", None) is not None:
                    raise RefusalError(
                        N_("row {row} has cells beyond column {limit}; that many columns are not accepted"),
                        row=number,
                        limit=limits.MAX_COLUMNS,
                    )
                continue
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f":
                formula = formula or f"{get_column_letter(position)}{number}"
                value = None
            values.append(plain(value))
        if not any(value not in (None, "") for value in values) and formula is None:
            continue
        while values and values[-1] in (None, ""):
            values.pop()
        yield number, values, formula


def _chosen_sheet(names: list[str], sheet: str) -> int:
    """The position of the sheet the user named, by its name or its number (1 is the first)."""
    if sheet in names:
        return names.index(sheet)
    if sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    raise RefusalError(
        N_("the workbook has no sheet '{sheet}'; its sheets are: {sheets}"),
        sheet=plain_snippet(sheet, 40),
        sheets=plain_snippet(", ".join(names), 200),
    )


def _proposed_sheet(sheets: list) -> int:
    """The first sheet that holds a table with known column names, else any table, else the first."""
    scores = []
    for sheet in sheets:
        scores.append(table_score(list(islice(_sheet_rows(sheet), HEADER_SCAN_ROWS + 3))))
        if scores[-1] >= 3:
            break
    best = max(scores)
    return scores.index(best) if best else 0


def read_xlsx(path: Path, sheet: str | None = None) -> dict:
    """Read one sheet of an XLSX workbook with openpyxl (read-only); formulas are reported, never run.

    Parameters
    ----------
    path : Path
        The workbook (its zip directory has been checked already).
    sheet : str, optional
        The sheet's name or number (1 is the first); by default the first sheet that holds a
        table (a cover page of a few text cells is passed over).

    Returns
    -------
    dict
        The reader result with the workbook's ``sheets`` and the ``sheet`` read; a row with a
        formula carries an error naming the cell. Merged cells are read as their first cell
        (the others are empty), so a header over two merged rows is flattened to one name per
        column (:func:`kzatlas.ingest.headers.split_table`).
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise RefusalError(N_("the workbook cannot be opened (it may be damaged or not an .xlsx file)")) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise RefusalError(N_("the workbook has no sheets"))
        names = [str(each.title) for each in sheets]
        index = _chosen_sheet(names, str(sheet)) if sheet not in (None, "") else _proposed_sheet(sheets)
        notes = []
        if len(sheets) > 1:
            notes.append(
                Message(
                    N_("sheet '{sheet}' is read; the workbook has {count} other sheet(s), which can be chosen instead"),
                    sheet=plain_snippet(names[index], 60),
                    count=len(sheets) - 1,
                )
            )
        grid = []
        for row in _sheet_rows(sheets[index]):
            grid.append(row)
            count_features(len(grid) - 1)
    finally:
        workbook.close()
    return {**_table_result(grid, notes, strict_width=False), "sheets": names, "sheet": names[index]}
